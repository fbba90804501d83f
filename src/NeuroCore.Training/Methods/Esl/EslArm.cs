namespace NeuroCore.Training.Methods.Esl;

/// <summary>The arms of the ESL study.</summary>
public enum EslArm
{
    /// <summary>All synapses (density 1).</summary>
    Dense,

    /// <summary>A fixed Erdős–Rényi pattern at the target density (no rewiring).</summary>
    Static,

    /// <summary>Prune and regrow on the <see cref="RewireSchedule"/>.</summary>
    Esl,
}
