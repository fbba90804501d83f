using FsCheck;
using FsCheck.Xunit;
using NeuroCore.Kernels.Parallel;
using Xunit;
using Xunit.Abstractions;

namespace NeuroCore.Kernels.Tests;

/// <summary>
/// SGEMM against its scalar twin <see cref="Reference.Gemm"/>. Each run exercises the widest micro-kernel the process
/// accelerates; run the suite again with <c>DOTNET_EnableAVX512=0</c> (6×16 AVX2 kernel) and
/// <c>DOTNET_EnableHWIntrinsic=0</c> (4×4 scalar kernel). The first test logs the widths and tile actually in use.
/// </summary>
public class GemmTests(ITestOutputHelper output)
{
    /// <summary>One random SGEMM problem: operands with padded strides, and C with a sentinel in its padding.</summary>
    sealed class Problem
    {
        public bool TransA, TransB;
        public int M, N, K, Lda, Ldb, Ldc;
        public float Alpha, Beta;
        public float[] A = [], B = [], C = [];
        const float Sentinel = -12345.5f;

        public static Problem Create(int m, int n, int k, bool transA, bool transB, int seed, bool nanInC = false)
        {
            var rng = new Random(seed);
            var p = new Problem { M = m, N = n, K = k, TransA = transA, TransB = transB };
            // Strides: minimal half the time, otherwise padded by up to 9.
            int Pad() => rng.Next(2) == 0 ? 0 : rng.Next(1, 10);
            int aRows = transA ? k : m, aCols = transA ? m : k;
            int bRows = transB ? n : k, bCols = transB ? k : n;
            p.Lda = Math.Max(1, aCols) + Pad();
            p.Ldb = Math.Max(1, bCols) + Pad();
            p.Ldc = Math.Max(1, n) + Pad();
            p.A = Fill(rng, aRows * p.Lda);
            p.B = Fill(rng, bRows * p.Ldb);
            p.C = Fill(rng, m * p.Ldc);
            float[] alphas = [1f, -1f, 0.5f, 2.75f, (float)(rng.NextDouble() * 4 - 2)];
            float[] betas = [0f, 1f, -0.5f, 0f, (float)(rng.NextDouble() * 4 - 2)];
            p.Alpha = alphas[rng.Next(alphas.Length)];
            p.Beta = nanInC ? 0f : betas[rng.Next(betas.Length)];
            for (int i = 0; i < m; i++)
                for (int j = 0; j < p.Ldc; j++)
                    if (j >= n) p.C[i * p.Ldc + j] = Sentinel;
                    else if (nanInC) p.C[i * p.Ldc + j] = (i + j) % 2 == 0 ? float.NaN : float.PositiveInfinity;
            return p;
        }

        static float[] Fill(Random rng, int length)
        {
            var x = new float[length];
            for (int i = 0; i < length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
            return x;
        }

        public float[] Run(int threads, long parallelThreshold = 0)
        {
            float[] c = (float[])C.Clone();
            Gemm.Sgemm(TransA, TransB, M, N, K, Alpha, A, Lda, B, Ldb, Beta, c, Ldc, threads, parallelThreshold);
            return c;
        }

        public float[] RunReference()
        {
            float[] c = (float[])C.Clone();
            Reference.Gemm(TransA, TransB, M, N, K, Alpha, A, Lda, B, Ldb, Beta, c, Ldc);
            return c;
        }

        /// <summary>Checks against the reference with a bound of (k + 2)·2⁻²²·(|alpha|·Σ|a·b| + |beta·c|) per element.</summary>
        public void AssertMatchesReference(float[] actual)
        {
            float[] expected = RunReference();
            for (int i = 0; i < M; i++)
            {
                for (int j = 0; j < Ldc; j++)
                {
                    int at = i * Ldc + j;
                    if (j >= N)
                    {
                        Assert.True(actual[at] == Sentinel, $"C padding at ({i},{j}) was overwritten: {actual[at]}");
                        continue;
                    }
                    double magnitude = Math.Abs(Beta == 0f ? 0 : (double)Beta * C[at]);
                    for (int p = 0; p < K; p++)
                        magnitude += Math.Abs((double)Alpha * OpA(i, p) * OpB(p, j));
                    double tolerance = (K + 2) * Math.Pow(2, -22) * magnitude + 1e-30;
                    double error = Math.Abs((double)actual[at] - expected[at]);
                    Assert.True(error <= tolerance,
                        $"{Describe()}: C[{i},{j}] = {actual[at]}, reference {expected[at]}, error {error:g3} > {tolerance:g3}");
                }
            }
        }

        float OpA(int i, int p) => TransA ? A[p * Lda + i] : A[i * Lda + p];
        float OpB(int p, int j) => TransB ? B[j * Ldb + p] : B[p * Ldb + j];

        public string Describe() =>
            $"m={M} n={N} k={K} transA={TransA} transB={TransB} lda={Lda} ldb={Ldb} ldc={Ldc} alpha={Alpha} beta={Beta}";
    }

