namespace NeuroCore.Cli;

/// <summary>The parsed options of <c>neurocore train ann</c>.</summary>
internal sealed record TrainAnnSettings : TrainSettings
{
    /// <summary>mlp or cnn.</summary>
    public string Model { get; init; } = "mlp";

    /// <summary>Constant for the MLP, cosine annealing for the CNN.</summary>
    protected override string DefaultSchedule => Model == "cnn" ? "cosine" : "constant";
}
