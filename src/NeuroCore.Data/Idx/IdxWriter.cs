using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;

namespace NeuroCore.Data;

/// <summary>Writes IDX files (raw or gzip), the inverse of <see cref="IdxReader"/>.</summary>
public static class IdxWriter
{
    /// <summary>
    /// Writes <paramref name="file"/> to <paramref name="path"/>, gzip-compressed when the name ends in ".gz".
    /// The data goes to a temporary file first and is renamed into place, so a crash never leaves half a file.
    /// </summary>
    public static void Write(string path, IdxFile file)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(file);
        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            Write(stream, file, gzip: path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Writes <paramref name="file"/> to <paramref name="stream"/> (left open), optionally gzip-compressed.</summary>
    public static void Write(Stream stream, IdxFile file, bool gzip = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(file);
        if (gzip)
        {
            using var deflater = new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true);
            WriteRaw(deflater, file);
            return;
        }
        WriteRaw(stream, file);
    }

    static void WriteRaw(Stream stream, IdxFile file)
    {
        Span<byte> header = stackalloc byte[4 + 4 * IdxReader.MaxRank];
        header[0] = 0;
        header[1] = 0;
        header[2] = (byte)file.DataType;
        header[3] = (byte)file.Rank;
        for (int i = 0; i < file.Rank; i++)
            BinaryPrimitives.WriteInt32BigEndian(header[(4 + 4 * i)..], file.Dimensions[i]);
        stream.Write(header[..(4 + 4 * file.Rank)]);

        int elementSize = IdxFile.ElementSize(file.DataType);
        if (elementSize == 1 || !BitConverter.IsLittleEndian)
        {
            stream.Write(file.Bytes);
            return;
        }
        // Swap to big-endian through a small reused chunk rather than a copy of the whole file.
        var chunk = new byte[1 << 16];
        var data = file.Bytes;
        for (int start = 0; start < data.Length; start += chunk.Length)
        {
            var part = data.Slice(start, Math.Min(chunk.Length, data.Length - start));
            var dst = chunk.AsSpan(0, part.Length);
            switch (elementSize)
            {
                case 2: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, short>(part), MemoryMarshal.Cast<byte, short>(dst)); break;
                case 4: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, int>(part), MemoryMarshal.Cast<byte, int>(dst)); break;
                default: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, long>(part), MemoryMarshal.Cast<byte, long>(dst)); break;
            }
            stream.Write(dst);
        }
    }
}