    [Fact]
    public void Sgemm_SmallKnownProduct_MatchesHandComputed()
    {
        // [1 2 3; 4 5 6] · [7 8; 9 10; 11 12] = [1·7+2·9+3·11, 1·8+2·10+3·12; ...] = [58 64; 139 154]
        float[] a = [1, 2, 3, 4, 5, 6];
        float[] b = [7, 8, 9, 10, 11, 12];
        float[] c = new float[4];
        Gemm.Sgemm(false, false, 2, 2, 3, 1f, a, 3, b, 2, 0f, c, 2);
        Assert.Equal([58f, 64f, 139f, 154f], c);
        float[] r = new float[4];
        Reference.Gemm(false, false, 2, 2, 3, 1f, a, 3, b, 2, 0f, r, 2);
        Assert.Equal([58f, 64f, 139f, 154f], r);
        output.WriteLine($"ISA: {IsaInfo.Describe()}, micro-tile {Gemm.Mr}x{Gemm.Nr}");
    }

    [Property(MaxTest = 300)]
    public void Sgemm_RandomSmallShapes_MatchesReference(byte m, byte n, byte k, bool transA, bool transB, int seed)
    {
        var p = Problem.Create(m % 71, n % 71, k % 71, transA, transB, seed);
        p.AssertMatchesReference(p.Run(threads: 1));
    }

    [Property(MaxTest = 100)]
    public void Sgemm_OneOrTwoRows_MatchesReferenceAndIsThreadInvariant(bool twoRows, ushort n, ushort k, bool transA, bool transB, int seed)
    {
        // One or two rows of row-major A take the direct (matrix-vector) path; n past a few direct blocks.
        var p = Problem.Create(twoRows ? 2 : 1, n % 300, k % 300, transA, transB, seed);
        float[] one = p.Run(threads: 1);
        p.AssertMatchesReference(one);
        Assert.Equal(one, p.Run(threads: 2));
    }

    [Property(MaxTest = 100)]
    public void Sgemm_NarrowTransposedB_MatchesReferenceAndIsThreadInvariant(ushort m, byte n, ushort k, int seed)
    {
        // A·Bᵀ with at most 16 columns and k ≥ 32 takes the row-dot (narrow) path: m 0..257 crosses its 4-row blocks
        // and 32-row thread units, k crosses whole vectors and their scalar tails.
        var p = Problem.Create(m % 258, 1 + n % 16, 32 + k % 226, transA: false, transB: true, seed);
        float[] one = p.Run(threads: 1);
        p.AssertMatchesReference(one);
        Assert.Equal(one, p.Run(threads: 2));
        Assert.Equal(one, p.Run(threads: 3));
    }

    [Property(MaxTest = 100)]
    public void Sgemm_SkinnyTransposedA_IsTheFusedChainAndThreadInvariant(byte m, ushort n, ushort k, int seed)
    {
        // Aᵀ·B with at most 16 rows and k ≥ 32 takes the skinny (column-block) path when vectors have hardware FMA:
        // m 1..16 covers every row-group size, n 0..257 crosses whole column blocks, the 32-column thread units and the
        // scalar column tail, k crosses the 128-row chunks.
        var p = Problem.Create(1 + m % 16, n % 258, 32 + k % 300, transA: true, transB: false, seed);
        float[] one = p.Run(threads: 1);
        p.AssertMatchesReference(one);
        if (System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Fma.IsSupported)
            Assert.Equal(FusedChainTwin(p), one);
        Assert.Equal(one, p.Run(threads: 2));
        Assert.Equal(one, p.Run(threads: 3));
    }

