namespace NeuroCore.Snn;

/// <summary>
/// Activity of one spiking layer, counted from the events actually processed since the last
/// <see cref="ISpikingModel.ResetStatistics"/>.
/// </summary>
/// <param name="Layer">The layer's name.</param>
/// <param name="Neurons">Neurons per sample in the layer.</param>
/// <param name="SpikeRate">Spikes per neuron per time step, averaged over the samples seen.</param>
/// <param name="SynOpsPerSample">
/// Synaptic operations per sample: for each presynaptic spike this layer received, the number of synapses it
/// drives (a multiply-free accumulate each), summed over all T steps.
/// </param>
/// <param name="Samples">The samples counted.</param>
public sealed record LayerSpikeStatistics(string Layer, int Neurons, double SpikeRate, double SynOpsPerSample, long Samples);
