using System.Numerics;
using System.Runtime.InteropServices;

namespace NeuroCore.Data;

/// <summary>
/// The contents of one IDX file: element type, dimensions and the data in host byte order, row-major.
/// </summary>
public sealed class IdxFile
{
    readonly int[] _dims;
    readonly byte[] _data;

    internal IdxFile(string source, IdxDataType dataType, int[] dims, byte[] data)
    {
        Source = source;
        DataType = dataType;
        _dims = dims;
        _data = data;
        Length = data.Length / ElementSize(dataType);
    }

    /// <summary>Where the data came from (a path or a stream name), for messages.</summary>
    public string Source { get; }

    /// <summary>The element type.</summary>
    public IdxDataType DataType { get; }

    /// <summary>The dimensions, outermost first (e.g. [60000, 28, 28] for an image file).</summary>
    public ReadOnlySpan<int> Dimensions => _dims;

    /// <summary>The number of dimensions.</summary>
    public int Rank => _dims.Length;

    /// <summary>The number of elements (the product of <see cref="Dimensions"/>).</summary>
    public int Length { get; }

    /// <summary>The data as bytes in host byte order.</summary>
    public ReadOnlySpan<byte> Bytes => _data;

    /// <summary>The size in bytes of one element of <paramref name="type"/>.</summary>
    public static int ElementSize(IdxDataType type) => type switch
    {
        IdxDataType.UInt8 or IdxDataType.Int8 => 1,
        IdxDataType.Int16 => 2,
        IdxDataType.Int32 or IdxDataType.Float32 => 4,
        IdxDataType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not an IDX element type (expected 0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E)."),
    };

    /// <summary>
    /// The elements typed as <typeparamref name="T"/>, which must match <see cref="DataType"/>
    /// (byte, sbyte, short, int, float, double).
    /// </summary>
    public ReadOnlySpan<T> AsSpan<T>() where T : unmanaged
    {
        var expected = TypeOf<T>();
        if (expected != DataType)
            throw new InvalidOperationException($"IDX file '{Source}' holds {DataType} elements; AsSpan<{typeof(T).Name}>() needs {expected}. Use CopyTo(Span<float>) to convert.");
        return MemoryMarshal.Cast<byte, T>(_data);
    }

    /// <summary>Converts every element to float, multiplied by <paramref name="scale"/>, into <paramref name="destination"/>.</summary>
    public void CopyTo(Span<float> destination, float scale = 1f)
    {
        if (destination.Length < Length)
            throw new ArgumentException($"IdxFile.CopyTo: the destination holds {destination.Length} floats; '{Source}' has {Length} elements.", nameof(destination));
        switch (DataType)
        {
            case IdxDataType.UInt8: Convert(MemoryMarshal.Cast<byte, byte>(_data), destination, scale); break;
            case IdxDataType.Int8: Convert(MemoryMarshal.Cast<byte, sbyte>(_data), destination, scale); break;
            case IdxDataType.Int16: Convert(MemoryMarshal.Cast<byte, short>(_data), destination, scale); break;
            case IdxDataType.Int32: Convert(MemoryMarshal.Cast<byte, int>(_data), destination, scale); break;
            case IdxDataType.Float32: Convert(MemoryMarshal.Cast<byte, float>(_data), destination, scale); break;
            default: Convert(MemoryMarshal.Cast<byte, double>(_data), destination, scale); break;
        }
    }

    /// <summary>
    /// A new IDX file holding a copy of <paramref name="values"/> with <paramref name="dimensions"/>; the element
    /// type follows <typeparamref name="T"/> (byte, sbyte, short, int, float or double).
    /// </summary>
    public static IdxFile Create<T>(ReadOnlySpan<int> dimensions, ReadOnlySpan<T> values, string source = "") where T : unmanaged
    {
        var type = TypeOf<T>();
        if (dimensions.Length is < 1 or > IdxReader.MaxRank)
            throw new ArgumentException($"IdxFile.Create: {dimensions.Length} dimensions; IDX files here have 1..{IdxReader.MaxRank}.", nameof(dimensions));
        long product = 1;
        foreach (int d in dimensions)
        {
            if (d < 0) throw new ArgumentException($"IdxFile.Create: negative dimension {d}.", nameof(dimensions));
            product *= d;
            if (product > Array.MaxLength) throw new ArgumentException("IdxFile.Create: the dimensions describe more elements than an array can hold.", nameof(dimensions));
        }
        if (product != values.Length)
            throw new ArgumentException($"IdxFile.Create: dimensions [{string.Join(", ", dimensions.ToArray())}] need {product} values; got {values.Length}.", nameof(values));
        return new IdxFile(source, type, dimensions.ToArray(), MemoryMarshal.AsBytes(values).ToArray());
    }

    static IdxDataType TypeOf<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(byte)) return IdxDataType.UInt8;
        if (typeof(T) == typeof(sbyte)) return IdxDataType.Int8;
        if (typeof(T) == typeof(short)) return IdxDataType.Int16;
        if (typeof(T) == typeof(int)) return IdxDataType.Int32;
        if (typeof(T) == typeof(float)) return IdxDataType.Float32;
        if (typeof(T) == typeof(double)) return IdxDataType.Float64;
        throw new NotSupportedException($"IDX has no element type for {typeof(T).Name}; use byte, sbyte, short, int, float or double.");
    }

    static void Convert<T>(ReadOnlySpan<T> source, Span<float> destination, float scale) where T : INumberBase<T>
    {
        for (int i = 0; i < source.Length; i++)
            destination[i] = float.CreateTruncating(source[i]) * scale;
    }
}
