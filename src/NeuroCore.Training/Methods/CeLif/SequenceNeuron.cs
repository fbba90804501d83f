namespace NeuroCore.Training.Methods.CeLif;

/// <summary>The hidden neuron of a <see cref="SequenceClassifier"/>.</summary>
public enum SequenceNeuron
{
    /// <summary>Leaky integrate-and-fire (<c>LifNeuron</c>), learnable β and θ per neuron.</summary>
    Lif,

    /// <summary>LIF with a spike-triggered adaptive threshold (<c>AlifNeuron</c>), learnable β and θ0 per neuron.</summary>
    Alif,

    /// <summary>Contextual-embedding LIF (arXiv 2308.15150, our reading; <c>CeLifNeuron</c>).</summary>
    CeLif,
}

/// <summary>The contextual-embedding form c_t of a CE-LIF threshold θ_t = θ0 + β·a_t + γ·c_t (methods-1 §3.2).</summary>
public enum ContextEmbedding
{
    /// <summary>C1: a learnable time-indexed table e_t ∈ R^N.</summary>
    C1,

    /// <summary>C2: an input-driven slow trace c_t = κ·c_{t−1} + (1 − κ)·W_c·x_t.</summary>
    C2,

    /// <summary>C3: a slow trace of the neuron's own spikes with κ close to 1.</summary>
    C3,
}
