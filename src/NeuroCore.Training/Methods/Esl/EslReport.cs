using System.Text.Json;
using System.Text.Json.Serialization;

namespace NeuroCore.Training.Methods.Esl;

/// <summary>
/// The JSON report of <c>neurocore train esl</c>: the arm, the data, accuracy per epoch, the per-layer and global
/// density, every rewiring step (nnz per layer), step time and peak memory.
/// </summary>
public sealed class EslReport
{
    /// <summary>dense, static, or esl.</summary>
    public required string Arm { get; init; }

    /// <summary>The data set (fashion-mnist, dvs-fmnist, ...).</summary>
    public required string Dataset { get; init; }

    /// <summary>esl-mlp or esl-conv.</summary>
    public required string Model { get; init; }

    /// <summary>The target density d.</summary>
    public required double TargetDensity { get; init; }

    /// <summary>The pruning rule (esl arm), else null.</summary>
    public string? Prune { get; init; }

    /// <summary>The growth rule (esl arm), else null.</summary>
    public string? Regrow { get; init; }

    /// <summary>The rewiring schedule (esl arm), else null.</summary>
    public RewireSchedule? Schedule { get; init; }

    /// <summary>T.</summary>
    public required int Steps { get; init; }

    /// <summary>Training samples.</summary>
    public required int TrainSamples { get; init; }

    /// <summary>Test samples.</summary>
    public required int TestSamples { get; init; }

    /// <summary>Epochs trained by this process (after <see cref="ResumedFromEpoch"/> when resumed).</summary>
    public required int Epochs { get; init; }

    /// <summary>The checkpoint epoch a resumed run continued after (0 for a fresh run); the per-epoch lists start after it.</summary>
    public int ResumedFromEpoch { get; init; }

    /// <summary>Batch size.</summary>
    public required int BatchSize { get; init; }

    /// <summary>Optimizer name.</summary>
    public required string Optimizer { get; init; }

    /// <summary>Learning rate.</summary>
    public required double LearningRate { get; init; }

    /// <summary>Learning-rate schedule.</summary>
    public required string LrSchedule { get; init; }

    /// <summary>Seed.</summary>
    public required ulong Seed { get; init; }

    /// <summary>Kernel threads.</summary>
    public required int Threads { get; init; }

    /// <summary>Trainable values in the store (dense storage: masked weights count whole).</summary>
    public required long Parameters { get; init; }

    /// <summary>Test accuracy after each epoch.</summary>
    public required IReadOnlyList<double> TestAccuracyPerEpoch { get; init; }

    /// <summary>Training accuracy of each epoch.</summary>
    public required IReadOnlyList<double> TrainAccuracyPerEpoch { get; init; }

    /// <summary>Test accuracy after the last epoch.</summary>
    public required double TestAccuracy { get; init; }

    /// <summary>Per synaptic layer: positions, nnz and density at the end.</summary>
    public required IReadOnlyList<EslLayerDensity> Layers { get; init; }

    /// <summary>Σ nnz / Σ positions over the synaptic layers.</summary>
    public required double GlobalDensity { get; init; }

    /// <summary>Every rewiring step: iteration, ζ, synapses moved and nnz per sparse layer.</summary>
    public required IReadOnlyList<RewireEvent> Rewires { get; init; }

    /// <summary>Training seconds per epoch (without evaluation).</summary>
    public required IReadOnlyList<double> TrainSecondsPerEpoch { get; init; }

    /// <summary>Mean training-step time in milliseconds (forward, backward, optimizer, masks and rewiring).</summary>
    public required double StepMilliseconds { get; init; }

    /// <summary>Process CPU seconds of training and evaluation (all threads), a load-robust companion of the wall times.</summary>
    public required double CpuSeconds { get; init; }

    /// <summary>The process's peak working set in MiB at the end of the run.</summary>
    public required double PeakWorkingSetMiB { get; init; }

    /// <summary>Wall-clock seconds of the whole run.</summary>
    public required double Seconds { get; init; }

    /// <summary>Active SIMD widths.</summary>
    public string? Isa { get; init; }

    /// <summary>The report as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, EslJsonContext.Default.EslReport);

    /// <summary>Parses a report written by <see cref="ToJson"/>; throws <see cref="JsonException"/> when malformed.</summary>
    public static EslReport FromJson(string json) =>
        JsonSerializer.Deserialize(json, EslJsonContext.Default.EslReport)
        ?? throw new JsonException("The report JSON is 'null', expected an object.");

    /// <summary>Writes the report to <paramref name="path"/> (temp file then rename).</summary>
    public void Save(string path) => ReportFile.Write(path, ToJson());
}

/// <summary>Source-generated JSON metadata for <see cref="EslReport"/> (no reflection; NativeAOT-safe).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    UseStringEnumConverter = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(EslReport))]
internal sealed partial class EslJsonContext : JsonSerializerContext;
