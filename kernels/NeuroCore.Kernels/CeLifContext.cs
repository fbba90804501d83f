namespace NeuroCore.Kernels;

/// <summary>What drives a CE-LIF neuron's context trace C (see <see cref="CeLif"/>).</summary>
public enum CeLifContext
{
    /// <summary>
    /// An external drive X[T,N]: <c>C_t = κ·C_{t−1} + (1 − κ)·X_t</c>. With κ = 0 the context is X_t itself (a
    /// time-indexed embedding table, form C1); with X = W_c·x and κ ≥ 0 it is the input-driven form C2.
    /// </summary>
    Drive = 0,

    /// <summary>
    /// The neuron's own membrane: <c>C_t = κ·C_{t−1} + (1 − κ)·V_{t−1}</c> (form C3, a slow self-trace for κ near 1).
    /// </summary>
    Membrane = 1,
}
