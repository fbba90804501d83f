using NeuroCore.Autodiff;
using NeuroCore.Nn;

namespace NeuroCore.Snn;

/// <summary>
/// A spiking classifier: <see cref="IModule.Forward"/> takes a batch of static inputs [B, ...], encodes them over
/// <see cref="Steps"/> time steps, runs the spiking layers and returns class logits [B, classes], so the ordinary
/// trainer and evaluation loop drive it unchanged.
/// </summary>
public interface ISpikingModel : IModule
{
    /// <summary>T, the time steps per sample.</summary>
    int Steps { get; }

    /// <summary>Per spiking layer: spike rate and synaptic operations since the last <see cref="ResetStatistics"/>.</summary>
    IReadOnlyList<LayerSpikeStatistics> Statistics { get; }

    /// <summary>Clears the counts behind <see cref="Statistics"/>.</summary>
    void ResetStatistics();

    /// <summary>
    /// The activity regulariser of the last <see cref="IModule.Forward"/> on <paramref name="tape"/> (a scalar to add
    /// to the loss), or null when regularisation is off.
    /// </summary>
    Tensor? RegularizationLoss(Tape tape);

    /// <summary>Runs one sample (shape [...] without the batch axis) and returns every spiking layer's spikes.</summary>
    IReadOnlyList<SpikeRecord> RecordSpikes(ReadOnlySpan<float> sample);
}
