using NeuroCore.Training.Methods.Kdsnn;

namespace NeuroCore.Cli;

/// <summary>The parsed options of <c>neurocore train kd</c>.</summary>
internal sealed record TrainKdSettings : TrainSettings
{
    /// <summary>The <c>--kd</c> names, in <see cref="KdMode"/> order.</summary>
    public static readonly string[] ModeNames = ["none", "response", "feature", "both"];

    /// <summary>The teacher's directory (from <c>train ann --out</c>).</summary>
    public string Teacher { get; init; } = "";

    /// <summary>mlp or conv.</summary>
    public string Student { get; init; } = "conv";

    public int? Steps { get; init; }
    public string Mode { get; init; } = "both";
    public float Temperature { get; init; } = 4f;
    public float Alpha { get; init; } = 0.9f;
    public float? FeatureBeta { get; init; }
    public string? FeatureLayer { get; init; }
    public string? StudentLayer { get; init; }

    /// <summary>Cosine annealing, as <c>train snn</c>.</summary>
    protected override string DefaultSchedule => "cosine";

    /// <summary>The distillation options in effect.</summary>
    public KdOptions KdOptions => new()
    {
        Mode = (KdMode)Array.IndexOf(ModeNames, Mode),
        Temperature = Temperature,
        Alpha = Alpha,
        Beta = FeatureBeta,
        TeacherLayer = FeatureLayer,
        StudentLayer = StudentLayer,
    };
}
