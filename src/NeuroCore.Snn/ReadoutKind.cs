namespace NeuroCore.Snn;

/// <summary>How the last layer's activity over T steps becomes class logits.</summary>
public enum ReadoutKind
{
    /// <summary>A non-spiking leaky integrator; the logits are its membrane averaged over time.</summary>
    MeanMembrane,

    /// <summary>A non-spiking leaky integrator; the logits are its maximum membrane over time.</summary>
    MaxMembrane,

    /// <summary>Spiking output neurons; the logits are their spike counts.</summary>
    SpikeCount,
}
