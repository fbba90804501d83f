namespace NeuroCore.Snn;

/// <summary>Where a rewiring step adds synapses back (see <see cref="Rewiring"/>).</summary>
public enum GrowRule
{
    /// <summary>Uniformly among inactive positions (SET).</summary>
    Random,

    /// <summary>The inactive positions of largest |∂L/∂W| of the dense gradient (RigL-style).</summary>
    Gradient,
}
