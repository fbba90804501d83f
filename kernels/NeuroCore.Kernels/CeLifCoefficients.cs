namespace NeuroCore.Kernels;

/// <summary>
/// The per-neuron coefficients of a <see cref="CeLif"/> scan, each [N] (N = batch × neurons), plus the threshold floor,
/// the reset mode and the context source. The decays α, ρ, κ are the constrained values in (0, 1) (the neuron layer
/// maps its unconstrained learnables through a sigmoid); the kernels do not check their ranges.
/// </summary>
public readonly ref struct CeLifCoefficients
{
    /// <summary>Membrane decay α[N]: <c>H_t = α·V_{t−1} + (1 − α)·I_t</c>.</summary>
    public ReadOnlySpan<float> Alpha { get; init; }

    /// <summary>Baseline threshold θ0[N].</summary>
    public ReadOnlySpan<float> Theta0 { get; init; }

    /// <summary>Adaptation strength β[N] (threshold increase per unit of the spike trace A).</summary>
    public ReadOnlySpan<float> Beta { get; init; }

    /// <summary>Context strength γ[N] (threshold change per unit of the context C).</summary>
    public ReadOnlySpan<float> Gamma { get; init; }

    /// <summary>Spike-trace decay ρ[N]: <c>A_t = ρ·A_{t−1} + (1 − ρ)·S_t</c>.</summary>
    public ReadOnlySpan<float> Rho { get; init; }

    /// <summary>Context-trace decay κ[N]: <c>C_t = κ·C_{t−1} + (1 − κ)·Z_t</c>.</summary>
    public ReadOnlySpan<float> Kappa { get; init; }

    /// <summary>
    /// The threshold floor θ_min (finite): the threshold in force is <c>max(θ̃_t, θ_min)</c>, so it stays positive when
    /// θ_min &gt; 0; below the floor no gradient reaches θ0, β, γ, A or C.
    /// </summary>
    public float ThetaMin { get; init; }

    /// <summary>Soft reset (subtract the threshold in force when the spike fired) or hard reset (to zero).</summary>
    public LifReset Reset { get; init; }

    /// <summary>What drives the context trace.</summary>
    public CeLifContext Context { get; init; }
}
