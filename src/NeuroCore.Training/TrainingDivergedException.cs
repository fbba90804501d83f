namespace NeuroCore.Training;

/// <summary>
/// Thrown when a loss (or, before a checkpoint is written, a parameter) is NaN or infinite. Training stops at
/// once; the checkpoints already on disk are left as they were, so <c>--resume</c> restarts from the last good one.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception with a message naming where training diverged.</summary>
    public TrainingDivergedException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public TrainingDivergedException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with a default message.</summary>
    public TrainingDivergedException() : base("Training diverged: a loss was NaN or infinite.") { }

    /// <summary>The 1-based epoch in which training diverged.</summary>
    public int Epoch { get; init; }

    /// <summary>The 1-based step within <see cref="Epoch"/> (0 when the check ran after the epoch's steps).</summary>
    public int Step { get; init; }

    /// <summary>The offending value.</summary>
    public float Value { get; init; }
}
