using System.Diagnostics;
using FsCheck;
using FsCheck.Xunit;

namespace NeuroCore.Data.Tests;

/// <summary>
/// Random bytes and mutations of valid files (bit flips, truncation, dimension lies, gzip corruption): the reader
/// may only succeed or throw <see cref="IdxFormatException"/>, quickly, and without a large allocation.
/// </summary>
public sealed class IdxFuzzTests
{
    const int Cases = 300;

    static void AssertOnlyFormatErrors(byte[] bytes)
    {
        // Deflate expands at most ~1032×; the reader may hold twice the output plus its 1 MiB first chunk.
        long budget = (2L << 20) + 2L * 1032 * bytes.Length;
        long before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        try
        {
            var file = IdxReader.Read(new MemoryStream(bytes), "fuzz.idx");
            Assert.Equal(file.Length * IdxFile.ElementSize(file.DataType), file.Bytes.Length);
        }
        catch (IdxFormatException e)
        {
            Assert.Equal("fuzz.idx", e.FileName);
            Assert.True(e.Offset >= 0, e.Message);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated <= budget, $"allocated {allocated} bytes for a {bytes.Length}-byte input");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    static byte[] Valid(int seed, bool gzip) =>
        IdxTestFiles.Serialize(IdxTestFiles.Make(IdxTestFiles.AllTypes[Math.Abs(seed % 6)], seed), gzip);

    [Property(MaxTest = Cases)]
    public void RandomBytes_OnlyFormatErrors(byte[] bytes)
    {
        AssertOnlyFormatErrors(bytes);
        AssertOnlyFormatErrors([0x1f, 0x8b, .. bytes]);
        AssertOnlyFormatErrors([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, .. bytes]);
    }

    [Property(MaxTest = Cases)]
    public void RandomBytesAfterValidMagic_OnlyFormatErrors(byte type, byte rank, byte[] rest)
    {
        AssertOnlyFormatErrors([0, 0, type, rank, .. rest]);
        AssertOnlyFormatErrors(IdxTestFiles.Gzip([0, 0, type, rank, .. rest]));
    }

    [Property(MaxTest = Cases)]
    public void BitFlips_OnlyFormatErrors(int seed, bool gzip, NonEmptyArray<NonNegativeInt> flips)
    {
        var bytes = Valid(seed, gzip);
        foreach (var flip in flips.Get)
        {
            int bit = flip.Get % (bytes.Length * 8);
            bytes[bit / 8] ^= (byte)(1 << (bit % 8));
        }
        AssertOnlyFormatErrors(bytes);
    }

    [Property(MaxTest = Cases)]
    public void Truncation_OnlyFormatErrors(int seed, bool gzip, NonNegativeInt cut)
    {
        var bytes = Valid(seed, gzip);
        AssertOnlyFormatErrors(bytes[..(cut.Get % (bytes.Length + 1))]);
    }

    [Property(MaxTest = Cases)]
    public void DimensionLies_OnlyFormatErrors(int seed, bool gzip, NonNegativeInt which, uint lie)
    {
        var raw = Valid(seed, gzip: false);
        int rank = raw[3];
        int at = 4 + 4 * (which.Get % rank);
        raw[at] = (byte)(lie >> 24);
        raw[at + 1] = (byte)(lie >> 16);
        raw[at + 2] = (byte)(lie >> 8);
        raw[at + 3] = (byte)lie;
        AssertOnlyFormatErrors(gzip ? IdxTestFiles.Gzip(raw) : raw);
    }

    [Property(MaxTest = Cases)]
    public void GzipCorruption_OnlyFormatErrors(int seed, NonNegativeInt position, byte[] garbage)
    {
        var bytes = Valid(seed, gzip: true);
        // Keep the 1f 8b magic so the gzip path is taken; overwrite or splice inside header, body or trailer.
        int at = 2 + position.Get % (bytes.Length - 1);
        byte[] corrupt = position.Get % 2 == 0
            ? [.. bytes[..at], .. garbage, .. bytes[Math.Min(bytes.Length, at + garbage.Length)..]]
            : [.. bytes[..at], .. garbage];
        AssertOnlyFormatErrors(corrupt);
    }

    [Property(MaxTest = Cases)]
    public void AppendedBytes_OnlyFormatErrors(int seed, bool gzip, NonEmptyArray<byte> tail)
    {
        var bytes = Valid(seed, gzip);
        AssertOnlyFormatErrors([.. bytes, .. tail.Get]);
    }
}
