namespace NeuroCore.Training;

/// <summary>How <see cref="Trainer"/> runs: epochs, batching, seeding, threads and where checkpoints go.</summary>
public sealed class TrainerOptions
{
    /// <summary>The number of epochs to train (the total, counting epochs done before a resume). Default 10.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Samples per training batch. Default 128.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Samples per evaluation batch (no gradients are kept, so it may be larger). Default 256.</summary>
    public int EvalBatchSize { get; init; } = 256;

    /// <summary>
    /// The seed of the per-epoch shuffle and of every stochastic layer; with the same seed (and model
    /// initialisation) a run is bitwise reproducible for any <see cref="Threads"/>.
    /// </summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Worker threads for the kernels (the tape's <c>Threads</c>). Results do not depend on it.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>
    /// Where a checkpoint is written after every epoch, or null to write none. The directory is created when
    /// missing.
    /// </summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>
    /// Continue from the latest checkpoint in <see cref="CheckpointDirectory"/> (weights, optimizer state, epoch
    /// and RNG position) instead of starting afresh. With no checkpoint there, training starts from epoch 1.
    /// </summary>
    public bool Resume { get; init; }

    /// <summary>
    /// Clip the gradient by its global norm before every optimizer step: when ‖g‖₂ over all parameters exceeds this
    /// value, every gradient is scaled by <c>ClipGradNorm / (‖g‖₂ + 1e-6)</c> (PyTorch's <c>clip_grad_norm_</c>). Null
    /// (the default) leaves gradients as they are. With clipping on, a NaN or infinite gradient stops training at
    /// that step with a <see cref="TrainingDivergedException"/> naming the parameter.
    /// </summary>
    public double? ClipGradNorm { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option that is out of range.</summary>
    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentException($"Epochs must be at least 1 (got {Epochs}).", nameof(Epochs));
        if (BatchSize < 1) throw new ArgumentException($"BatchSize must be at least 1 (got {BatchSize}).", nameof(BatchSize));
        if (EvalBatchSize < 1)
            throw new ArgumentException($"EvalBatchSize must be at least 1 (got {EvalBatchSize}).", nameof(EvalBatchSize));
        if (Threads < 1) throw new ArgumentException($"Threads must be at least 1 (got {Threads}).", nameof(Threads));
        if (ClipGradNorm is { } clip && !(clip > 0 && double.IsFinite(clip)))
            throw new ArgumentException($"ClipGradNorm must be a positive finite number or null for no clipping (got {clip}).", nameof(ClipGradNorm));
        if (Resume && CheckpointDirectory is null)
            throw new ArgumentException("Resume needs a CheckpointDirectory to resume from.", nameof(Resume));
    }
}
