namespace NeuroCore.Data;

/// <summary>
/// The element type code in byte 2 of an IDX file's magic number (LeCun's MNIST format). Multi-byte types are
/// stored big-endian in the file; <see cref="IdxFile"/> holds them in host order.
/// </summary>
#pragma warning disable CA1720 // The members are the IDX specification's element type names.
public enum IdxDataType : byte
{
    /// <summary>0x08: unsigned byte.</summary>
    UInt8 = 0x08,

    /// <summary>0x09: signed byte.</summary>
    Int8 = 0x09,

    /// <summary>0x0B: 16-bit signed integer.</summary>
    Int16 = 0x0B,

    /// <summary>0x0C: 32-bit signed integer.</summary>
    Int32 = 0x0C,

    /// <summary>0x0D: 32-bit IEEE float.</summary>
    Float32 = 0x0D,

    /// <summary>0x0E: 64-bit IEEE float.</summary>
    Float64 = 0x0E,
}
#pragma warning restore CA1720
