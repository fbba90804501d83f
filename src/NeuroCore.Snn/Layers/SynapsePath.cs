namespace NeuroCore.Snn;

/// <summary>How a spiking layer multiplies its input by its weights.</summary>
public enum SynapsePath
{
    /// <summary>
    /// Measure the input each forward: 0/1 spikes whose density is below
    /// <see cref="NeuroCore.Kernels.SpikeSynapse.DensityThreshold"/> take the event path; in
    /// <see cref="SpikingLinear"/>, denser 0/1 spikes take the table path when the layer is wide enough (see
    /// <see cref="SpikingLinear.TablesMinOutFeatures"/>); anything else the GEMM.
    /// </summary>
    Auto,

    /// <summary>Always the dense GEMM (<see cref="Ops.Linear"/>).</summary>
    Dense,

    /// <summary>Always the event path (the input must be 0/1).</summary>
    Events,

    /// <summary>
    /// Always the subset-sum table product (<see cref="SpikeLinear.ForwardTables"/>; the input must be 0/1). Layers
    /// without a table product (<see cref="CsrSynapse"/>) choose as for <see cref="Auto"/>.
    /// </summary>
    Tables,
}
