using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using NeuroCore.Kernels;

namespace NeuroCore.Bench.Kernels;

/// <summary>
/// The CE-LIF scan next to the LIF scan at two shapes of equal work per step: T = 100, N = 128·1024 (the W2 input of
/// <see cref="LifBench"/>) and T = 784, N = 128·256 (pixel-wise sequences, B = 128, F = 256), for the issue-5 budget
/// "throughput within 1.5× of the LIF scan": the Ratio column against the LIF baseline of each category is that factor.
/// CE-LIF: α = 0.9, θ0 = 0.2 (the input enters scaled by 1 − α), β = 0.2, γ = 0.1, ρ = 0.95, κ = 0.9, θ_min = 0.01, soft reset.
/// Napkin math (float streams per neuron-step; V, A, C and the coefficients of a 1024-neuron tile stay in L1):
/// inference, X in and S out for both; training forward, LIF 3 (X, S, H) against CE-LIF 2 + 3/K (X, S and the V, A, C
/// checkpoints every K = <see cref="CeLif.CheckpointInterval"/> steps); backward, LIF 4 (H, S, ∂S in; ∂I out) against
/// CE-LIF 3 + 3/K (I, ∂S in; ∂I out; the checkpoints), as it recomputes each K-step block in registers.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class CeLifBench
{
    int T, N;
    float[] _x = [], _s = [], _sL = [], _hL = [], _cp = [], _gS = [], _gI = [];
    float[] _v = [], _av = [], _cv = [], _beta = [], _threshold = [], _theta0 = [], _alpha = [], _adapt = [], _gamma = [], _rho = [], _kappa = [];
    float[] _v0 = [], _gB = [], _gT = [], _g1 = [], _g2 = [], _g3 = [], _g4 = [], _g5 = [], _g6 = [], _carryV = [], _carryA = [], _carryC = [];

    /// <summary>T: 100 (N = 128·1024, W2) or 784 (N = 128·256).</summary>
    [Params(100, 784)]
    public int Steps { get; set; }

    CeLifCoefficients Coefficients(CeLifContext context) => new()
    {
        Alpha = _alpha, Theta0 = _theta0, Beta = _adapt, Gamma = _gamma, Rho = _rho, Kappa = _kappa, ThetaMin = 0.01f,
        Reset = LifReset.Soft, Context = context,
    };

    [GlobalSetup]
    public void Setup()
    {
        T = Steps;
        N = Steps == 100 ? 128 * 1024 : 128 * 256;
        float[] Big() => new float[T * N];
        float[] Small() => new float[N];
        (_x, _s, _sL, _hL, _gS, _gI) = (Big(), Big(), Big(), Big(), Big(), Big());
        _cp = new float[CeLif.CheckpointLength(T, N)];
        (_v, _av, _cv, _beta, _threshold, _theta0, _alpha, _adapt) = (Small(), Small(), Small(), Small(), Small(), Small(), Small(), Small());
        (_gamma, _rho, _kappa, _v0, _gB, _gT, _g1, _g2) = (Small(), Small(), Small(), Small(), Small(), Small(), Small(), Small());
        (_g3, _g4, _g5, _g6, _carryV, _carryA, _carryC) = (Small(), Small(), Small(), Small(), Small(), Small(), Small());
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
        CeLif.ScanForward(_x, _x, T, N, Coefficients(CeLifContext.Drive), _v, _av, _cv, _s, default);
    }

    /// <summary>CE-LIF, C3 form (membrane context), inference.</summary>
    [Benchmark, BenchmarkCategory("Forward")]
    public void CeLifForwardMembrane()
    {
        Array.Clear(_v);
        Array.Clear(_av);
        Array.Clear(_cv);
        CeLif.ScanForward(_x, default, T, N, Coefficients(CeLifContext.Membrane), _v, _av, _cv, _s, default);
    }

    /// <summary>LIF fused scan saving H: the training-forward baseline.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("ForwardTraining")]
    public void LifForwardTraining()
    {
        Array.Clear(_v);
        Lif.ScanForward(_x, T, N, _beta, _threshold, LifReset.Soft, _v, _sL, _hL);
    }

    /// <summary>CE-LIF (C3) saving its checkpoints.</summary>
    [Benchmark, BenchmarkCategory("ForwardTraining")]
    public void CeLifForwardTraining()
    {
        Array.Clear(_v);
        Array.Clear(_av);
        Array.Clear(_cv);
        CeLif.ScanForward(_x, default, T, N, Coefficients(CeLifContext.Membrane), _v, _av, _cv, _s, _cp);
    }

    /// <summary>LIF fused BPTT backward: the backward baseline.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("Backward")]
    public void LifBackward() => Lif.ScanBackward(new FastSigmoidSurrogate(25f), _v0, _hL, _sL, _gS, default, T, N, _beta,
        _threshold, LifReset.Soft, false, _gI, _gB, _gT, default);

    /// <summary>CE-LIF (C3) fused BPTT backward from the checkpoints.</summary>
    [Benchmark, BenchmarkCategory("Backward")]
    public void CeLifBackward() => Backward(CeLifContext.Membrane, default, default);

    /// <summary>
    /// CE-LIF, C2 with the drive = the current, fused BPTT backward: gradDrive is the gradInput span, so the kernel writes
    /// the current's whole gradient ∂L/∂I + ∂L/∂X in one stream (as the neuron layer calls it).
    /// </summary>
    [Benchmark, BenchmarkCategory("Backward")]
    public void CeLifBackwardDrive() => Backward(CeLifContext.Drive, _x, _gI);

    void Backward(CeLifContext context, float[]? drive, float[]? gradDrive)
    {
        Array.Clear(_carryV);
        Array.Clear(_carryA);
        Array.Clear(_carryC);
        var grads = new CeLifGradients { Alpha = _g1, Theta0 = _g2, Beta = _g3, Gamma = _g4, Rho = _g5, Kappa = _g6 };
        CeLif.ScanBackward(new FastSigmoidSurrogate(25f), _x, drive, T, N, Coefficients(context), false, _cp, _gS, _gI, gradDrive,
            grads, _carryV, _carryA, _carryC);
    }
}
