using FsCheck.Xunit;
using Xunit;

namespace NeuroCore.Kernels.Tests;

/// <summary>
/// The subset-sum-table product <see cref="SpikeGemm"/> against its scalar twin (bitwise, at every shape tail and thread
/// count), against <see cref="Gemm.Sgemm(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int, int)"/>
/// on the same 0/1 matrix as floats (within float tolerance), and the fused check-and-pack
/// <see cref="SpikeSynapse.TryPackBinary"/> against its twin. Each run exercises the widest width the process
/// accelerates; CI reruns the suite with the ISA knobs off.
/// </summary>
public class SpikeGemmTests
{
    /// <summary>Bits of a random 0/1 matrix [m, k] at the given density, every padding bit set (the kernel must ignore them).</summary>
    static (ulong[] Bits, float[] Dense) RandomBits(Random rng, int m, int k, double density)
    {
        var dense = new float[m * k];
        for (int i = 0; i < dense.Length; i++) dense[i] = rng.NextDouble() < density ? 1f : 0f;
        int words = SpikeSynapse.PackedWords(k);
        var bits = new ulong[m * words];
        SpikeSynapse.Pack(dense, m, k, bits);
        if ((k & 63) != 0)
            for (int i = 0; i < m; i++) bits[i * words + words - 1] |= ~((1UL << (k & 63)) - 1);
        return (bits, dense);
    }

    /// <summary>Runs the kernel (forced split at <paramref name="threads"/>) and the twin on the same inputs; asserts bitwise equality.</summary>
    static float[] CheckAgainstTwin(Random rng, int m, int k, int n, double density, bool specials, int threads, string ctx)
    {
        var (bits, _) = RandomBits(rng, m, k, density);
        float[] b = TestData.Random(rng, k * n, 1f, specials);
        float[] bias = rng.Next(3) == 0 ? [] : TestData.Random(rng, n, 1f, specials);
        bool accumulate = rng.Next(4) == 0;
        float[] c0 = TestData.Random(rng, m * n, 1f, specials);
        float[] expected = (float[])c0.Clone(), actual = (float[])c0.Clone();
        Reference.SpikeGemm(bits, m, k, b, n, accumulate ? [] : bias, expected, accumulate);
        SpikeGemm.Run("test", bits, m, k, b, n, accumulate ? [] : bias, actual, accumulate, threads, 0);
        TestData.AssertBitwise(expected, actual, $"{ctx} m={m} k={k} n={n} accumulate={accumulate} threads={threads}");
        return actual;
    }

    [Property(MaxTest = 2)]
    public void Multiply_EveryColumnTail_MatchesTwinBitwise(int seed)
    {
        var rng = new Random(seed);
        for (int n = 0; n <= 257; n++)
            CheckAgainstTwin(rng, rng.Next(0, 7), rng.Next(0, 140), n, rng.NextDouble(), specials: rng.Next(4) == 0, rng.Next(1, 4), "n sweep");
    }

    [Property(MaxTest = 2)]
    public void Multiply_EveryDepthTail_MatchesTwinBitwise(int seed)
    {
        var rng = new Random(seed);
        for (int k = 0; k <= 257; k++)
            CheckAgainstTwin(rng, rng.Next(0, 9), k, rng.Next(0, 70), rng.NextDouble(), specials: rng.Next(4) == 0, rng.Next(1, 4), "k sweep");
    }

    [Property(MaxTest = 2)]
    public void Multiply_EveryRowTail_MatchesTwinBitwise(int seed)
    {
        var rng = new Random(seed);
        for (int m = 0; m <= 257; m++)
            CheckAgainstTwin(rng, m, rng.Next(0, 100), rng.Next(1, 40), rng.NextDouble(), specials: rng.Next(4) == 0, rng.Next(1, 4), "m sweep");
    }

    [Fact]
    public void Multiply_LargeShapes_AreBitwiseEqualForAnyThreadCount_AndMatchTwin()
    {
        var rng = new Random(11);
        foreach (var (m, k, n) in new[] { (300, 784, 100), (64, 1000, 533), (257, 130, 1031) })
        {
            var (bits, _) = RandomBits(rng, m, k, 0.5);
            float[] b = TestData.Random(rng, k * n, 1f), bias = TestData.Random(rng, n, 1f);
            var expected = new float[m * n];
            Reference.SpikeGemm(bits, m, k, b, n, bias, expected);
            foreach (int threads in new[] { 1, 2, 3, 7 })
            {
                var actual = new float[m * n];
                SpikeGemm.Run("test", bits, m, k, b, n, bias, actual, false, threads, 0);
                TestData.AssertBitwise(expected, actual, $"[{m},{k}]·[{k},{n}] threads={threads}");
            }
        }
    }

