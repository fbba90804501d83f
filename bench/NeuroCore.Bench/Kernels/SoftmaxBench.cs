using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using NeuroCore.Kernels;

namespace NeuroCore.Bench.Kernels;

/// <summary>
/// Row softmax at classifier shapes ([256, 10]: many short rows, call overhead dominates) and a vocabulary-like
/// shape ([64, 1000]: long rows, about five passes over 256 KB that stays in L2), against the scalar reference
/// (which works in double).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class SoftmaxBench
{
    readonly float[] _x = new float[64 * 1000], _y = new float[64 * 1000];

    [GlobalSetup]
    public void Setup() => Philox.Normal(3, 0, 0, _x);

    [Benchmark(Baseline = true), BenchmarkCategory("256x10")]
    public void Rows256x10Scalar() => Reference.SoftmaxForward(_x, 256, 10, _y);

    [Benchmark, BenchmarkCategory("256x10")]
    public void Rows256x10() => Softmax.Forward(_x, 256, 10, _y);

    [Benchmark(Baseline = true), BenchmarkCategory("64x1000")]
    public void Rows64x1000Scalar() => Reference.SoftmaxForward(_x, 64, 1000, _y);

    [Benchmark, BenchmarkCategory("64x1000")]
    public void Rows64x1000() => Softmax.Forward(_x, 64, 1000, _y);
}
