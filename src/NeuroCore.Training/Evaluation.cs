using NeuroCore.Snn;

namespace NeuroCore.Training;

/// <summary>The result of classifying a labelled set.</summary>
/// <param name="Loss">Mean cross-entropy over the set.</param>
/// <param name="Accuracy">Fraction of samples whose arg-max class equals the label.</param>
/// <param name="Correct">Samples classified correctly.</param>
/// <param name="Count">Samples classified.</param>
public readonly record struct Evaluation(double Loss, double Accuracy, int Correct, int Count)
{
    /// <summary>
    /// For a spiking model: per spiking layer, the spike rate and synaptic operations per sample counted over this
    /// set (statistics are reset before it); null for a non-spiking model.
    /// </summary>
    public IReadOnlyList<LayerSpikeStatistics>? SpikeStatistics { get; init; }
}