    [Property(MaxTest = 10)]
    public void Multiply_EqualsSgemmOnTheFloats_WithinTolerance(int seed)
    {
        var rng = new Random(seed);
        int m = rng.Next(1, 90), k = rng.Next(1, 300), n = rng.Next(1, 90);
        var (bits, dense) = RandomBits(rng, m, k, rng.NextDouble());
        float[] b = TestData.Random(rng, k * n, 1f), bias = TestData.Random(rng, n, 1f);
        var viaGemm = new float[m * n];
        Gemm.Sgemm(false, false, m, n, k, 1f, dense, k, b, n, 0f, viaGemm, n, bias);
        var viaTables = new float[m * n];
        SpikeGemm.Multiply(bits, m, k, b, n, bias, viaTables, rng.Next(1, 3));
        TestData.AssertClose(viaGemm, viaTables, 1e-5, 2e-5 * Math.Sqrt(k), $"[{m},{k}]·[{k},{n}] seed={seed}");
        // Adding into C: C + A·B.
        var added = (float[])viaTables.Clone();
        SpikeGemm.MultiplyAdd(bits, m, k, b, n, added);
        for (int i = 0; i < added.Length; i++) viaGemm[i] = 2 * viaGemm[i] - bias[i % n];
        TestData.AssertClose(viaGemm, added, 1e-5, 4e-5 * Math.Sqrt(k), $"MultiplyAdd [{m},{k}]·[{k},{n}] seed={seed}");
    }

    [Fact]
    public void Multiply_NonFiniteB_PropagatesLikeTheTwin()
    {
        var rng = new Random(5);
        int m = 9, k = 70, n = 35;
        var (bits, _) = RandomBits(rng, m, k, 0.5);
        float[] b = TestData.Random(rng, k * n, 1f);
        b[3 * n + 1] = float.NaN;
        b[5 * n + 2] = float.PositiveInfinity;
        b[6 * n + 2] = float.NegativeInfinity;
        b[66 * n + 34] = -0f;
        var expected = new float[m * n];
        var actual = new float[m * n];
        Reference.SpikeGemm(bits, m, k, b, n, [], expected);
        SpikeGemm.Multiply(bits, m, k, b, n, [], actual);
        TestData.AssertBitwise(expected, actual, "non-finite B");
        Assert.Contains(actual, float.IsNaN);
    }

    [Fact]
    public void Multiply_BadArguments_ThrowNamingTheShapes()
    {
        var bits = new ulong[4];
        var b = new float[10 * 3];
        var c = new float[4 * 3];
        var e = Assert.Throws<ArgumentException>(() => SpikeGemm.Multiply(bits, 5, 10, b, 3, [], c));
        Assert.Contains("[5, 1]", e.Message);
        e = Assert.Throws<ArgumentException>(() => SpikeGemm.Multiply(bits, 4, 11, b, 3, [], c));
        Assert.Contains("[11, 3]", e.Message);
        e = Assert.Throws<ArgumentException>(() => SpikeGemm.Multiply(bits, 4, 10, b, 3, new float[2], c));
        Assert.Contains("n = 3", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => SpikeGemm.Multiply(bits, 4, 10, b, 3, [], c, 0));
    }

    [Fact]
    public void Multiply_SteadyState_AllocatesNothing()
    {
        var rng = new Random(3);
        int m = 128, k = 784, n = 512;
        var (bits, _) = RandomBits(rng, m, k, 0.5);
        float[] b = TestData.Random(rng, k * n, 1f), bias = TestData.Random(rng, n, 1f), c = new float[m * n];
        foreach (int threads in new[] { 1, 2 }) SpikeGemm.Multiply(bits, m, k, b, n, bias, c, threads);
        long least = long.MaxValue;
        for (int set = 0; set < 3; set++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int r = 0; r < 5; r++)
                for (int threads = 1; threads <= 2; threads++) SpikeGemm.Multiply(bits, m, k, b, n, bias, c, threads);
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.Equal(0, least);
    }

    [Property(MaxTest = 3)]
    public void TryPackBinary_EveryLength_MatchesTwin(int seed)
    {
        var rng = new Random(seed);
        foreach (int cols in TestData.Lengths())
        {
            if (cols > 4099) break;
            int rows = rng.Next(1, 4);
            var x = new float[rows * cols];
            for (int i = 0; i < x.Length; i++) x[i] = rng.Next(3) switch { 0 => 1f, 1 => 0f, _ => rng.Next(6) == 0 ? -0f : 0f };
            int bad = rng.Next(3) == 0 && x.Length > 0 ? rng.Next(x.Length) : -1;
            if (bad >= 0) x[bad] = new[] { float.NaN, 0.5f, 2f, -1f, float.PositiveInfinity, 1e-30f }[rng.Next(6)];
            int words = SpikeSynapse.PackedWords(cols);
            var expected = new ulong[rows * words];
            var actual = new ulong[rows * words];
            bool ok = Reference.SpikeSynapseTryPackBinary(x, rows, cols, expected, out long e1);
            bool got = SpikeSynapse.TryPackBinary(x, rows, cols, actual, out long e2);
            Assert.True(ok == got, $"cols={cols} rows={rows} bad={bad}: binary {got}, twin {ok}");
            Assert.Equal(bad < 0, got);
            if (!ok) continue;
            Assert.Equal(e1, e2);
            Assert.Equal(expected, actual);
            Assert.Equal(SpikeSynapse.CountEvents(x), e2);
        }
    }
}
