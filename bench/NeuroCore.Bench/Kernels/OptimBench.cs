using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using NeuroCore.Kernels;

namespace NeuroCore.Bench.Kernels;

/// <summary>
/// The fused optimizer steps of <see cref="Optim"/> against their scalar <see cref="Reference"/> twins (the baseline
/// of each category), over one flat parameter span of the MLP 784-512-10's size (407,050 floats, 1.6 MB per span:
/// larger than L2, so they stream from L3). Napkin math per step: SGD with momentum reads p, g, buf and writes p, buf
/// (5 × 1.6 = 8.1 MB); Adam and AdamW read p, g, m, v and write p, m, v (7 × 1.6 = 11.4 MB). GB/s = bytes moved /
/// mean time; e.g. Adam at 0.5 ms is 23 GB/s. Run: <c>--filter *OptimBench*</c>.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class OptimBench
{
    const int N = 784 * 512 + 512 + 512 * 10 + 10;
    const float Lr = 1e-6f;
    readonly float[] _p = new float[N], _g = new float[N], _m = new float[N], _v = new float[N];

    /// <summary>Normal parameters and gradients; the state starts at zero and stays small (lr 1e-6).</summary>
    [GlobalSetup]
    public void Setup()
    {
        Philox.Normal(1, 2, 0, _p);
        Philox.Normal(1, 3, 0, _g);
    }

    /// <summary>SGD, momentum 0.9, weight decay 1e-4, scalar twin.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("SgdMomentum")]
    public void SgdScalar() => Reference.SgdMomentum(_p, _g, _m, Lr, 0.9f, 0f, 1e-4f, false, false);

    /// <summary>SGD, momentum 0.9, weight decay 1e-4, fused SIMD.</summary>
    [Benchmark, BenchmarkCategory("SgdMomentum")]
    public void SgdFused() => Optim.SgdMomentum(_p, _g, _m, Lr, 0.9f, 0f, 1e-4f, false, false);

    /// <summary>Adam (PyTorch defaults), scalar twin.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("Adam")]
    public void AdamScalar() => Reference.Adam(_p, _g, _m, _v, Lr, 0.9f, 0.999f, 1e-8f, 0f, 10);

    /// <summary>Adam (PyTorch defaults), fused SIMD.</summary>
    [Benchmark, BenchmarkCategory("Adam")]
    public void AdamFused() => Optim.Adam(_p, _g, _m, _v, Lr, 0.9f, 0.999f, 1e-8f, 0f, 10);

    /// <summary>AdamW, decoupled weight decay 0.01, scalar twin.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("AdamW")]
    public void AdamWScalar() => Reference.AdamW(_p, _g, _m, _v, Lr, 0.9f, 0.999f, 1e-8f, 0.01f, 10);

    /// <summary>AdamW, decoupled weight decay 0.01, fused SIMD.</summary>
    [Benchmark, BenchmarkCategory("AdamW")]
    public void AdamWFused() => Optim.AdamW(_p, _g, _m, _v, Lr, 0.9f, 0.999f, 1e-8f, 0.01f, 10);
}
