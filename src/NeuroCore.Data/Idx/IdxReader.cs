using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;

namespace NeuroCore.Data;

/// <summary>
/// Reads IDX files (the MNIST/Fashion-MNIST container), raw or gzip-compressed (recognised by the 1f 8b magic).
/// </summary>
/// <remarks>
/// Layout: bytes 00 00, a type code (<see cref="IdxDataType"/>), the number of dimensions, one big-endian
/// uint32 per dimension, then the elements big-endian and row-major. Everything is validated before the data
/// buffer is allocated: the rank, each dimension, the declared size against <c>maxBytes</c>, and for a raw
/// seekable stream the declared size against the bytes actually present. A gzip stream's inflated size is
/// unknown up front, so its first buffer is the declared size capped by what the compressed bytes could
/// possibly inflate to (deflate's 1032:1 limit, when the stream can tell its length; else 1 MiB), and it then
/// grows only with data that really arrives; a file that lies about its dimensions costs at most that. Any malformation
/// (including corrupt gzip) surfaces as <see cref="IdxFormatException"/> naming the file and byte offset.
/// </remarks>
public static class IdxReader
{
    /// <summary>The most dimensions accepted (the tensor rank limit).</summary>
    public const int MaxRank = 8;

    /// <summary>The default cap on the data size a file may declare: 1 GiB.</summary>
    public const long DefaultMaxBytes = 1L << 30;

    const int InitialGrowableCapacity = 1 << 20;
    const long MaxDeflateRatio = 1032;

    /// <summary>Reads the IDX file at <paramref name="path"/> (raw or .gz, decided by content, not by name).</summary>
    /// <param name="path">The file to read.</param>
    /// <param name="maxBytes">The largest data size (in bytes, after decompression) the file may declare.</param>
    public static IdxFile Read(string path, long maxBytes = DefaultMaxBytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Read(stream, path, maxBytes);
    }

    /// <summary>Reads one IDX file from <paramref name="stream"/> (raw or gzip), which is read to its end but not closed.</summary>
    /// <param name="stream">The source, positioned at the first byte of the file.</param>
    /// <param name="name">The name used in error messages (usually the path).</param>
    /// <param name="maxBytes">The largest data size (in bytes, after decompression) the file may declare.</param>
    public static IdxFile Read(Stream stream, string name, long maxBytes = DefaultMaxBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        maxBytes = Math.Min(maxBytes, Array.MaxLength);

        var signature = new byte[2];
        int got = ReadAtMost(stream, signature);
        bool gzip = got == 2 && signature[0] == 0x1f && signature[1] == 0x8b;
        long? rawLength = !gzip && stream.CanSeek ? stream.Length - stream.Position + got : null;
        var prefixed = new PrefixedStream(signature.AsMemory(0, got), stream);
        if (!gzip)
            return Parse(prefixed, name, rawLength, maxBytes, gzip: false, null);

        // Deflate expands at most 1032:1, so a known compressed length bounds the first buffer honestly.
        long? inflateBound = stream.CanSeek ? (stream.Length - stream.Position + got) * MaxDeflateRatio : null;
        using var inflater = new GZipStream(prefixed, CompressionMode.Decompress, leaveOpen: true);
        return Parse(inflater, name, null, maxBytes, gzip: true, inflateBound);
    }

