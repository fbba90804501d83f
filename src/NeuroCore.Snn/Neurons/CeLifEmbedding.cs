namespace NeuroCore.Snn;

/// <summary>
/// The form of the contextual embedding c_t that enters a CE-LIF neuron's threshold (methods-1 §3.2; which one the
/// paper uses is not known, so all three are selectable). See <see cref="CeLifParams"/>.
/// </summary>
public enum CeLifEmbedding
{
    /// <summary>
    /// C1: a learnable time-indexed table e_t (one value per step and group, <c>{name}.embedding</c> [MaxSteps, Groups]);
    /// c_t = e_t. A sequence longer than the table is an error.
    /// </summary>
    C1 = 0,

    /// <summary>
    /// C2: an input-driven slow trace c_t = κ·c_{t−1} + (1 − κ)·X_t of a drive X: by default the layer's own synaptic
    /// current (X = I, so W_c = W: our reading), or a separate drive tensor (e.g. W_c·x_t from its own linear map).
    /// κ is learnable.
    /// </summary>
    C2 = 1,

    /// <summary>C3: a slow trace of the neuron's own membrane, c_t = κ·c_{t−1} + (1 − κ)·V_{t−1}; κ is learnable.</summary>
    C3 = 2,
}
