namespace NeuroCore.Training;

/// <summary>What the trainer is doing when it reports a <see cref="TrainingProgress"/>.</summary>
public enum TrainingPhase
{
    /// <summary>A training step finished.</summary>
    Train,

    /// <summary>An evaluation batch on the test set finished.</summary>
    Evaluate,

    /// <summary>An epoch finished: its training and test metrics are final and its checkpoint is written.</summary>
    EpochEnd,
}
