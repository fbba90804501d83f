using System.Text.Json;
using System.Text.Json.Serialization;

namespace NeuroCore.Training.Methods.Kdsnn;

/// <summary>
/// The JSON report of <c>neurocore train kd</c>: the distillation settings (mode, τ, α, β, the feature layers, their
/// shapes and the regressor), the teacher and its test accuracy, the student's readout, and the shared
/// <see cref="TrainingReport"/> under <see cref="Training"/>.
/// </summary>
public sealed class KdReport
{
    /// <summary>none, response, feature or both.</summary>
    public required string Mode { get; init; }

    /// <summary>τ of the response term, else null.</summary>
    public float? Temperature { get; init; }

    /// <summary>α of the response term, else null.</summary>
    public float? Alpha { get; init; }

    /// <summary>β of the feature term in force, else null.</summary>
    public float? Beta { get; init; }

    /// <summary>True when β was set at the first step so that β·L_feat equalled the cross-entropy.</summary>
    public bool BetaFromFirstStep { get; init; }

    /// <summary>The teacher's description.</summary>
    public required string Teacher { get; init; }

    /// <summary>The teacher's accuracy on the same test set.</summary>
    public required double TeacherTestAccuracy { get; init; }

    /// <summary>The teacher layer of the feature term, else null.</summary>
    public string? TeacherLayer { get; init; }

    /// <summary>Its feature shape per sample, else null.</summary>
    public IReadOnlyList<int>? TeacherFeatureShape { get; init; }

    /// <summary>The student layer of the feature term, else null.</summary>
    public string? StudentLayer { get; init; }

    /// <summary>Its rate-map shape per sample, else null.</summary>
    public IReadOnlyList<int>? StudentFeatureShape { get; init; }

    /// <summary>conv1x1 or linear, else null.</summary>
    public string? Regressor { get; init; }

    /// <summary>The regressor's parameters (not part of the student), else null.</summary>
    public int? RegressorParameters { get; init; }

    /// <summary>How the student's logits z_S are read out.</summary>
    public required string StudentReadout { get; init; }

    /// <summary>T, the student's time steps.</summary>
    public required int Steps { get; init; }

    /// <summary>The student's final test accuracy.</summary>
    public required double TestAccuracy { get; init; }

    /// <summary>The shared training report (losses, timings, spike statistics, options).</summary>
    public required TrainingReport Training { get; init; }

    /// <summary>The report as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ReportJsonContext.Default.KdReport);

    /// <summary>Parses a report written by <see cref="ToJson"/>; throws <see cref="JsonException"/> when malformed.</summary>
    public static KdReport FromJson(string json) =>
        JsonSerializer.Deserialize(json, ReportJsonContext.Default.KdReport)
        ?? throw new JsonException("The report JSON is 'null', expected an object.");

    /// <summary>Writes the report to <paramref name="path"/> (temp file then rename).</summary>
    public void Save(string path) => ReportFile.Write(path, ToJson());
}
