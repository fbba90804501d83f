using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using NeuroCore.Kernels;

namespace NeuroCore.Bench.Kernels;

/// <summary>
/// The W2 shape with adaptive LIF neurons: T = 100 steps over N = 128·1024 neurons, the W2 input (see
/// <see cref="LifBench.FillW2Input"/>), β = 0.9, θ0 = 1, ρ = 0.9, κ = 0.5, soft reset, V0 = A0 = 0.
/// Work: T·N = 13,107,200 neuron updates (giga neuron-updates/s = 0.0131072 / mean seconds).
/// Napkin math: inference streams X in and S out (105 MB), as LIF; training also writes H and A_{t−1} (210 MB in all).
/// The backward reads H, A_{t−1} (recomputing θ_t = θ0 + κ·A_{t−1}), S and gS and writes gI, each once (the previous
/// step's rows are re-read from cache): about 260 MB from DRAM, so ~26 ms at ~10 GB/s. The setup checks the spike count
/// sum(S) = 3,080,372.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class AlifBench
{
    const int T = 100, N = 128 * 1024;
    readonly float[] _x = new float[T * N], _s = new float[T * N], _h = new float[T * N], _ap = new float[T * N];
    readonly float[] _v = new float[N], _a = new float[N], _beta = new float[N], _theta0 = new float[N], _rho = new float[N], _kappa = new float[N];
    readonly float[] _zero = new float[N], _gS = new float[T * N], _gI = new float[T * N];
    readonly float[] _gB = new float[N], _gT0 = new float[N], _gR = new float[N], _gK = new float[N];

    [GlobalSetup]
    public void Setup()
    {
        LifBench.FillW2Input(_x);
        Array.Fill(_beta, 0.9f);
        Array.Fill(_theta0, 1f);
        Array.Fill(_rho, 0.9f);
        Array.Fill(_kappa, 0.5f);
        Forward();
        double sum = 0;
        foreach (float s in _s) sum += s;
        ForwardTraining();
        Philox.Normal(7, 0, 0, _gS);
        if (sum != 3_080_372) throw new InvalidOperationException($"ALIF W2 spike count sum(S) = {sum}, expected 3,080,372");
    }

    /// <summary>Scalar twin, inference (nothing saved).</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("Forward")]
    public void ForwardScalar()
    {
        Array.Clear(_v);
        Array.Clear(_a);
        Reference.AlifScanForward(_x, T, N, _beta, _theta0, _rho, _kappa, LifReset.Soft, _v, _a, _s, default, default);
    }

    /// <summary>Fused scan, inference.</summary>
    [Benchmark, BenchmarkCategory("Forward")]
    public void Forward() => Scan(default, default, 1);

    /// <summary>Fused scan saving H and A_{t−1} for the backward pass.</summary>
    [Benchmark, BenchmarkCategory("Forward")]
    public void ForwardTraining() => Scan(_h, _ap, 1);

    /// <summary>Fused scan, inference, whole tiles over 2 threads.</summary>
    [Benchmark, BenchmarkCategory("Forward")]
    public void ForwardTwoThreads() => Scan(default, default, 2);

    void Scan(Span<float> hSaved, Span<float> aSaved, int threads)
    {
        Array.Clear(_v);
        Array.Clear(_a);
        Alif.ScanForward(_x, T, N, _beta, _theta0, _rho, _kappa, LifReset.Soft, _v, _a, _s, hSaved, aSaved, threads);
    }

    /// <summary>Scalar twin of the BPTT backward.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("Backward")]
    public void BackwardScalar() => Reference.AlifScanBackward(new FastSigmoidSurrogate(25f), _zero, _h, _ap, _s, _gS, T, N,
        _beta, _theta0, _rho, _kappa, LifReset.Soft, false, _gI, _gB, _gT0, _gR, _gK);

    /// <summary>Fused BPTT backward, soft reset, not detached.</summary>
    [Benchmark, BenchmarkCategory("Backward")]
    public void Backward() => ScanBackward(1);

    /// <summary>Fused BPTT backward over 2 threads.</summary>
    [Benchmark, BenchmarkCategory("Backward")]
    public void BackwardTwoThreads() => ScanBackward(2);

    void ScanBackward(int threads) => Alif.ScanBackward(new FastSigmoidSurrogate(25f), _zero, _h, _ap, _s, _gS, T, N,
        _beta, _theta0, _rho, _kappa, LifReset.Soft, false, _gI, _gB, _gT0, _gR, _gK, threads);
}
