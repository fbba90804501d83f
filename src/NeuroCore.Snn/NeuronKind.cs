namespace NeuroCore.Snn;

/// <summary>The spiking neuron model of a layer.</summary>
public enum NeuronKind
{
    /// <summary>Leaky integrate-and-fire.</summary>
    Lif,

    /// <summary>LIF with a spike-triggered adaptive threshold.</summary>
    Alif,
}
