using FsCheck.Xunit;
using Xunit;

namespace NeuroCore.Kernels.Tests;

/// <summary>
/// The packed-spike LIF scan (bit per neuron, [T, rows, ceil(features/64)] words) and the packed-spike synapse helpers,
/// against their scalar twins and against the float scan / float compaction they replace (bitwise).
/// </summary>
public class LifPackedTests
{
    static readonly LifReset[] Resets = [LifReset.Soft, LifReset.Hard];

    /// <summary>Unpacks [T·rows, features] spikes the slow way.</summary>
    static float[] Unpacked(ulong[] bits, int rowsTotal, int features)
    {
        var s = new float[rowsTotal * features];
        Reference.SpikeSynapseUnpack(bits, rowsTotal, features, s);
        return s;
    }

    [Property(MaxTest = 3)]
    public void ScanForwardPacked_EveryWidth_MatchesReferenceAndFloatScanBitwise(int seed)
    {
        var rng = new Random(seed);
        foreach (int features in LifTests.Widths())
            foreach (LifReset reset in Resets)
            {
                int rows = features > 300 ? 1 + rng.Next(2) : 1 + rng.Next(3);
                int steps = rng.Next(1, 14); // 1..13: the four-step groups with and without prefetch, then the single steps
                int n = rows * features, words = SpikeSynapse.PackedWords(features);
                var p = LifTests.Problem.Create(rng, n, steps, reset, specials: rng.Next(2) == 0);
                float[] vE = (float[])p.V0.Clone(), vA = (float[])p.V0.Clone(), vF = (float[])p.V0.Clone();
                var bE = new ulong[steps * rows * words];
                var bA = new ulong[bE.Length];
                Array.Fill(bA, 0xDEADBEEF_DEADBEEFUL); // every word, padding included, must be overwritten
                var sF = new float[steps * n];
                Reference.LifScanForwardPacked(p.Input, steps, rows, features, p.Beta, p.Threshold, reset, vE, bE);
                Lif.ScanForward(p.Input, steps, rows, features, p.Beta, p.Threshold, reset, vA, bA);
                Lif.ScanForward(p.Input, steps, n, p.Beta, p.Threshold, reset, vF, sF, default);
                string ctx = $"rows={rows} features={features} T={steps} {reset} seed={seed}";
                Assert.True(bE.AsSpan().SequenceEqual(bA), ctx + ": packed spikes differ from the reference");
                TestData.AssertBitwise(vE, vA, ctx + " v");
                TestData.AssertBitwise(sF, Unpacked(bA, steps * rows, features), ctx + " spikes vs the float scan");
                TestData.AssertBitwise(vF, vA, ctx + " v vs the float scan");
            }
    }

    [Theory]
    [InlineData(5, 300, 11, LifReset.Soft)]  // partial words, tiles straddling rows
    [InlineData(4, 1024, 13, LifReset.Hard)] // whole words: the contiguous four-step path
    [InlineData(3, 2048 + 64, 9, LifReset.Soft)]
    public void ScanForwardPacked_AnyThreadCount_IsBitwiseEqual(int rows, int features, int steps, LifReset reset)
    {
        int n = rows * features, words = SpikeSynapse.PackedWords(features);
        var p = LifTests.Problem.Create(new Random(rows * 31 + features), n, steps, reset, specials: false);
        float[] v1 = (float[])p.V0.Clone();
        var b1 = new ulong[steps * rows * words];
        Lif.ScanForward(p.Input, steps, rows, features, p.Beta, p.Threshold, reset, v1, b1);
        foreach (int threads in new[] { 2, 3, 7 })
        {
            float[] v = (float[])p.V0.Clone();
            var b = new ulong[b1.Length];
            Lif.ScanForward(p.Input, steps, rows, features, p.Beta, p.Threshold, reset, v, b, threads);
            Assert.True(b1.AsSpan().SequenceEqual(b), $"threads={threads}: packed spikes differ");
            TestData.AssertBitwise(v1, v, $"threads={threads} v");
        }
    }

    [Fact]
    public void StepPacked_EqualsOneStepScan()
    {
        const int rows = 3, features = 100;
        var p = LifTests.Problem.Create(new Random(3), rows * features, 1, LifReset.Soft, specials: false);
        float[] v1 = (float[])p.V0.Clone(), v2 = (float[])p.V0.Clone();
        var b1 = new ulong[rows * 2];
        var b2 = new ulong[rows * 2];
        Lif.ScanForward(p.Input, 1, rows, features, p.Beta, p.Threshold, LifReset.Soft, v1, b1);
        Lif.Step(p.Input, features, p.Beta, p.Threshold, LifReset.Soft, v2, b2);
        Assert.Equal(b1, b2);
        TestData.AssertBitwise(v1, v2, "v");
    }

