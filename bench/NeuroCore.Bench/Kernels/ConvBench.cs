using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using NeuroCore.Kernels;

namespace NeuroCore.Bench.Kernels;

/// <summary>
/// Convolution lowering and pooling at small-CNN shapes, against the scalar <see cref="Reference"/> twins.
/// Im2Col/Col2Im: one [32, 14, 14] image, 3×3 kernel, stride 1, pad 1 → columns [288, 196] (226 KB written, about
/// 9× the image read). Pooling: 2048 planes of 28×28 (6.4 MB read), 2×2 windows, stride 2 → 1.6 MB written.
/// GB/s = (bytes read + written) / mean time.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ConvBench
{
    const int C = 32, H = 14, W = 14, K = 3, Planes = 2048, PH = 28, PW = 28;
    readonly float[] _image = new float[C * H * W], _columns = new float[C * K * K * H * W];
    readonly float[] _planes = new float[Planes * PH * PW], _pooled = new float[Planes * (PH / 2) * (PW / 2)];
    readonly int[] _argmax = new int[Planes * (PH / 2) * (PW / 2)];

    // RowDots: the weight gradient of a 1-channel 3×3 conv with 32 outputs on a 14×14 map (dW[32, 9] = dY · colsᵀ).
    const int DyRows = 32, Taps = 9;
    readonly float[] _dy = new float[DyRows * H * W], _dw = new float[DyRows * Taps];

    [GlobalSetup]
    public void Setup()
    {
        Philox.Normal(2, 0, 0, _image);
        Philox.Normal(2, 1, 0, _columns);
        Philox.Normal(2, 2, 0, _planes);
        Philox.Normal(2, 3, 0, _dy);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Im2Col")]
    public void Im2ColScalar() => Reference.Im2Col(_image, C, H, W, K, K, 1, 1, 1, 1, _columns);

    [Benchmark, BenchmarkCategory("Im2Col")]
    public void Im2Col() => Conv.Im2Col(_image, C, H, W, K, K, 1, 1, 1, 1, _columns);

    [Benchmark(Baseline = true), BenchmarkCategory("Col2Im")]
    public void Col2ImScalar() => Reference.Col2Im(_columns, C, H, W, K, K, 1, 1, 1, 1, _image);

    [Benchmark, BenchmarkCategory("Col2Im")]
    public void Col2Im() => Conv.Col2Im(_columns, C, H, W, K, K, 1, 1, 1, 1, _image);

    [Benchmark(Baseline = true), BenchmarkCategory("RowDots")]
    public void RowDotsScalar() => Reference.RowDots(_dy, DyRows, _columns, Taps, H * W, 1f, _dw);

    [Benchmark, BenchmarkCategory("RowDots")]
    public void RowDots() => Conv.RowDots(_dy, DyRows, _columns, Taps, H * W, 1f, _dw);

    [Benchmark(Baseline = true), BenchmarkCategory("MaxPool")]
    public void MaxPoolScalar() => Reference.MaxPoolForward(_planes, Planes, PH, PW, 2, 2, 2, 2, 0, 0, _pooled, _argmax);

    [Benchmark, BenchmarkCategory("MaxPool")]
    public void MaxPool() => Pool.MaxForward(_planes, Planes, PH, PW, 2, 2, 2, 2, 0, 0, _pooled, _argmax);

    [Benchmark(Baseline = true), BenchmarkCategory("AvgPool")]
    public void AvgPoolScalar() => Reference.AvgPoolForward(_planes, Planes, PH, PW, 2, 2, 2, 2, 0, 0, _pooled);

    [Benchmark, BenchmarkCategory("AvgPool")]
    public void AvgPool() => Pool.AvgForward(_planes, Planes, PH, PW, 2, 2, 2, 2, 0, 0, _pooled);
}
