using System.Text.Json.Serialization;
using NeuroCore.Training.Methods.CeLif;
using NeuroCore.Training.Methods.Kdsnn;

namespace NeuroCore.Training;

/// <summary>
/// Source-generated JSON metadata for the run reports that share one format (snake_case, indented, named float
/// literals): the training report and the CE-LIF, KDSNN and noise-robustness reports (no reflection; NativeAOT-safe).
/// ESL's report writes enums as strings and keeps its own context.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(TrainingReport))]
[JsonSerializable(typeof(SequenceReport))]
[JsonSerializable(typeof(KdReport))]
[JsonSerializable(typeof(NoiseReport))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
