namespace NeuroCore.Training;

/// <summary>What <see cref="Trainer.Fit"/> did: the epochs it ran and their metrics.</summary>
/// <param name="History">Metrics of each epoch run by this call, in order.</param>
/// <param name="ResumedFromEpoch">The epoch the run continued after (0 when it started afresh).</param>
/// <param name="Seconds">Wall-clock seconds of the whole call (training, evaluation, checkpoints).</param>
public sealed record TrainingResult(IReadOnlyList<EpochMetrics> History, int ResumedFromEpoch, double Seconds)
{
    /// <summary>The metrics of the last epoch run, or null when the run had nothing left to do.</summary>
    public EpochMetrics? Last => History.Count == 0 ? null : History[^1];

    /// <summary>Mean seconds of the training steps of one epoch, over the epochs this call ran.</summary>
    public double SecondsPerEpoch => History.Count == 0 ? 0 : History.Average(m => m.Seconds);
}
