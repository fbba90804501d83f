namespace NeuroCore.Kernels;

/// <summary>How a LIF neuron's membrane is reset after a spike (see <see cref="Lif"/>).</summary>
public enum LifReset
{
    /// <summary>Soft reset (reset by subtraction): <c>V = H − S·θ</c>.</summary>
    Soft = 0,

    /// <summary>Hard reset to zero: <c>V = H·(1 − S)</c>.</summary>
    Hard = 1,
}
