using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using NeuroCore.Kernels;

namespace NeuroCore.Bench.Kernels;

/// <summary>
/// The subset-sum-table product <see cref="SpikeGemm"/> against the SGEMM it replaces, on W3's first layer at input
/// density 0.5 (Bernoulli, seed 301): the forward <c>X[3200, 784]·Wᵀ[784, 512]</c> (bias added) and the weight
/// gradient <c>Xᵀ[784, 3200]·∂I[3200, 512]</c> (A = the transposed bits, <see cref="Csr.TransposeBits"/>), 1 and 2
/// threads; the SGEMM reads the same 0/1 matrix as floats. The category <c>Small</c> compares the kernel with its
/// scalar twin <see cref="Reference.SpikeGemm"/> on [128, 256]·[256, 128].
/// Run (short, in process): <c>--filter *SpikeGemmBench* --inProcess --warmupCount 2 --iterationCount 5</c>.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class SpikeGemmBench
{
    const int SmallM = 128, SmallK = 256, SmallN = 128;
    float[] _a = [], _b = [], _bias = [], _c = [], _smallB = [], _smallC = [];
    ulong[] _bits = [], _smallBits = [];
    int _m, _k, _n;

    /// <summary>The product: "fwd" = [3200, 784]·[784, 512], "dW" = [784, 3200]·[3200, 512].</summary>
    [Params("fwd", "dW")]
    public string Shape { get; set; } = "";

    /// <summary>Threads for both kernels.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Builds the 0/1 matrix (floats and bits), B and the bias.</summary>
    [GlobalSetup]
    public void Setup()
    {
        (_m, _k, _n) = Shape == "fwd" ? (3200, 784, 512) : (784, 3200, 512);
        var rng = new Random(301);
        _a = new float[_m * _k];
        for (int i = 0; i < _a.Length; i++) _a[i] = rng.NextDouble() < 0.5 ? 1f : 0f;
        _bits = new ulong[_m * SpikeSynapse.PackedWords(_k)];
        SpikeSynapse.Pack(_a, _m, _k, _bits);
        _b = Fill(rng, _k * _n);
        _bias = Fill(rng, _n);
        _c = new float[_m * _n];
        _smallBits = new ulong[SmallM * SpikeSynapse.PackedWords(SmallK)];
        SpikeSynapse.Pack(_a.AsSpan(0, SmallM * SmallK), SmallM, SmallK, _smallBits);
        _smallB = Fill(rng, SmallK * SmallN);
        _smallC = new float[SmallM * SmallN];
    }

    static float[] Fill(Random rng, int n)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(rng.NextDouble() * 2 - 1) * 0.1f;
        return a;
    }

    /// <summary>SGEMM on the 0/1 floats, with the bias.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("Large")]
    public void Sgemm() => Gemm.Sgemm(false, false, _m, _n, _k, 1f, _a, _k, _b, _n, 0f, _c, _n, _bias, Threads);

    /// <summary>The table product on the bits, with the bias.</summary>
    [Benchmark, BenchmarkCategory("Large")]
    public void Tables() => SpikeGemm.Multiply(_bits, _m, _k, _b, _n, _bias, _c, Threads);

    /// <summary>The scalar twin on the small shape.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("Small")]
    public void TwinSmall() => Reference.SpikeGemm(_smallBits, SmallM, SmallK, _smallB, SmallN, [], _smallC);

    /// <summary>The kernel on the small shape.</summary>
    [Benchmark, BenchmarkCategory("Small")]
    public void TablesSmall() => SpikeGemm.Multiply(_smallBits, SmallM, SmallK, _smallB, SmallN, [], _smallC, Threads);
}