    [Fact]
    public void Sgemm_SkinnyAtTheLinearLayerGradientShape_IsTheFusedChain()
    {
        // dW[10, 512] = dyᵀ·x over 3200 rows: a classifier head's weight gradient, two 5-row groups, 25 K chunks.
        var p = Problem.Create(10, 512, 3200, transA: true, transB: false, seed: 11);
        float[] one = p.Run(threads: 1);
        if (System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Fma.IsSupported)
            Assert.Equal(FusedChainTwin(p), one);
        else p.AssertMatchesReference(one);
        Assert.Equal(one, p.Run(threads: 2));
    }

    /// <summary>
    /// The skinny path's scalar twin: each element one fused multiply-add chain over p ascending from 0, then
    /// <c>alpha·sum</c> (beta 0) or <c>fma(alpha, sum, beta·c)</c>.
    /// </summary>
    static float[] FusedChainTwin(Problem p)
    {
        float[] c = (float[])p.C.Clone();
        for (int i = 0; i < p.M; i++)
            for (int j = 0; j < p.N; j++)
            {
                float sum = 0f;
                for (int q = 0; q < p.K; q++) sum = MathF.FusedMultiplyAdd(p.A[q * p.Lda + i], p.B[q * p.Ldb + j], sum);
                ref float cij = ref c[i * p.Ldc + j];
                cij = p.Beta == 0f ? p.Alpha * sum : MathF.FusedMultiplyAdd(p.Alpha, sum, p.Beta * cij);
            }
        return c;
    }

    [Property(MaxTest = 40)]
    public void Sgemm_DeepK_MatchesReference(byte m, byte n, ushort k, bool transA, bool transB, int seed)
    {
        // k past one K block (256), so C is updated once per block with beta applied only on the first.
        var p = Problem.Create(m % 40, n % 40, 250 + k % 600, transA, transB, seed);
        p.AssertMatchesReference(p.Run(threads: 1));
    }

    [Property(MaxTest = 100)]
    public void Sgemm_BetaZero_IgnoresNaNInC(byte m, byte n, byte k, bool transA, bool transB, int seed)
    {
        var p = Problem.Create(1 + m % 70, 1 + n % 70, k % 71, transA, transB, seed, nanInC: true);
        float[] c = p.Run(threads: 1);
        Assert.DoesNotContain(c, float.IsNaN);
        p.AssertMatchesReference(c);
    }

    [Property(MaxTest = 150)]
    public void Sgemm_TwoAndThreeThreads_BitwiseEqualToOne(byte m, byte n, ushort k, bool transA, bool transB, int seed)
    {
        var p = Problem.Create(m % 100, n % 100, k % 300, transA, transB, seed);
        float[] one = p.Run(threads: 1);
        Assert.Equal(one, p.Run(threads: 2));
        Assert.Equal(one, p.Run(threads: 3));
    }

    [Fact]
    public void Sgemm_SeveralBlocksInEveryDimension_MatchesReferenceAndIsThreadInvariant()
    {
        // m past MC (192), n past NC (1024), k past KC (256); odd sizes leave edge tiles everywhere.
        foreach ((bool ta, bool tb) in new[] { (false, false), (true, true) })
        {
            var p = Problem.Create(203, 1061, 301, ta, tb, seed: 7);
            float[] one = p.Run(threads: 1);
            p.AssertMatchesReference(one);
            Assert.Equal(one, p.Run(threads: 2, parallelThreshold: 1L << 18));
        }
    }

    [Fact]
    public void Sgemm_PublicOverloadWithThreads_BitwiseEqualToOne()
    {
        var p = Problem.Create(150, 130, 90, false, true, seed: 3);
        float[] one = (float[])p.C.Clone(), two = (float[])p.C.Clone();
        Gemm.Sgemm(false, true, p.M, p.N, p.K, p.Alpha, p.A, p.Lda, p.B, p.Ldb, p.Beta, one, p.Ldc);
        Gemm.Sgemm(false, true, p.M, p.N, p.K, p.Alpha, p.A, p.Lda, p.B, p.Ldb, p.Beta, two, p.Ldc, threads: 2);
        Assert.Equal(one, two);
    }

