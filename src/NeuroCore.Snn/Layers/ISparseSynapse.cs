namespace NeuroCore.Snn;

/// <summary>
/// A synapse with a fixed budget of active connections that a structure-learning method can rewire: a dense weight
/// with a mask (<see cref="MaskedWeight"/>) or a compressed sparse pattern.
/// </summary>
public interface ISparseSynapse
{
    /// <summary>The layer name (for reports and messages).</summary>
    string Name { get; }

    /// <summary>The trainable values the optimizer updates (a store parameter); <see cref="RewireResult.SlotSource"/> indexes it.</summary>
    Tensor Values { get; }

    /// <summary>Active connections.</summary>
    int Nnz { get; }

    /// <summary>Possible connections (the dense size: out × in, × kernel for a convolution).</summary>
    long Positions { get; }

    /// <summary>Nnz / Positions.</summary>
    double Density { get; }

    /// <summary>Zeroes the gradient at inactive positions (call after backward, before the optimizer step).</summary>
    void MaskGradient();

    /// <summary>Zeroes the weights at inactive positions (call after the optimizer step).</summary>
    void ApplyMask();

    /// <summary>
    /// Writes the dense ∂L/∂W of the last backward (length <see cref="Positions"/>, row-major like the dense weight)
    /// into <paramref name="destination"/>; call after backward and before <see cref="MaskGradient"/>.
    /// </summary>
    void DenseGradient(Span<float> destination);

    /// <summary>
    /// Prunes round(ζ·nnz) weak connections by <paramref name="prune"/> and grows as many by <paramref name="grow"/>
    /// among positions that were inactive before the step (never a just-pruned one); grown weights start at 0.
    /// </summary>
    /// <param name="zeta">The rewired fraction ζ ∈ [0, 1].</param>
    /// <param name="prune">The pruning rule.</param>
    /// <param name="grow">The growth rule.</param>
    /// <param name="seed">Seed of the random growth.</param>
    /// <param name="stream">Philox stream of this step (e.g. the step index).</param>
    /// <param name="denseGradient">The dense gradient for <see cref="GrowRule.Gradient"/> (length <see cref="Positions"/>), else empty.</param>
    RewireResult Rewire(float zeta, PruneRule prune, GrowRule grow, ulong seed, ulong stream, ReadOnlySpan<float> denseGradient);
}
