using System.IO.Compression;

namespace NeuroCore.Data.Tests;

/// <summary>Small valid IDX files, serialised raw or gzip, as seeds for round trips and fuzzing.</summary>
static class IdxTestFiles
{
    /// <summary>A deterministic file of <paramref name="type"/> whose shape and values follow <paramref name="seed"/>.</summary>
    public static IdxFile Make(IdxDataType type, int seed)
    {
        var random = new Random(seed);
        int rank = random.Next(1, 4);
        var dims = new int[rank];
        for (int i = 0; i < rank; i++) dims[i] = random.Next(0, 7);
        int n = dims.Aggregate(1, (a, b) => a * b);
        return type switch
        {
            IdxDataType.UInt8 => IdxFile.Create<byte>(dims, Enumerable.Range(0, n).Select(_ => (byte)random.Next(256)).ToArray()),
            IdxDataType.Int8 => IdxFile.Create<sbyte>(dims, Enumerable.Range(0, n).Select(_ => (sbyte)random.Next(-128, 128)).ToArray()),
            IdxDataType.Int16 => IdxFile.Create<short>(dims, Enumerable.Range(0, n).Select(_ => (short)random.Next(short.MinValue, short.MaxValue + 1)).ToArray()),
            IdxDataType.Int32 => IdxFile.Create<int>(dims, Enumerable.Range(0, n).Select(_ => random.Next(int.MinValue, int.MaxValue)).ToArray()),
            IdxDataType.Float32 => IdxFile.Create<float>(dims, Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2e6 - 1e6)).ToArray()),
            _ => IdxFile.Create<double>(dims, Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2e12 - 1e12).ToArray()),
        };
    }

    public static readonly IdxDataType[] AllTypes =
        [IdxDataType.UInt8, IdxDataType.Int8, IdxDataType.Int16, IdxDataType.Int32, IdxDataType.Float32, IdxDataType.Float64];

    public static byte[] Serialize(IdxFile file, bool gzip)
    {
        using var stream = new MemoryStream();
        IdxWriter.Write(stream, file, gzip);
        return stream.ToArray();
    }

    public static byte[] Gzip(byte[] raw)
    {
        using var stream = new MemoryStream();
        using (var gz = new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(raw);
        return stream.ToArray();
    }

    /// <summary>A stream that refuses to seek, like a pipe or a network stream.</summary>
    public sealed class ForwardOnlyStream(byte[] data) : Stream
    {
        readonly MemoryStream _inner = new(data);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 7));
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