    /// <summary>The bias overloads' oracle: each element of C becomes beta·C + bias[j] (bias[i] when <paramref name="rows"/>;
    /// just the bias when beta is 0), then beta 1.</summary>
    static float[] PrefilledWithBias(Problem p, float[] bias, bool rows = false)
    {
        float[] c = (float[])p.C.Clone();
        for (int i = 0; i < p.M; i++)
            for (int j = 0; j < p.N; j++)
            {
                ref float cij = ref c[i * p.Ldc + j];
                float bij = rows ? bias[i] : bias[j];
                cij = p.Beta == 0f ? bij : (p.Beta * cij) + bij;
            }
        return c;
    }

    static float[] RandomBias(int n, int seed)
    {
        var rng = new Random(seed ^ 0x5A5A);
        var bias = new float[n + 3];
        for (int j = 0; j < bias.Length; j++) bias[j] = (float)(rng.NextDouble() * 4 - 2);
        return bias;
    }

    [Property(MaxTest = 200)]
    public void Sgemm_WithBias_BitwiseEqualToPrefilledCAndThreadInvariant(byte m, ushort n, ushort k, bool transA, bool transB, int seed)
    {
        // Sizes 0..257 cover the direct (m ≤ 2), narrow (n ≤ 16, Bᵀ) and packed paths, edge tiles and several K blocks.
        var p = Problem.Create(m % 258, n % 258, k % 300, transA, transB, seed);
        float[] bias = RandomBias(p.N, seed);
        float[] expected = PrefilledWithBias(p, bias);
        Gemm.Sgemm(p.TransA, p.TransB, p.M, p.N, p.K, p.Alpha, p.A, p.Lda, p.B, p.Ldb, 1f, expected, p.Ldc, 1, 0);
        float[] reference = PrefilledWithBias(p, bias);
        Reference.Gemm(p.TransA, p.TransB, p.M, p.N, p.K, p.Alpha, p.A, p.Lda, p.B, p.Ldb, 1f, reference, p.Ldc);
        for (int threads = 1; threads <= 3; threads++)
        {
            float[] c = (float[])p.C.Clone();
            Gemm.Sgemm(p.TransA, p.TransB, p.M, p.N, p.K, p.Alpha, p.A, p.Lda, p.B, p.Ldb, p.Beta, c, p.Ldc, bias, threads, 0);
            Assert.Equal(expected, c);
        }
        // And near the scalar twin (same bound as the other properties, with the prefilled C as the old term).
        for (int i = 0; i < p.M; i++)
            for (int j = 0; j < p.N; j++)
            {
                double magnitude = Math.Abs((double)reference[i * p.Ldc + j]) + Math.Abs((double)expected[i * p.Ldc + j]);
                Assert.True(Math.Abs((double)expected[i * p.Ldc + j] - reference[i * p.Ldc + j]) <= ((p.K + 2) * Math.Pow(2, -20) * (magnitude + p.K)) + 1e-30,
                    $"{p.Describe()}: C[{i},{j}] = {expected[i * p.Ldc + j]}, reference {reference[i * p.Ldc + j]}");
            }
    }

    [Property(MaxTest = 200)]
    public void SgemmRowBias_BitwiseEqualToPrefilledCAndThreadInvariant(byte m, ushort n, ushort k, bool transA, bool transB, int seed)
    {
        // Sizes 0..257 cover the direct, narrow, skinny and packed paths, edge tiles and several K blocks.
        var p = Problem.Create(m % 258, n % 258, k % 300, transA, transB, seed);
        float[] bias = RandomBias(p.M, seed);
        float[] expected = PrefilledWithBias(p, bias, rows: true);
        Gemm.Sgemm(p.TransA, p.TransB, p.M, p.N, p.K, p.Alpha, p.A, p.Lda, p.B, p.Ldb, 1f, expected, p.Ldc, 1, 0);
        for (int threads = 1; threads <= 3; threads++)
        {
            float[] c = (float[])p.C.Clone();
            Gemm.SgemmRowBias(p.TransA, p.TransB, p.M, p.N, p.K, p.Alpha, p.A, p.Lda, p.B, p.Ldb, p.Beta, c, p.Ldc, bias, threads, 0);
            Assert.Equal(expected, c);
        }
    }

