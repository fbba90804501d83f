namespace NeuroCore.Training.Methods.Esl;

/// <summary>One rewiring step of an ESL run: the iteration, ζ, and per sparse layer the synapses moved and the nnz after.</summary>
/// <param name="Iteration">The optimizer step after which the network was rewired (1-based).</param>
/// <param name="Zeta">The rewired fraction ζ.</param>
/// <param name="Moved">Per sparse layer: synapses pruned (= grown).</param>
/// <param name="Nnz">Per sparse layer: active synapses after the step (constant).</param>
public sealed record RewireEvent(int Iteration, float Zeta, IReadOnlyList<int> Moved, IReadOnlyList<int> Nnz);
