using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using NeuroCore.Kernels;

namespace NeuroCore.Bench.Kernels;

/// <summary>
/// The CE-LIF scan next to the LIF scan on the W2 shape (T = 100, N = 128·1024, the W2 input of <see cref="LifBench"/>),
/// for the issue-5 budget "throughput within 1.5× of the LIF scan": the Ratio column against the LIF baseline of each
/// category is that factor. CE-LIF: α = 0.9, θ0 = 0.2 (the input enters scaled by 1 − α), β = 0.2, γ = 0.1, ρ = 0.95, κ = 0.9, θ_min = 0.01, soft reset.
/// Napkin math: the LIF forward streams X in and S out (2 × 52 MB); CE-LIF with the drive = the current (C2 form) or the
/// membrane context (C3) streams the same two, and its per-neuron state (V, A, C and six coefficients, 36 KB per 1024-neuron
/// tile) stays in L1, so both are memory-bound and the ratio should stay near 1. Training saves H (LIF) against H, A, C
/// (CE-LIF): 3 against 5 streams forward; backward reads 4 (LIF: H, S, gS; writes gI) against 7 (I, H, A, C, S, gS; gI).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class CeLifBench
{
    const int T = 100, N = 128 * 1024;
    readonly float[] _x = new float[T * N], _s = new float[T * N], _sL = new float[T * N], _hL = new float[T * N], _h = new float[T * N], _a = new float[T * N], _c = new float[T * N];
    readonly float[] _v = new float[N], _av = new float[N], _cv = new float[N], _beta = new float[N], _threshold = new float[N];
    readonly float[] _theta0 = new float[N], _alpha = new float[N], _adapt = new float[N], _gamma = new float[N], _rho = new float[N], _kappa = new float[N];
    readonly float[] _v0 = new float[N], _c0 = new float[N], _gS = new float[T * N], _gI = new float[T * N], _gB = new float[N], _gT = new float[N];
    readonly float[] _g1 = new float[N], _g2 = new float[N], _g3 = new float[N], _g4 = new float[N], _g5 = new float[N], _g6 = new float[N];
    readonly float[] _carryV = new float[N], _carryA = new float[N], _carryC = new float[N];

    CeLifCoefficients Coefficients(CeLifContext context) => new()
    {
        Alpha = _alpha, Theta0 = _theta0, Beta = _adapt, Gamma = _gamma, Rho = _rho, Kappa = _kappa, ThetaMin = 0.01f,
        Reset = LifReset.Soft, Context = context,
    };

    [GlobalSetup]
    public void Setup()
    {
        LifBench.FillW2Input(_x);
        Array.Fill(_beta, 0.9f);
        Array.Fill(_threshold, 1f);
        Array.Fill(_theta0, 0.2f);
        Array.Fill(_alpha, 0.9f);
        Array.Fill(_adapt, 0.2f);
        Array.Fill(_gamma, 0.1f);
        Array.Fill(_rho, 0.95f);
        Array.Fill(_kappa, 0.9f);
        Philox.Normal(7, 0, 0, _gS);
        LifForwardTraining();
        CeLifForwardTraining();
        double sum = 0;
        foreach (float s in _s) sum += s;
        if (sum < 0.01 * _s.Length) throw new InvalidOperationException("CE-LIF bench: under 1 % of the neuron-steps fired; the workload is degenerate");
    }

    /// <summary>LIF fused scan, inference (the W2 figure): the forward baseline.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("Forward")]
    public void LifForward()
    {
        Array.Clear(_v);
        Lif.ScanForward(_x, T, N, _beta, _threshold, LifReset.Soft, _v, _s, default);
    }

    /// <summary>CE-LIF, C2 form with the drive = the current, inference.</summary>
    [Benchmark, BenchmarkCategory("Forward")]
    public void CeLifForwardDrive()
    {
        Array.Clear(_v);
        Array.Clear(_av);
        Array.Clear(_cv);
        CeLif.ScanForward(_x, _x, T, N, Coefficients(CeLifContext.Drive), _v, _av, _cv, _s, default, default, default);
    }

    /// <summary>CE-LIF, C3 form (membrane context), inference.</summary>
    [Benchmark, BenchmarkCategory("Forward")]
    public void CeLifForwardMembrane()
    {
        Array.Clear(_v);
        Array.Clear(_av);
        Array.Clear(_cv);
        CeLif.ScanForward(_x, default, T, N, Coefficients(CeLifContext.Membrane), _v, _av, _cv, _s, default, default, default);
    }

    /// <summary>LIF fused scan saving H: the training-forward baseline.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("ForwardTraining")]
    public void LifForwardTraining()
    {
        Array.Clear(_v);
        Lif.ScanForward(_x, T, N, _beta, _threshold, LifReset.Soft, _v, _sL, _hL);
    }

    /// <summary>CE-LIF (C3) saving H, A_{t−1} and C_t.</summary>
    [Benchmark, BenchmarkCategory("ForwardTraining")]
    public void CeLifForwardTraining()
    {
        Array.Clear(_v);
        Array.Clear(_av);
        Array.Clear(_cv);
        CeLif.ScanForward(_x, default, T, N, Coefficients(CeLifContext.Membrane), _v, _av, _cv, _s, _h, _a, _c);
    }

    /// <summary>LIF fused BPTT backward: the backward baseline.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("Backward")]
    public void LifBackward() => Lif.ScanBackward(new FastSigmoidSurrogate(25f), _v0, _hL, _sL, _gS, default, T, N, _beta,
        _threshold, LifReset.Soft, false, _gI, _gB, _gT, default);

    /// <summary>CE-LIF (C3) fused BPTT backward over the saved H, A, C.</summary>
    [Benchmark, BenchmarkCategory("Backward")]
    public void CeLifBackward()
    {
        Array.Clear(_carryV);
        Array.Clear(_carryA);
        Array.Clear(_carryC);
        var grads = new CeLifGradients { Alpha = _g1, Theta0 = _g2, Beta = _g3, Gamma = _g4, Rho = _g5, Kappa = _g6 };
        CeLif.ScanBackward(new FastSigmoidSurrogate(25f), _x, default, T, N, Coefficients(CeLifContext.Membrane), false, _v0, _c0,
            _h, _a, _c, _s, _gS, _gI, default, grads, _carryV, _carryA, _carryC);
    }
}