    [Fact]
    public void SgemmRowBias_SeveralRowAndColumnBlocks_BitwiseEqualToPrefilledC()
    {
        // m past one MC block and n past one NC block (1024), so the bias panel is refilled for every block pair.
        var p = Problem.Create(200, 1100, 20, false, false, seed: 9);
        float[] bias = RandomBias(p.M, 9);
        float[] expected = (float[])p.C.Clone();
        for (int i = 0; i < p.M; i++) expected.AsSpan(i * p.Ldc, p.N).Fill(bias[i]);
        Gemm.Sgemm(false, false, p.M, p.N, p.K, p.Alpha, p.A, p.Lda, p.B, p.Ldb, 1f, expected, p.Ldc, 1, 0);
        float[] c = (float[])p.C.Clone();
        // Beta 0: the bias enters the packed path's epilogue.
        Gemm.SgemmRowBias(false, false, p.M, p.N, p.K, p.Alpha, p.A, p.Lda, p.B, p.Ldb, 0f, c, p.Ldc, bias, 2, 0);
        Assert.Equal(expected, c);
    }

    [Fact]
    public void SgemmRowBias_NaNInCIgnoredAtBetaZeroAndKZeroGivesBias_ShortBiasThrows()
    {
        var p = Problem.Create(37, 70, 300, false, false, seed: 6, nanInC: true);
        float[] bias = RandomBias(p.M, 6);
        float[] c = (float[])p.C.Clone();
        Gemm.SgemmRowBias(false, false, p.M, p.N, p.K, 1f, p.A, p.Lda, p.B, p.Ldb, 0f, c, p.Ldc, bias, threads: 2);
        Assert.DoesNotContain(c, float.IsNaN);
        c = (float[])p.C.Clone();
        Gemm.SgemmRowBias(false, false, p.M, p.N, 0, 1f, p.A, p.Lda, p.B, p.Ldb, 0f, c, p.Ldc, bias);
        for (int i = 0; i < p.M; i++) Assert.All(c.AsSpan(i * p.Ldc, p.N).ToArray(), v => Assert.Equal(bias[i], v));
        var e = Assert.Throws<ArgumentException>(() => Gemm.SgemmRowBias(false, false, p.M, p.N, p.K, 1f, p.A, p.Lda, p.B, p.Ldb, 0f, c, p.Ldc, bias.AsSpan(0, p.M - 1)));
        Assert.Equal("rowBias", e.ParamName);
        Assert.Contains("m=37", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sgemm_WithBias_NaNInCIgnoredAtBetaZeroAndKZeroGivesBias()
    {
        var p = Problem.Create(37, 70, 300, false, true, seed: 5, nanInC: true);
        float[] bias = RandomBias(p.N, 5);
        float[] c = (float[])p.C.Clone();
        Gemm.Sgemm(false, true, p.M, p.N, p.K, 1f, p.A, p.Lda, p.B, p.Ldb, 0f, c, p.Ldc, bias, threads: 2);
        Assert.DoesNotContain(c, float.IsNaN);
        c = (float[])p.C.Clone();
        Gemm.Sgemm(false, true, p.M, p.N, 0, 1f, p.A, p.Lda, p.B, p.Ldb, 0f, c, p.Ldc, bias);
        for (int i = 0; i < p.M; i++) Assert.Equal(bias.AsSpan(0, p.N).ToArray(), c.AsSpan(i * p.Ldc, p.N).ToArray());
    }

    [Fact]
    public void Sgemm_WithBiasTooShort_ThrowsNamingTheBias()
    {
        var p = Problem.Create(4, 9, 5, false, false, seed: 1);
        var e = Assert.Throws<ArgumentException>(() =>
            Gemm.Sgemm(false, false, p.M, p.N, p.K, 1f, p.A, p.Lda, p.B, p.Ldb, 0f, p.C, p.Ldc, new float[8]));
        Assert.Equal("bias", e.ParamName);
        Assert.Contains("n=9", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sgemm_WithBias_SteadyState_AllocatesNothing()
    {
        var p = Problem.Create(300, 200, 300, false, true, seed: 12);
        float[] c = (float[])p.C.Clone();
        float[] bias = RandomBias(p.N, 12);
        for (int threads = 1; threads <= 2; threads++)
        {
            int t = threads;
            LifTests.AssertSteadyStateAllocatesNothing(
                () => Gemm.Sgemm(false, true, p.M, p.N, p.K, 1f, p.A, p.Lda, p.B, p.Ldb, 0f, c, p.Ldc, bias, t), $"Sgemm with bias at {t} threads");
        }
    }

    [Fact]
    public void Sgemm_SteadyState_AllocatesNothing()
    {
        var p = Problem.Create(300, 200, 300, true, true, seed: 11);
        float[] c = (float[])p.C.Clone();
        for (int threads = 1; threads <= 2; threads++)
        {
            // The helper's first round creates the thread's packing buffers (and the pool its workers); later calls reuse them.
            int t = threads;
            LifTests.AssertSteadyStateAllocatesNothing(
                () => Gemm.Sgemm(true, true, p.M, p.N, p.K, 1f, p.A, p.Lda, p.B, p.Ldb, 0.5f, c, p.Ldc, t), $"Sgemm at {t} threads");
        }
    }

    [Fact]
    public void Sgemm_Skinny_SteadyState_AllocatesNothing()
    {
        var p = Problem.Create(10, 512, 640, true, false, seed: 13);
        float[] c = (float[])p.C.Clone();
        for (int threads = 1; threads <= 2; threads++)
        {
            int t = threads;
            LifTests.AssertSteadyStateAllocatesNothing(
                () => Gemm.Sgemm(true, false, p.M, p.N, p.K, 1f, p.A, p.Lda, p.B, p.Ldb, 0f, c, p.Ldc, t), $"skinny Sgemm at {t} threads");
        }
    }

    [Theory]
    [InlineData(0f, 0f)]
    [InlineData(0f, 2f)]
    [InlineData(1.5f, 0f)]
    public void Sgemm_AlphaZeroOrKZero_ScalesCWithoutReadingAOrB(float alpha, float beta)
    {
        // With alpha = 0 the NaNs in A and B must not reach C (BLAS semantics); with k = 0 there is nothing to read.
        float[] a = [float.NaN, float.NaN, float.NaN, float.NaN];
        float[] b = [float.NaN, float.NaN, float.NaN, float.NaN];
        float[] c = [1, 2, 3, 4];
        int k = alpha == 0f ? 2 : 0;
        Gemm.Sgemm(false, false, 2, 2, k, alpha, a, Math.Max(1, k), b, 2, beta, c, 2);
        Assert.Equal(new[] { 1 * beta, 2 * beta, 3 * beta, 4 * beta }, c);
    }

    [Fact]
    public void Sgemm_EmptyShapes_DoNothing()
    {
        float[] c = [7f];
        Gemm.Sgemm(false, false, 0, 5, 3, 1f, [], 3, new float[15], 5, 0f, [], 5);
        Gemm.Sgemm(false, false, 1, 0, 3, 1f, new float[3], 3, [], 1, 0f, c, 1);
        Assert.Equal(7f, c[0]);
    }

    [Fact]
    public void Sgemm_BadArguments_ThrowNamingTheProblem()
    {
        float[] a = new float[6], b = new float[6], c = new float[4];
        var e = Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, false, 2, 2, 3, 1f, a, 2, b, 2, 0f, c, 2));
        Assert.Contains("lda must be at least 3", e.Message);
        e = Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, true, 2, 2, 3, 1f, a, 3, new float[5], 3, 0f, c, 2));
        Assert.Contains("B is stored as [2, 3] (transposed)", e.Message);
        Assert.Contains("needs at least 6 elements, but the span has 5", e.Message);
        e = Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, false, 2, 2, 3, 1f, a, 3, b, 2, 0f, new float[3], 2));
        Assert.Contains("C is stored as [2, 2]", e.Message);
        e = Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, false, -1, 2, 3, 1f, a, 3, b, 2, 0f, c, 2));
        Assert.Contains("m=-1", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Sgemm(false, false, 2, 2, 3, 1f, a, 3, b, 2, 0f, c, 2, threads: 0));
        Assert.Throws<ArgumentException>(() => Reference.Gemm(true, false, 2, 2, 3, 1f, a, 1, b, 2, 0f, c, 2));
    }
}
