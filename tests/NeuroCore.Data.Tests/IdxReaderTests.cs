using FsCheck.Xunit;

namespace NeuroCore.Data.Tests;

public sealed class IdxReaderTests
{
    public static TheoryData<IdxDataType, bool> TypesAndCompression()
    {
        var data = new TheoryData<IdxDataType, bool>();
        foreach (var type in IdxTestFiles.AllTypes)
        {
            data.Add(type, false);
            data.Add(type, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(TypesAndCompression))]
    public void Read_WrittenFile_RoundTripsTypeShapeAndValues(IdxDataType type, bool gzip)
    {
        for (int seed = 0; seed < 20; seed++)
        {
            var original = IdxTestFiles.Make(type, seed);
            var bytes = IdxTestFiles.Serialize(original, gzip);
            Assert.Equal(gzip, bytes[0] == 0x1f && bytes[1] == 0x8b);

            var back = IdxReader.Read(new MemoryStream(bytes), "roundtrip.idx");
            Assert.Equal(type, back.DataType);
            Assert.Equal(original.Dimensions.ToArray(), back.Dimensions.ToArray());
            Assert.Equal(original.Bytes.ToArray(), back.Bytes.ToArray());

            var forwardOnly = IdxReader.Read(new IdxTestFiles.ForwardOnlyStream(bytes), "pipe.idx");
            Assert.Equal(original.Bytes.ToArray(), forwardOnly.Bytes.ToArray());
        }
    }

    [Fact]
    public void Read_PathWithAndWithoutGz_ReadsBoth()
    {
        string dir = Directory.CreateTempSubdirectory("idx").FullName;
        try
        {
            var file = IdxFile.Create<byte>([2, 3], [1, 2, 3, 4, 5, 6]);
            IdxWriter.Write(Path.Combine(dir, "a-idx2-ubyte"), file);
            IdxWriter.Write(Path.Combine(dir, "a-idx2-ubyte.gz"), file);
            Assert.Equal(0x1f, File.ReadAllBytes(Path.Combine(dir, "a-idx2-ubyte.gz"))[0]);
            foreach (string name in new[] { "a-idx2-ubyte", "a-idx2-ubyte.gz" })
            {
                var back = IdxReader.Read(Path.Combine(dir, name));
                Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6 }, back.AsSpan<byte>().ToArray());
                Assert.Equal(Path.Combine(dir, name), back.Source);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Read_HandWrittenBigEndian_DecodesEveryType()
    {
        // 00 00 0B 01 | dim 2 | 0x0102, 0xFFFE → 258, -2
        var shorts = IdxReader.Read(new MemoryStream([0, 0, 0x0B, 1, 0, 0, 0, 2, 0x01, 0x02, 0xFF, 0xFE]), "s");
        Assert.Equal(new short[] { 258, -2 }, shorts.AsSpan<short>().ToArray());

        // 0x3F800000 = 1.0f, 0xC0490FDB ≈ -π
        var floats = IdxReader.Read(new MemoryStream([0, 0, 0x0D, 1, 0, 0, 0, 2, 0x3F, 0x80, 0, 0, 0xC0, 0x49, 0x0F, 0xDB]), "f");
        Assert.Equal(new[] { 1f, -MathF.PI }, floats.AsSpan<float>().ToArray());

        // 0x3FF0000000000000 = 1.0, int 0x01020304 = 16909060
        var doubles = IdxReader.Read(new MemoryStream([0, 0, 0x0E, 1, 0, 0, 0, 1, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0]), "d");
        Assert.Equal(1.0, doubles.AsSpan<double>()[0]);
        var ints = IdxReader.Read(new MemoryStream([0, 0, 0x0C, 2, 0, 0, 0, 1, 0, 0, 0, 1, 1, 2, 3, 4]), "i");
        Assert.Equal(16909060, ints.AsSpan<int>()[0]);
        Assert.Equal(1, ints.Dimensions[0]);
        Assert.Equal(1, ints.Dimensions[1]);

        var converted = new float[1];
        ints.CopyTo(converted, 0.5f);
        Assert.Equal(16909060 * 0.5f, converted[0]);
    }

    [Fact]
    public void AsSpan_WrongType_ThrowsNamingBothTypes()
    {
        var file = IdxFile.Create<short>([1], [7]);
        var e = Assert.Throws<InvalidOperationException>(() => file.AsSpan<byte>().Length);
        Assert.Contains("Int16", e.Message);
        Assert.Contains("UInt8", e.Message);
    }

    [Fact]
    public void Read_TruncatedRawFile_NamesFileOffsetAndExpectation()
    {
        var bytes = IdxTestFiles.Serialize(IdxFile.Create<byte>([4, 4], new byte[16]), gzip: false);
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.Read(new MemoryStream(bytes[..^3]), "images.idx"));
        Assert.Equal("images.idx", e.FileName);
        Assert.Equal(12, e.Offset);
        Assert.Contains("images.idx", e.Message);
        Assert.Contains("offset 12", e.Message);
        Assert.Contains("declare 16 data bytes but 13 follow", e.Message);
    }

    [Fact]
    public void Read_TruncatedGzipData_ReportsDecompressedOffset()
    {
        var raw = IdxTestFiles.Serialize(IdxFile.Create<byte>([4, 4], new byte[16]), gzip: false);
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.Read(new MemoryStream(IdxTestFiles.Gzip(raw[..^5])), "x.gz"));
        Assert.Equal(12 + 11, e.Offset);
        Assert.Contains("gzip", e.Message);
        Assert.Contains("ends after 11 of the 16 bytes", e.Message);
    }

