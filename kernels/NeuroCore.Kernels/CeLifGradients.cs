namespace NeuroCore.Kernels;

/// <summary>
/// Destinations of the per-neuron parameter gradients of <see cref="CeLif.ScanBackward{TSurrogate}"/>, each [N] and
/// ADDED to: ∂L/∂α, ∂L/∂θ0, ∂L/∂β, ∂L/∂γ, ∂L/∂ρ, ∂L/∂κ (of the constrained values).
/// </summary>
public readonly ref struct CeLifGradients
{
    /// <summary>∂L/∂α[N], added to.</summary>
    public Span<float> Alpha { get; init; }

    /// <summary>∂L/∂θ0[N], added to.</summary>
    public Span<float> Theta0 { get; init; }

    /// <summary>∂L/∂β[N], added to.</summary>
    public Span<float> Beta { get; init; }

    /// <summary>∂L/∂γ[N], added to.</summary>
    public Span<float> Gamma { get; init; }

    /// <summary>∂L/∂ρ[N], added to.</summary>
    public Span<float> Rho { get; init; }

    /// <summary>∂L/∂κ[N], added to.</summary>
    public Span<float> Kappa { get; init; }
}
