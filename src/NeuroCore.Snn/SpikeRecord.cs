namespace NeuroCore.Snn;

/// <summary>The spikes of one layer for one sample over all steps, for raster plots and analysis.</summary>
/// <param name="Layer">The layer's name.</param>
/// <param name="Steps">T.</param>
/// <param name="Neurons">Neurons in the layer (per sample).</param>
/// <param name="Spikes">S[T, Neurons], 0 or 1.</param>
public sealed record SpikeRecord(string Layer, int Steps, int Neurons, float[] Spikes);