    [Fact]
    public void Packed_BadArguments_ThrowNamingTheKernelAndShapes()
    {
        var x = new float[2 * 3 * 70];
        var n = new float[3 * 70];
        var e = Assert.Throws<ArgumentException>(() => Lif.ScanForward(x, 2, 3, 70, n, n, LifReset.Soft, n, new ulong[11]));
        Assert.Contains("Lif.ScanForward (packed)", e.Message);
        Assert.Contains("[2, 3, 2]", e.Message);
        Assert.Equal("spikeBits", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Lif.ScanForward(x, 3, 3, 70, n, n, LifReset.Soft, n, new ulong[18]));
        Assert.Equal("input", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Lif.ScanForward(x, 2, 3, -1, n, n, LifReset.Soft, n, new ulong[12]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Lif.ScanForward(x, 2, 3, 70, n, n, LifReset.Soft, n, new ulong[12], threads: 0));
        e = Assert.Throws<ArgumentException>(() => Lif.Step(n, 71, n, n, LifReset.Soft, n, new ulong[6]));
        Assert.Contains("divide", e.Message);
        Assert.Throws<ArgumentException>(() => SpikeSynapse.Compact(new ulong[5], 3, 70, new int[4], new int[300]));
        Assert.Throws<ArgumentException>(() => SpikeSynapse.Compact(new ulong[6], 3, 70, new int[3], new int[300]));
        var full = new ulong[6];
        Array.Fill(full, ulong.MaxValue);
        e = Assert.Throws<ArgumentException>(() => SpikeSynapse.Compact(full, 3, 70, new int[4], new int[209]));
        Assert.Contains("210 events", e.Message);
        Assert.Throws<ArgumentException>(() => SpikeSynapse.Pack(new float[209], 3, 70, new ulong[6]));
        Assert.Throws<ArgumentException>(() => SpikeSynapse.Unpack(new ulong[6], 3, 70, new float[209]));
        Assert.Throws<ArgumentOutOfRangeException>(() => SpikeSynapse.PackedWords(-1));
        Lif.ScanForward(x, 0, 3, 70, n, n, LifReset.Soft, n, default); // T = 0 is a no-op
    }

    [Fact]
    public void Packed_SteadyState_AllocatesNothing()
    {
        const int rows = 4, features = 1000, steps = 9, n = rows * features;
        var p = LifTests.Problem.Create(new Random(9), n, steps, LifReset.Soft, specials: false);
        float[] v = new float[n], s = new float[rows * features];
        var bits = new ulong[steps * rows * 16];
        int[] rowStart = new int[steps * rows + 1], indices = new int[steps * n];
        Action run = () =>
        {
            Lif.ScanForward(p.Input, steps, rows, features, p.Beta, p.Threshold, LifReset.Soft, v, bits, threads: 2);
            Lif.Step(p.Input.AsSpan(0, n), features, p.Beta, p.Threshold, LifReset.Hard, v, bits);
            SpikeSynapse.Compact(bits, steps * rows, features, rowStart, indices);
            _ = SpikeSynapse.CountEvents(bits, steps * rows, features);
            SpikeSynapse.Unpack(bits, rows, features, s);
            SpikeSynapse.Pack(s, rows, features, bits);
        };
        LifTests.AssertSteadyStateAllocatesNothing(run, "packed Lif and SpikeSynapse kernels");
    }

    /// <summary>Random packed spikes [rows, cols] at the given density, with garbage in the padding bits.</summary>
    static ulong[] RandomBits(Random rng, int rows, int cols, double density)
    {
        int words = SpikeSynapse.PackedWords(cols);
        var bits = new ulong[rows * words];
        for (int r = 0; r < rows; r++)
            for (int w = 0; w < words; w++)
            {
                ulong word = 0;
                for (int k = 0; k < 64; k++)
                    if (w * 64 + k >= cols ? rng.Next(2) == 0 : rng.NextDouble() < density) word |= 1UL << k;
                bits[r * words + w] = word;
            }
        return bits;
    }

    [Property(MaxTest = 3)]
    public void PackedSynapseHelpers_EveryWidth_MatchReferencesAndTheFloatForms(int seed)
    {
        var rng = new Random(seed);
        foreach (int cols in TestData.Lengths().Where(c => c < 5000))
        {
            int rows = 1 + rng.Next(4), words = SpikeSynapse.PackedWords(cols);
            double density = rng.NextDouble();
            var bits = RandomBits(rng, rows, cols, density);
            string ctx = $"rows={rows} cols={cols} seed={seed}";

            var dense = new float[rows * cols];
            Array.Fill(dense, 7f); // overwritten everywhere
            SpikeSynapse.Unpack(bits, rows, cols, dense);
            TestData.AssertBitwise(Unpacked(bits, rows, cols), dense, ctx + " unpack");

            long count = SpikeSynapse.CountEvents(bits, rows, cols);
            Assert.Equal(Reference.SpikeSynapseCountEventsPacked(bits, rows, cols), count);
            Assert.Equal(SpikeSynapse.CountEvents(dense), count);

            int[] rsE = new int[rows + 1], rsA = new int[rows + 1], rsF = new int[rows + 1];
            int[] ixE = new int[count], ixA = new int[count], ixF = new int[count];
            Assert.Equal(count, Reference.SpikeSynapseCompactPacked(bits, rows, cols, rsE, ixE));
            Assert.Equal(count, SpikeSynapse.Compact(bits, rows, cols, rsA, ixA));
            Assert.Equal(count, SpikeSynapse.Compact(dense, rows, cols, rsF, ixF));
            Assert.Equal(rsE, rsA);
            Assert.Equal(ixE, ixA);
            Assert.Equal(rsF, rsA);
            Assert.Equal(ixF, ixA);

            // Pack: any non-zero value is an event, ±0 is not; the padding comes out 0.
            var x = new float[rows * cols];
            for (int i = 0; i < x.Length; i++)
                x[i] = rng.Next(4) switch { 0 => 1f, 1 => rng.Next(2) == 0 ? float.NaN : -2.5f, 2 => -0f, _ => 0f };
            var pE = new ulong[rows * words];
            var pA = new ulong[rows * words];
            Array.Fill(pA, ulong.MaxValue);
            Reference.SpikeSynapsePack(x, rows, cols, pE);
            SpikeSynapse.Pack(x, rows, cols, pA);
            Assert.True(pE.AsSpan().SequenceEqual(pA), ctx + ": pack differs from the reference");
        }
    }
}
