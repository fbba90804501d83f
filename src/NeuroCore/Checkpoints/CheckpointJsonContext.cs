using System.Text.Json.Serialization;

namespace NeuroCore.Checkpoints;

/// <summary>Source-generated System.Text.Json metadata for the model description: no reflection, AOT-safe.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    MaxDepth = 16)]
[JsonSerializable(typeof(ModelDescription))]
internal sealed partial class CheckpointJsonContext : JsonSerializerContext;
