using NeuroCore.Training;

namespace NeuroCore.Cli;

/// <summary>
/// The options every <c>neurocore train ...</c> command shares (data, epochs, batching, optimizer, schedule, seed,
/// threads, output, report, resume, limits); null means "the model's default", which each command's settings define.
/// </summary>
internal abstract record TrainSettings
{
    public string Data { get; init; } = "auto";
    public string? DataDir { get; init; }
    public int? Epochs { get; init; }
    public int? BatchSize { get; init; }
    public double? LearningRate { get; init; }
    public string Optimizer { get; init; } = "adam";
    public string? Schedule { get; init; }
    public ulong Seed { get; init; } = 1;
    public int Threads { get; init; } = Environment.ProcessorCount;
    public string? OutputDirectory { get; init; }
    public string? ReportPath { get; init; }
    public bool Resume { get; init; }
    public int? LimitTrain { get; init; }
    public int? LimitTest { get; init; }
    public double? ClipGradNorm { get; init; }

    /// <summary>Epochs when not given: 10 (the issues' budget for every model).</summary>
    public int EffectiveEpochs => Epochs ?? 10;

    /// <summary>Batch size when not given: 128, as a PyTorch Fashion-MNIST recipe would use.</summary>
    public int EffectiveBatchSize => BatchSize ?? 128;

    /// <summary>Learning rate when not given: Adam/AdamW 1e-3 (PyTorch's default), SGD 0.05 with momentum 0.9.</summary>
    public double EffectiveLearningRate => LearningRate ?? TrainingRecipe.DefaultLearningRate(Optimizer);

    /// <summary>Schedule when not given: the model's default.</summary>
    public string EffectiveSchedule => Schedule ?? DefaultSchedule;

    /// <summary>The model's schedule: constant unless a derived command says otherwise.</summary>
    protected virtual string DefaultSchedule => "constant";

    /// <summary>The optimizer, learning rate and schedule in effect.</summary>
    public TrainingRecipe Recipe => new()
    {
        Optimizer = Optimizer,
        LearningRate = EffectiveLearningRate,
        Schedule = EffectiveSchedule,
    };

    /// <summary>The trainer options in effect.</summary>
    public TrainerOptions TrainerOptions => new()
    {
        Epochs = EffectiveEpochs,
        BatchSize = EffectiveBatchSize,
        Seed = Seed,
        Threads = Threads,
        CheckpointDirectory = OutputDirectory,
        Resume = Resume,
        ClipGradNorm = ClipGradNorm,
    };
}