    static IdxFile Parse(Stream source, string name, long? rawLength, long maxBytes, bool gzip, long? inflateBound)
    {
        var reader = new Reader(source, name, gzip);
        Span<byte> magic = stackalloc byte[4];
        int got = reader.Fill(magic);
        if (got < 4)
            throw reader.Error(got, $"expected the 4-byte IDX magic number (00 00, type, rank) but the {(gzip ? "decompressed data ends" : "file ends")} after {got} byte(s).");
        if (magic[0] != 0 || magic[1] != 0)
            throw reader.Error(0, $"expected the IDX magic 00 00 but found {magic[0]:X2} {magic[1]:X2}; this is not an IDX file (raw or gzip).");
        var type = (IdxDataType)magic[2];
        if (!Enum.IsDefined(type))
            throw reader.Error(2, $"expected an element type code 08, 09, 0B, 0C, 0D or 0E but found {magic[2]:X2}.");
        int rank = magic[3];
        if (rank is < 1 or > MaxRank)
            throw reader.Error(3, $"expected 1..{MaxRank} dimensions but the header declares {rank}.");

        Span<byte> dimBytes = stackalloc byte[4 * MaxRank];
        dimBytes = dimBytes[..(4 * rank)];
        got = reader.Fill(dimBytes);
        if (got < dimBytes.Length)
            throw reader.Error(4 + got, $"expected {rank} big-endian uint32 dimensions ({4 * rank} bytes) but the data ends after {got}.");

        int elementSize = IdxFile.ElementSize(type);
        var dims = new int[rank];
        long elements = 1;
        for (int i = 0; i < rank; i++)
        {
            uint d = BinaryPrimitives.ReadUInt32BigEndian(dimBytes[(4 * i)..]);
            if (d > int.MaxValue)
                throw reader.Error(4 + 4 * i, $"dimension {i} is {d}, larger than {int.MaxValue}; the header is corrupt.");
            dims[i] = (int)d;
            // Stay below maxBytes at every step so the product cannot overflow.
            if (d != 0 && elements > maxBytes / elementSize / d)
                elements = long.MaxValue;
            else
                elements *= d;
        }
        long dataOffset = 4 + 4L * rank;
        string shape = $"[{string.Join(", ", dims)}]";
        if (elements == long.MaxValue || elements * elementSize > maxBytes)
            throw reader.Error(4, $"dimensions {shape} of {type} declare more than the limit of {maxBytes} data bytes; if the file is genuine, pass a larger maxBytes.");
        long declared = elements * elementSize;

        if (rawLength is long length && length - dataOffset != declared)
        {
            long present = length - dataOffset;
            string what = present < declared ? "the file is truncated or the dimensions are wrong" : "the file has trailing bytes or the dimensions are wrong";
            throw reader.Error(dataOffset, $"dimensions {shape} of {type} declare {declared} data bytes but {present} follow the header; {what}.");
        }

        byte[] data = rawLength is not null ? reader.ReadExact((int)declared, dataOffset, shape)
            : reader.ReadGrowable(declared, inflateBound ?? InitialGrowableCapacity, dataOffset, shape);

        Span<byte> extra = stackalloc byte[1];
        if (reader.Fill(extra) != 0)
            throw reader.Error(dataOffset + declared, $"expected the end of the data after {declared} bytes (dimensions {shape} of {type}) but more bytes follow; the dimensions are wrong or the file is corrupt.");

        if (BitConverter.IsLittleEndian)
        {
            var bytes = data.AsSpan();
            switch (elementSize)
            {
                case 2: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, short>(bytes), MemoryMarshal.Cast<byte, short>(bytes)); break;
                case 4: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, int>(bytes), MemoryMarshal.Cast<byte, int>(bytes)); break;
                case 8: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, long>(bytes), MemoryMarshal.Cast<byte, long>(bytes)); break;
            }
        }
        return new IdxFile(name, type, dims, data);
    }

    static int ReadAtMost(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    /// <summary>Tracks the decompressed offset and turns gzip corruption into <see cref="IdxFormatException"/>.</summary>
    readonly struct Reader(Stream source, string name, bool gzip)
    {
        readonly Position _position = new();

        public IdxFormatException Error(long offset, string problem, Exception? inner = null) =>
            new(name, offset, (gzip ? "(gzip, offset in the decompressed data) " : "") + problem, inner);

        /// <summary>Reads until <paramref name="buffer"/> is full or the data ends; returns the bytes read.</summary>
        public int Fill(Span<byte> buffer)
        {
            try
            {
                int n = ReadAtMost(source, buffer);
                _position.Value += n;
                return n;
            }
            catch (InvalidDataException e)
            {
                throw Error(_position.Value, $"the gzip stream is corrupt ({e.Message}).", e);
            }
        }

        public byte[] ReadExact(int length, long dataOffset, string shape)
        {
            var data = new byte[length];
            int got = Fill(data);
            if (got < length) throw Truncated(dataOffset, got, length, shape);
            return data;
        }

        /// <summary>Reads <paramref name="length"/> bytes into a buffer that grows only as data actually arrives.</summary>
        public byte[] ReadGrowable(long length, long initialCapacity, long dataOffset, string shape)
        {
            var data = new byte[(int)Math.Min(length, initialCapacity)];
            int filled = 0;
            while (true)
            {
                int got = Fill(data.AsSpan(filled));
                filled += got;
                if (filled == length) return data;
                if (filled < data.Length) throw Truncated(dataOffset, filled, length, shape);
                Array.Resize(ref data, (int)Math.Min(length, 2L * data.Length));
            }
        }

        IdxFormatException Truncated(long dataOffset, long got, long length, string shape) =>
            Error(dataOffset + got, $"the data ends after {got} of the {length} bytes that dimensions {shape} declare; the file is truncated or the dimensions are wrong.");
    }

    sealed class Position
    {
        public long Value;
    }
}
