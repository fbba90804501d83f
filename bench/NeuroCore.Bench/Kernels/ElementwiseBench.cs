using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using NeuroCore.Kernels;

namespace NeuroCore.Bench.Kernels;

/// <summary>
/// Elementwise kernels over 1M floats against their scalar <see cref="Reference"/> twins (the baseline of each
/// category). Napkin math: 1M floats = 4 MB per span, larger than L2, so these stream from L3/DRAM:
/// Relu reads 4 MB and writes 4 MB (8 MB moved), Add moves 12 MB, Philox.Uniform and Philox.Normal write 4 MB. GB/s = bytes moved / mean time; e.g. Relu at 0.5 ms is 16 GB/s.
/// Compute-bound exceptions: Tanh (an exp and a divide per element) and Philox (10 rounds of two 32×32→64
/// multiplies per 4 values). The optimizer steps are in <see cref="OptimBench"/>.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ElementwiseBench
{
    const int N = 1 << 20;
    readonly float[] _x = new float[N], _y = new float[N], _z = new float[N];

    [GlobalSetup]
    public void Setup()
    {
        Philox.Normal(1, 0, 0, _x);
        Philox.Normal(1, 1, 0, _y);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Relu")]
    public void ReluScalar() => Reference.Map<ReluOp>(_x, _z);

    [Benchmark, BenchmarkCategory("Relu")]
    public void ReluMap() => Elementwise.Map<ReluOp>(_x, _z);

    [Benchmark(Baseline = true), BenchmarkCategory("Add")]
    public void AddScalar() => Reference.Zip<AddOp>(_x, _y, _z);

    [Benchmark, BenchmarkCategory("Add")]
    public void AddZip() => Elementwise.Zip<AddOp>(_x, _y, _z);

    [Benchmark(Baseline = true), BenchmarkCategory("Tanh")]
    public void TanhScalar() => Reference.Map<TanhOp>(_x, _z);

    [Benchmark, BenchmarkCategory("Tanh")]
    public void TanhMap() => Elementwise.Map<TanhOp>(_x, _z);

    [Benchmark(Baseline = true), BenchmarkCategory("Uniform")]
    public void UniformScalar() => Reference.PhiloxUniform(5, 0, 0, _z);

    [Benchmark, BenchmarkCategory("Uniform")]
    public void UniformPhilox() => Philox.Uniform(5, 0, 0, _z);

    [Benchmark(Baseline = true), BenchmarkCategory("Normal")]
    public void NormalScalar() => Reference.PhiloxNormal(5, 0, 0, _z);

    [Benchmark, BenchmarkCategory("Normal")]
    public void NormalPhilox() => Philox.Normal(5, 0, 0, _z);
}
