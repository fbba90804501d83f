namespace NeuroCore.Snn;

/// <summary>How a spiking layer multiplies its input by its weights.</summary>
public enum SynapsePath
{
    /// <summary>
    /// Measure the input each forward: 0/1 spikes whose density is below
    /// <see cref="NeuroCore.Kernels.SpikeSynapse.DensityThreshold"/> take the event path, anything else the GEMM.
    /// </summary>
    Auto,

    /// <summary>Always the dense GEMM (<see cref="Ops.Linear"/>).</summary>
    Dense,

    /// <summary>Always the event path (the input must be 0/1).</summary>
    Events,
}
