using System.Text.Json.Serialization;

namespace NeuroCore.Training;

/// <summary>Source-generated JSON metadata for the training report (no reflection; NativeAOT-safe).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(TrainingReport))]
internal sealed partial class TrainingJsonContext : JsonSerializerContext;