    [Fact]
    public void Read_TrailingBytes_Throws()
    {
        var raw = IdxTestFiles.Serialize(IdxFile.Create<byte>([3], [1, 2, 3]), gzip: false);
        byte[] longer = [.. raw, 9];
        Assert.Contains("trailing", Assert.Throws<IdxFormatException>(() => IdxReader.Read(new MemoryStream(longer), "t")).Message);
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.Read(new MemoryStream(IdxTestFiles.Gzip(longer)), "t.gz"));
        Assert.Equal(11, e.Offset);
    }

    [Theory]
    [InlineData(new byte[] { }, 0, "magic")]
    [InlineData(new byte[] { 0x50, 0x4B, 3, 4 }, 0, "not an IDX file")]
    [InlineData(new byte[] { 0, 0, 0x0A, 1 }, 2, "element type")]
    [InlineData(new byte[] { 0, 0, 0x08, 0 }, 3, "1..8 dimensions")]
    [InlineData(new byte[] { 0, 0, 0x08, 9 }, 3, "1..8 dimensions")]
    [InlineData(new byte[] { 0, 0, 0x08, 2, 0, 0, 0 }, 7, "dimensions")]
    [InlineData(new byte[] { 0, 0, 0x08, 1, 0x80, 0, 0, 0 }, 4, "larger than")]
    [InlineData(new byte[] { 0, 0, 0x0E, 3, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0 }, 4, "limit")]
    public void Read_BadHeader_ThrowsAtTheRightOffset(byte[] bytes, long offset, string expected)
    {
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.Read(new MemoryStream(bytes), "bad.idx"));
        Assert.Equal(offset, e.Offset);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Read_DeclaredSizeAboveMaxBytes_ThrowsBeforeReadingData()
    {
        var bytes = IdxTestFiles.Serialize(IdxFile.Create<float>([10, 10], new float[100]), gzip: true);
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.Read(new MemoryStream(bytes), "big.gz", maxBytes: 399));
        Assert.Contains("maxBytes", e.Message);
        Assert.Equal(400, IdxReader.Read(new MemoryStream(bytes), "big.gz", maxBytes: 400).Bytes.Length);
    }

    [Fact]
    public void Read_GzipDimensionLie_AllocatesOnlyWhatArrives()
    {
        // Claims 2^29 bytes (under the 1 GiB cap) but carries 16: must fail without a 512 MiB buffer.
        byte[] raw = [0, 0, 0x08, 2, 0, 0, 0x80, 0, 0, 0, 0x04, 0, .. new byte[16]];
        var gz = IdxTestFiles.Gzip(raw);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<IdxFormatException>(() => IdxReader.Read(new MemoryStream(gz), "lie.gz"));
        // Seekable: the first buffer is bounded by 1032 × the compressed length.
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1032 * gz.Length + (64 << 10));
        before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<IdxFormatException>(() => IdxReader.Read(new IdxTestFiles.ForwardOnlyStream(gz), "lie.gz"));
        // Forward-only: a 1 MiB first buffer that would only grow with data that really arrives.
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < (1 << 20) + (64 << 10));
    }

    [Property(MaxTest = 50)]
    public void CopyTo_ScalesEveryElement(short a, short b, sbyte c)
    {
        var file = IdxFile.Create<short>([3], [a, b, c]);
        var dst = new float[3];
        file.CopyTo(dst, 2f);
        Assert.Equal(new[] { a * 2f, b * 2f, c * 2f }, dst);
    }
}
