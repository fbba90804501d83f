using FsCheck.Xunit;
using Xunit;

namespace NeuroCore.Kernels.Tests;

/// <summary>
/// The sparse product on transposed packed spikes (<see cref="Csr.MultiplyPackedInput(CsrPattern, ReadOnlySpan{float}, bool, ReadOnlySpan{ulong}, int, ReadOnlySpan{float}, Span{float}, int)"/>)
/// against its scalar twin (bitwise; with and without the 512-bit subset-sum path), a dense masked product in float64,
/// and <see cref="Csr.Multiply(CsrPattern, ReadOnlySpan{float}, bool, ReadOnlySpan{float}, int, ReadOnlySpan{float}, Span{float}, int)"/>
/// on the same 0/1 input as floats (within rounding: the packed product sums connections in groups of 4); and the bit
/// transpose it reads. Each run exercises the widest width the process accelerates; CI reruns the suite with the ISA
/// knobs off.
/// </summary>
public class CsrPackedInputTests
{
    /// <summary>The samples dimension: every tail 0..257 plus multi-block sizes.</summary>
    static IEnumerable<int> Samples()
    {
        for (int n = 0; n <= 257; n++) yield return n;
        yield return 512;
        yield return 1031;
    }

    /// <summary>Feature-major bits of a 0/1 matrix x [n, in] with every padding bit (samples ≥ n) set, which the kernel must ignore.</summary>
    static ulong[] BitsT(float[] x, int n, int inF)
    {
        var bits = new ulong[n * SpikeSynapse.PackedWords(inF)];
        SpikeSynapse.Pack(x, n, inF, bits);
        int words = SpikeSynapse.PackedWords(n);
        var t = new ulong[inF * words];
        Csr.TransposeBits(bits, n, inF, t);
        if ((n & 63) != 0)
            for (int i = 0; i < inF; i++) t[i * words + words - 1] |= ~((1UL << (n & 63)) - 1);
        return t;
    }

    [Property(MaxTest = 3)]
    public void MultiplyPackedInput_EverySampleCount_MatchesReferenceBitwise_DenseMasked_AndMultiply(int seed)
    {
        var rng = new Random(seed);
        foreach (int n in Samples())
        {
            int outF = rng.Next(1, 7), inF = rng.Next(1, 70);
            var (p, v) = CsrTests.RandomPattern(rng, outF, inF);
            var rowV = new float[p.Nnz];
            Csr.GatherRowValues(p, v, rowV);
            float[] x = CsrTests.Spikes(rng, n * inF, rng.NextDouble() * 0.5);
            for (int i = 0; i < x.Length; i++) x[i] = x[i] != 0 ? 1f : 0f;
            var bitsT = BitsT(x, n, inF);
            float[] b = rng.Next(2) == 0 ? [] : TestData.Random(rng, outF, 1f);
            string ctx = $"n={n} [{outF},{inF}] nnz={p.Nnz} seed={seed}";
            float[] yE = TestData.Random(rng, outF * n);
            Reference.CsrMultiplyPackedInput(p, v, false, bitsT, n, b, yE);
            foreach (bool rowOrdered in new[] { false, true })
                foreach (bool tables in new[] { false, true })
                {
                    float[] yR = TestData.Random(rng, outF * n), yA = TestData.Random(rng, outF * n);
                    Reference.CsrMultiplyPackedInput(p, rowOrdered ? rowV : v, rowOrdered, bitsT, n, b, yR);
                    Csr.MultiplyPackedInput(p, rowOrdered ? rowV : v, rowOrdered, bitsT, n, b, yA, rng.Next(1, 4), 0, tables);
                    TestData.AssertBitwise(yE, yR, $"twin rowOrdered={rowOrdered} " + ctx);
                    TestData.AssertBitwise(yE, yA, $"kernel rowOrdered={rowOrdered} tables={tables} " + ctx);
                }
            // Multiply on the same input as floats adds one connection at a time: equal within rounding.
            var xT = new float[inF * n];
            Csr.Transpose(x, n, inF, xT);
            var yM = new float[outF * n];
            Csr.Multiply(p, v, false, xT, n, b, yM, 1, 0);
            var w = CsrTests.Dense(p, v);
            for (int o = 0; o < outF; o++)
                for (int j = 0; j < n; j++)
                {
                    double acc = b.Length > 0 ? b[o] : 0, scale = b.Length > 0 ? Math.Abs(b[o]) : 0;
                    for (int i = 0; i < inF; i++)
                    {
                        acc += w[o * inF + i] * x[j * inF + i];
                        scale += Math.Abs(w[o * inF + i] * x[j * inF + i]);
                    }
                    Assert.True(Math.Abs(acc - yE[o * n + j]) <= 1e-6 * (1 + scale), $"dense masked [{o},{j}] {ctx}");
                    Assert.True(Math.Abs(yM[o * n + j] - yE[o * n + j]) <= 2e-6 * (1 + scale), $"Multiply on floats [{o},{j}] {ctx}");
                }
        }
    }

