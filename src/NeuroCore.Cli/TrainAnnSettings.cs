namespace NeuroCore.Cli;

/// <summary>The parsed options of <c>neurocore train ann</c>; null means "the model's default".</summary>
internal sealed record TrainAnnSettings
{
    public string Model { get; init; } = "mlp";
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

    /// <summary>Epochs when not given: 10 (the budget for both models).</summary>
    public int EffectiveEpochs => Epochs ?? 10;

    /// <summary>Batch size when not given: 128, as a PyTorch Fashion-MNIST recipe would use.</summary>
    public int EffectiveBatchSize => BatchSize ?? 128;

    /// <summary>Learning rate when not given: Adam/AdamW 1e-3 (PyTorch's default), SGD 0.05 with momentum 0.9.</summary>
    public double EffectiveLearningRate => LearningRate ?? (Optimizer == "sgd" ? 0.05 : 1e-3);

    /// <summary>Schedule when not given: constant for the MLP, cosine annealing for the CNN.</summary>
    public string EffectiveSchedule => Schedule ?? (Model == "cnn" ? "cosine" : "constant");
}
