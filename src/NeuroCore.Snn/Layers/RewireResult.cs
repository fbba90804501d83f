namespace NeuroCore.Snn;

/// <summary>What one rewiring step of a sparse synapse did.</summary>
/// <param name="Pruned">Synapses removed.</param>
/// <param name="Grown">Synapses added (always equal to <paramref name="Pruned"/>: nnz is constant).</param>
/// <param name="Nnz">Active synapses after the step.</param>
/// <param name="SlotSource">
/// Per entry of the synapse's trainable values after the step: the entry it held before (so optimizer state can
/// follow it), or −1 for an entry whose optimizer state must restart from zero (a grown or pruned synapse).
/// </param>
public sealed record RewireResult(int Pruned, int Grown, int Nnz, int[] SlotSource);