    [Fact]
    public void MultiplyPackedInput_SignedZerosAndWideRanges_MatchTwinBitwise_WithAndWithoutTables()
    {
        // ±0 weights, silent rows and magnitudes 1e-30..1e30: where the grouping meets −0 and absorption, the kernel
        // (every width, the 512-bit subset sums) must still follow the twin's additions exactly.
        var rng = new Random(21);
        float[] pool = [-0f, 0f, 1e30f, -1e30f, 1e-30f, -1e-30f, 3.5f, -2.25f, 1f, -1f];
        foreach (int n in new[] { 128, 256 + 17 })
        {
            var p = CsrPattern.ErdosRenyi(37, 90, 0.15, 3);
            var v = new float[p.Nnz];
            for (int k = 0; k < v.Length; k++) v[k] = pool[rng.Next(pool.Length)];
            float[] b = [.. Enumerable.Range(0, 37).Select(o => o % 3 == 0 ? -0f : pool[rng.Next(pool.Length)])];
            float[] x = CsrTests.Spikes(rng, n * 90, 0.3);
            for (int i = 0; i < x.Length; i++) x[i] = x[i] != 0 ? 1f : 0f;
            for (int i = 0; i < 90; i += 7)
                for (int r = 0; r < n; r++) x[r * 90 + i] = 0f;   // some inputs never spike
            var bitsT = BitsT(x, n, 90);
            var yE = new float[37 * n];
            Reference.CsrMultiplyPackedInput(p, v, false, bitsT, n, b, yE);
            foreach (bool tables in new[] { false, true })
            {
                var yA = new float[37 * n];
                Csr.MultiplyPackedInput(p, v, false, bitsT, n, b, yA, 2, 0, tables);
                TestData.AssertBitwise(yE, yA, $"n={n} tables={tables}");
            }
        }
    }

    [Fact]
    public void MultiplyPackedInput_ShortGroupOfNegativeZeros_AddsThePlusZeroOfTheMissingMember()
    {
        // One row of 3 connections, all −0, every input spiking, bias −0: the group sum is ((−0 + −0) + −0) + (+0) = +0
        // and the output −0 + (+0) = +0. Dropping the missing member's +0 would leave −0.
        var p = CsrPattern.FromCsr(1, 3, [0, 3], [0, 1, 2]);
        float[] v = [-0f, -0f, -0f], b = [-0f];
        const int n = 128;
        var x = new float[n * 3];
        Array.Fill(x, 1f);
        var bitsT = BitsT(x, n, 3);
        var yE = new float[n];
        Reference.CsrMultiplyPackedInput(p, v, true, bitsT, n, b, yE);
        Assert.Equal(0, BitConverter.SingleToInt32Bits(yE[0]));
        foreach (bool tables in new[] { false, true })
        {
            var yA = new float[n];
            Csr.MultiplyPackedInput(p, v, true, bitsT, n, b, yA, 1, 0, tables);
            TestData.AssertBitwise(yE, yA, $"tables={tables}");
        }
    }

    [Fact]
    public void TransposeBits_EveryShape_IsExact_PaddingIgnoredAndZeroed()
    {
        var rng = new Random(7);
        foreach (int rows in new[] { 0, 1, 5, 63, 64, 65, 127, 128, 129, 200, 257 })
            foreach (int cols in new[] { 0, 1, 7, 63, 64, 65, 130, 300 })
            {
                int words = SpikeSynapse.PackedWords(cols), dwords = SpikeSynapse.PackedWords(rows);
                var bits = new ulong[rows * words];
                for (int i = 0; i < bits.Length; i++) bits[i] = (ulong)rng.NextInt64() ^ ((ulong)rng.NextInt64() << 1);
                var t = new ulong[cols * dwords];
                Array.Fill(t, ulong.MaxValue);
                Csr.TransposeBits(bits, rows, cols, t);
                for (int c = 0; c < cols; c++)
                    for (int r = 0; r < dwords * 64; r++)
                    {
                        bool expected = r < rows && ((bits[r * words + c / 64] >> (c % 64)) & 1) != 0;
                        bool actual = ((t[c * dwords + r / 64] >> (r % 64)) & 1) != 0;
                        Assert.True(expected == actual, $"rows={rows} cols={cols}: bit (r={r}, c={c}) is {actual}, expected {expected}");
                    }
            }
    }

