using NeuroCore.Kernels;

namespace NeuroCore.Snn;

/// <summary>
/// The neuron parameters of one adaptive LIF layer (ALIF, spike-triggered adaptive threshold): β and the baseline
/// threshold θ0 (<see cref="NeuronParams.Threshold"/>) as for LIF, plus the trace decay <see cref="Rho"/> and the
/// adaptation strength <see cref="Kappa"/>, each [Groups] and repeated over Inner features like β.
/// <code>
/// H_t = β·V_{t−1} + I_t,  θ_t = θ0 + κ·A_{t−1},  S_t = [H_t ≥ θ_t],
/// V_t = H_t − S_t·θ_t (soft) | H_t·(1 − S_t) (hard),  A_t = ρ·A_{t−1} + (1 − ρ)·S_t
/// </code>
/// </summary>
/// <remarks>
/// ρ and κ are fixed constants (validated here, not store parameters, so never trained and not in checkpoints), as in
/// the LSNN of Bellec et al., where the adaptation time constant is a hyperparameter; β and θ0 may be learnable as for
/// LIF. The scan's backward still computes ∂L/∂ρ and ∂L/∂κ: call <see cref="Tensor.RequireGrad"/> on
/// <see cref="Rho"/> or <see cref="Kappa"/> to read them (sensitivity analysis, gradient checks).
/// </remarks>
public sealed class AlifParams : NeuronParams
{
    AlifParams(ParameterStore store, string name, int groups, int inner, float beta, float threshold, float rho,
        float kappa, bool learnBeta, bool learnThreshold, LifReset reset, bool detachReset, SurrogateSpec surrogate, DecayBound decayBound)
        : base("ALIF", store, name, groups, inner, beta, threshold, learnBeta, learnThreshold, reset, detachReset, surrogate, decayBound)
    {
        if (!(rho >= 0 && rho <= 1))
            throw new ArgumentException($"{Label}: rho = {rho} must be in [0, 1] (the adaptation trace's decay per step; 0 forgets at once).", nameof(rho));
        if (!(kappa >= 0 && float.IsFinite(kappa)))
            throw new ArgumentException($"{Label}: kappa = {kappa} must be finite and ≥ 0 (threshold increase per unit of trace; 0 is plain LIF).", nameof(kappa));
        Rho = Values(store, false, "rho", rho);
        Kappa = Values(store, false, "kappa", kappa);
    }

    /// <summary>Trace decay ρ per group, in [0, 1] (constant).</summary>
    public Tensor Rho { get; }

    /// <summary>Adaptation strength κ per group, ≥ 0 (constant).</summary>
    public Tensor Kappa { get; }

    /// <summary>
    /// Creates the parameters of ALIF layer <paramref name="name"/>: a learnable β or θ0 is added to
    /// <paramref name="store"/> as <c>{name}.beta</c> / <c>{name}.threshold</c> (shape [groups]); ρ and κ are constants.
    /// </summary>
    /// <param name="store">Where learnable parameters go.</param>
    /// <param name="name">The layer name.</param>
    /// <param name="groups">Distinct parameter values (≥ 1).</param>
    /// <param name="inner">Features per group (≥ 1).</param>
    /// <param name="beta">Initial decay, in (0, 1].</param>
    /// <param name="threshold">Initial baseline threshold θ0, finite and &gt; 0.</param>
    /// <param name="rho">Trace decay ρ, in [0, 1] (e.g. exp(−1/τ_a) for an adaptation time constant τ_a in steps).</param>
    /// <param name="kappa">Adaptation strength κ, finite and ≥ 0.</param>
    /// <param name="learnBeta">Train β.</param>
    /// <param name="learnThreshold">Train θ0.</param>
    /// <param name="reset">Soft (subtract θ_t) or hard reset.</param>
    /// <param name="detachReset">Do not differentiate the reset through the spike (the trace still is).</param>
    /// <param name="surrogate">The surrogate gradient.</param>
    /// <param name="decayBound">How a learnable β is kept in range: <see cref="DecayBound.None"/> (the default, β itself is
    /// the parameter) or <see cref="DecayBound.Sigmoid"/> (β = σ of the learnable <c>{name}.beta_logit</c>).</param>
    /// <exception cref="ArgumentException">A value is out of range or NaN; the message names the layer.</exception>
    public static AlifParams Create(ParameterStore store, string name, int groups, int inner, float beta, float threshold,
        float rho, float kappa, bool learnBeta, bool learnThreshold, LifReset reset, bool detachReset, SurrogateSpec surrogate,
        DecayBound decayBound = DecayBound.None) =>
        new(store, name, groups, inner, beta, threshold, rho, kappa, learnBeta, learnThreshold, reset, detachReset, surrogate, decayBound);
}
