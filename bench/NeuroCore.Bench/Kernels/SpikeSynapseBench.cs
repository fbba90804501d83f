using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using NeuroCore.Kernels;

namespace NeuroCore.Bench.Kernels;

/// <summary>
/// The spike-driven synapse against the dense GEMM it replaces, on W3's shapes: rows = T·B = 25·128 = 3200 and
/// [in → out] = [784 → 512] (first layer), [512 → 512] and [512 → 10] (hidden and output layers), with 0/1 inputs of a
/// given density (Bernoulli, fixed seed).
/// <list type="bullet">
/// <item>Forward: <c>EventForward</c> = <see cref="SpikeSynapse.Compact"/> + <see cref="SpikeSynapse.Forward"/> (with
/// bias) vs <c>GemmForward</c> = bias rows + <c>Sgemm(X[rows,in]·Wᵀ[in,out], beta 1)</c>.</item>
/// <item>Weight gradient: <c>EventWeightGrad</c> = <see cref="SpikeSynapse.WeightGrad"/> (the events compacted in the
/// forward are reused) vs <c>GemmWeightGrad</c> = <c>Sgemm(Xᵀ·G, beta 1)</c>.</item>
/// </list>
/// Run (short, in process): <c>--filter *SpikeSynapseBench* --inProcess --warmupCount 1 --iterationCount 3</c>.
/// The crossover density sets <see cref="SpikeSynapse.DensityThreshold"/>.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class SpikeSynapseBench
{
    const int Rows = 25 * 128;
    float[] _x = [], _w = [], _bias = [], _y = [], _g = [], _gw = [];
    int[] _rowStart = [], _indices = [];
    int _in, _out;

    /// <summary>[in → out] of the layer.</summary>
    [Params("784x512", "512x512", "512x10")]
    public string Shape { get; set; } = "";

    /// <summary>Fraction of the inputs that spike.</summary>
    [Params(0.02, 0.05, 0.1, 0.2, 0.3, 0.5)]
    public double Density { get; set; }

    /// <summary>Threads for both paths.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Builds the spikes (seed 301), weights, bias and output gradient, and compacts the events once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        string[] parts = Shape.Split('x');
        _in = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        _out = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        var rng = new Random(301);
        _x = new float[Rows * _in];
        for (int i = 0; i < _x.Length; i++) _x[i] = rng.NextDouble() < Density ? 1f : 0f;
        _w = Fill(rng, _in * _out);
        _bias = Fill(rng, _out);
        _g = Fill(rng, Rows * _out);
        _y = new float[Rows * _out];
        _gw = new float[_in * _out];
        _rowStart = new int[Rows + 1];
        _indices = new int[Rows * _in];
        SpikeSynapse.Compact(_x, Rows, _in, _rowStart, _indices);
    }

    static float[] Fill(Random rng, int n)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(rng.NextDouble() * 2 - 1) * 0.1f;
        return a;
    }

    /// <summary>Dense forward: Y = bias + X·Wᵀ through SGEMM.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("Forward")]
    public void GemmForward()
    {
        for (int r = 0; r < Rows; r++) _bias.CopyTo(_y.AsSpan(r * _out, _out));
        Gemm.Sgemm(false, false, Rows, _out, _in, 1f, _x, _in, _w, _out, 1f, _y, _out, Threads);
    }

    /// <summary>Event forward including the compaction of the spikes.</summary>
    [Benchmark, BenchmarkCategory("Forward")]
    public void EventForward()
    {
        SpikeSynapse.Compact(_x, Rows, _in, _rowStart, _indices);
        SpikeSynapse.Forward(_rowStart, _indices, Rows, _w, _out, _bias, _y, Threads);
    }

    /// <summary>Dense weight gradient: gWᵀ += Xᵀ·G through SGEMM (A transposed).</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("WeightGrad")]
    public void GemmWeightGrad() =>
        Gemm.Sgemm(true, false, _in, _out, Rows, 1f, _x, _in, _g, _out, 1f, _gw, _out, Threads);

    /// <summary>Event weight gradient over the events compacted in the forward.</summary>
    [Benchmark, BenchmarkCategory("WeightGrad")]
    public void EventWeightGrad() =>
        SpikeSynapse.WeightGrad(_rowStart, _indices, Rows, _g, _out, _gw, Threads);
}