    [Fact]
    public void MultiplyPackedInput_Threads_OneToFour_BitwiseEqual_OnLargeShapes()
    {
        var rng = new Random(11);
        var p = CsrPattern.ErdosRenyi(300, 500, 0.1, 5);
        float[] v = TestData.Random(rng, p.Nnz, 1f), b = TestData.Random(rng, 300, 1f);
        const int n = 128 + 37;
        float[] x = CsrTests.Spikes(rng, n * 500, 0.1);
        var bitsT = BitsT(x, n, 500);
        var y1 = new float[300 * n];
        Csr.MultiplyPackedInput(p, v, false, bitsT, n, b, y1, 1);
        var yR = new float[300 * n];
        Reference.CsrMultiplyPackedInput(p, v, false, bitsT, n, b, yR);
        TestData.AssertBitwise(yR, y1, "twin");
        for (int threads = 2; threads <= 4; threads++)
        {
            var yt = new float[300 * n];
            Csr.MultiplyPackedInput(p, v, false, bitsT, n, b, yt, threads, 0);
            TestData.AssertBitwise(y1, yt, $"threads={threads}");
        }
    }

    [Fact]
    public void SteadyState_AllocatesNothing()
    {
        var rng = new Random(3);
        var p = CsrPattern.ErdosRenyi(256, 256, 0.1, 9);
        float[] v = TestData.Random(rng, p.Nnz, 1f), rowV = new float[p.Nnz];
        const int n = 128;
        var bits = new ulong[n * 4];
        for (int i = 0; i < bits.Length; i++) bits[i] = (ulong)rng.NextInt64();
        var bitsT = new ulong[256 * 2];
        var y = new float[256 * n];
        LifTests.AssertSteadyStateAllocatesNothing(() =>
        {
            Csr.TransposeBits(bits, n, 256, bitsT);
            Csr.GatherRowValues(p, v, rowV);
            Csr.MultiplyPackedInput(p, rowV, true, bitsT, n, default, y, 2, 0);
            Csr.MultiplyPackedInput(p, v, false, bitsT, n, default, y, 1);
        }, "Csr packed-input product");
    }

    [Fact]
    public void BadArguments_Throw_NamingTheKernelAndShapes()
    {
        var p = CsrPattern.ErdosRenyi(4, 6, 0.5, 1);
        var v = new float[p.Nnz];
        var e = Assert.Throws<ArgumentException>(() => Csr.MultiplyPackedInput(p, v, true, new ulong[5], 3, default, new float[12]));
        Assert.Contains("Csr.MultiplyPackedInput", e.Message);
        Assert.Contains("[6, 1]", e.Message);
        Assert.Contains("TransposeBits", e.Message);
        Assert.Throws<ArgumentException>(() => Csr.MultiplyPackedInput(p, v, true, new ulong[6], 3, default, new float[11]));
        Assert.Throws<ArgumentException>(() => Csr.MultiplyPackedInput(p, new float[p.Nnz - 1], true, new ulong[6], 3, default, new float[12]));
        Assert.Throws<ArgumentException>(() => Csr.MultiplyPackedInput(p, v, true, new ulong[6], 3, new float[3], new float[12]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Csr.MultiplyPackedInput(p, v, true, new ulong[6], -1, default, new float[12]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Csr.MultiplyPackedInput(p, v, true, new ulong[6], 3, default, new float[12], 0));
        var shared = new float[p.Nnz + 12];
        Assert.Throws<ArgumentException>(() => Csr.MultiplyPackedInput(p, shared.AsSpan(0, p.Nnz), true, new ulong[6], 3, default, shared.AsSpan(p.Nnz - 1, 12)));
        var t = Assert.Throws<ArgumentException>(() => Csr.TransposeBits(new ulong[3], 4, 10, new ulong[10]));
        Assert.Contains("[4, 1]", t.Message);
        Assert.Throws<ArgumentException>(() => Csr.TransposeBits(new ulong[4], 4, 10, new ulong[9]));
        Assert.Throws<ArgumentException>(() => Csr.GatherRowValues(p, v, new float[p.Nnz - 1]));
    }
}
