using System.Text.Json.Serialization;
using NeuroCore.Snn;

namespace NeuroCore.Training;

/// <summary>The metrics of one finished epoch.</summary>
/// <param name="Epoch">The 1-based epoch.</param>
/// <param name="TrainLoss">Mean cross-entropy over the epoch's training batches (with the weights as they were per step).</param>
/// <param name="TrainAccuracy">Fraction of training samples classified correctly during the epoch.</param>
/// <param name="TestLoss">Mean cross-entropy on the test set after the epoch (model in evaluation mode).</param>
/// <param name="TestAccuracy">Fraction of test samples classified correctly after the epoch.</param>
/// <param name="LearningRate">The learning rate at the start of the epoch (a schedule may lower it per step).</param>
/// <param name="Seconds">Wall-clock seconds for the epoch's training steps (evaluation and checkpoint excluded).</param>
/// <param name="EvalSeconds">Wall-clock seconds for the test-set evaluation.</param>
public sealed record EpochMetrics(
    int Epoch,
    double TrainLoss,
    double TrainAccuracy,
    double TestLoss,
    double TestAccuracy,
    double LearningRate,
    double Seconds,
    double EvalSeconds)
{
    /// <summary>
    /// For a spiking model: per spiking layer, the spike rate and synaptic operations per sample measured on this
    /// epoch's test-set evaluation; null for a non-spiking model (and then left out of the JSON).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<LayerSpikeStatistics>? SpikeStatistics { get; init; }

    /// <summary>
    /// With gradient clipping on (<see cref="TrainerOptions.ClipGradNorm"/>): the steps of this epoch whose gradient
    /// norm exceeded the limit and was scaled down, and the largest norm seen (before clipping); null without clipping.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ClippedSteps { get; init; }

    /// <summary>With gradient clipping on: the largest global gradient norm of the epoch (before clipping); else null.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? MaxGradNorm { get; init; }
}
