namespace NeuroCore.Snn;

/// <summary>
/// Initial values and fixed settings of a CE-LIF layer (<see cref="CeLifParams.Create"/>). The decays are given as the
/// constrained values in (0, 1); the layer stores their logits and maps them back through a sigmoid.
/// </summary>
public sealed record CeLifOptions
{
    /// <summary>Which contextual embedding (default C1, the time-indexed table).</summary>
    public CeLifEmbedding Embedding { get; init; } = CeLifEmbedding.C1;

    /// <summary>C1 only: the table length T_max, the longest sequence the layer accepts (≥ 1 for C1; ignored otherwise).</summary>
    public int MaxSteps { get; init; }

    /// <summary>Initial membrane decay α, in (0, 1) (default 0.9).</summary>
    public float Alpha { get; init; } = 0.9f;

    /// <summary>Initial baseline threshold θ0, finite and &gt; 0 (default 1).</summary>
    public float Threshold { get; init; } = 1f;

    /// <summary>Initial adaptation strength β (threshold increase per unit of spike trace), finite and ≥ 0 (default 0.5).</summary>
    public float Beta { get; init; } = 0.5f;

    /// <summary>Initial context strength γ, finite (default 1; with 0 no gradient reaches a zero C1 table).</summary>
    public float Gamma { get; init; } = 1f;

    /// <summary>Initial spike-trace decay ρ, in (0, 1) (default 0.95).</summary>
    public float Rho { get; init; } = 0.95f;

    /// <summary>C2/C3: initial context-trace decay κ, in (0, 1) (default 0.95; near 1 for a slow trace). C1 uses κ = 0.</summary>
    public float Kappa { get; init; } = 0.95f;

    /// <summary>The threshold floor θ_min, finite and in (0, θ0] (default 0.01): θ_t = max(θ0 + β·A + γ·c, θ_min).</summary>
    public float ThetaMin { get; init; } = 0.01f;

    /// <summary>Soft reset (by the threshold in force when the spike fired; default) or hard reset.</summary>
    public Kernels.LifReset Reset { get; init; } = Kernels.LifReset.Soft;

    /// <summary>Do not differentiate the reset through the spike (the trace still is).</summary>
    public bool DetachReset { get; init; }

    /// <summary>The surrogate gradient (default: the library default).</summary>
    public SurrogateSpec Surrogate { get; init; } = SurrogateSpec.Default(SurrogateKind.FastSigmoid);
}
