namespace NeuroCore.Training.Methods.Esl;

/// <summary>One synaptic layer's size and density at the end of a run.</summary>
/// <param name="Layer">The layer name.</param>
/// <param name="Positions">Possible connections (the dense weight's size).</param>
/// <param name="Nnz">Active connections.</param>
/// <param name="Density">Nnz / Positions.</param>
public sealed record EslLayerDensity(string Layer, long Positions, long Nnz, double Density);
