namespace NeuroCore.Snn;

/// <summary>How a spiking layer multiplies its input by its weights.</summary>
public enum SynapsePath
{
    /// <summary>
    /// Measure the input each forward: 0/1 spikes whose density is below
    /// <see cref="NeuroCore.Kernels.SpikeSynapse.DensityThreshold"/> take the event path; in
    /// <see cref="SpikingLinear"/>, denser 0/1 spikes take <see cref="TableGradient"/> when the layer has at least
    /// <see cref="SpikingLinear.TablesMinOutFeatures"/> outputs; anything else the GEMM.
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

    /// <summary>
    /// The forward by the dense GEMM (bitwise the <see cref="Dense"/> path's current, so the spikes do not change) and
    /// the weight gradient by the subset-sum table product on the saved bits (the input must be 0/1). What
    /// <see cref="Auto"/> picks for dense 0/1 input into a wide <see cref="SpikingLinear"/>: <see cref="Tables"/> is
    /// faster still, but its forward sums in another order, which moves a spike sitting within rounding of θ.
    /// </summary>
    TableGradient,
}
