using System.Text.Json;
using System.Text.Json.Serialization;

namespace NeuroCore.Training.Methods.CeLif;

/// <summary>
/// The JSON report of <c>neurocore train celif</c>: the task and neuron, accuracy per epoch, epochs to 90 % of the
/// final accuracy, the gradient-flow curves before and after training, and the shared <see cref="TrainingReport"/>
/// (loss, timings, spike statistics) under <see cref="Training"/>.
/// </summary>
public sealed class SequenceReport
{
    /// <summary>The task: sfmnist-row, sfmnist-pixel, psfmnist or recall.</summary>
    public required string Task { get; init; }

    /// <summary>The hidden neuron: lif, alif or celif.</summary>
    public required string Neuron { get; init; }

    /// <summary>CE-LIF's embedding form (c1, c2, c3), else null.</summary>
    public string? Embedding { get; init; }

    /// <summary>LIF/ALIF with a sigmoid-bounded β: "sigmoid"; null when β is learned unconstrained (and for CE-LIF).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DecayBound { get; init; }

    /// <summary>The recall delay D, else null.</summary>
    public int? Delay { get; init; }

    /// <summary>The seed of the fixed pixel permutation (psfmnist), else null.</summary>
    public ulong? PermutationSeed { get; init; }

    /// <summary>T, steps per sequence.</summary>
    public required int Steps { get; init; }

    /// <summary>F, inputs per step.</summary>
    public required int Features { get; init; }

    /// <summary>Neurons per hidden layer (after parameter matching).</summary>
    public required int Hidden { get; init; }

    /// <summary>The LIF width the parameter count was matched to, when matching was on.</summary>
    public int? ReferenceHidden { get; init; }

    /// <summary>The steps the readout integrates (the last ones).</summary>
    public required int ReadoutSteps { get; init; }

    /// <summary>Trainable parameters.</summary>
    public required long Parameters { get; init; }

    /// <summary>The accuracy of guessing.</summary>
    public required double ChanceAccuracy { get; init; }

    /// <summary>Test accuracy after each epoch.</summary>
    public required IReadOnlyList<double> TestAccuracyPerEpoch { get; init; }

    /// <summary>The first epoch (1-based) whose test accuracy reached 90 % of the final one.</summary>
    public int? EpochsTo90PercentOfFinal { get; init; }

    /// <summary>The final test accuracy.</summary>
    public required double TestAccuracy { get; init; }

    /// <summary>The gradient-flow curve at initialisation.</summary>
    public required GradientFlowCurve GradientFlowInitial { get; init; }

    /// <summary>The gradient-flow curve after training.</summary>
    public required GradientFlowCurve GradientFlowFinal { get; init; }

    /// <summary>The shared training report (losses, timings, spike statistics, options).</summary>
    public required TrainingReport Training { get; init; }

    /// <summary>The arm's neuron label: lif, alif, lif-sigmoid, alif-sigmoid or celif-c1/c2/c3 (not serialised).</summary>
    [JsonIgnore]
    public string NeuronLabel => Neuron + (DecayBound is { } b ? "-" + b : "") + (Embedding is { } e ? "-" + e : "");

    /// <summary>The report as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ReportJsonContext.Default.SequenceReport);

    /// <summary>Parses a report written by <see cref="ToJson"/>; throws <see cref="JsonException"/> when malformed.</summary>
    public static SequenceReport FromJson(string json) =>
        JsonSerializer.Deserialize(json, ReportJsonContext.Default.SequenceReport)
        ?? throw new JsonException("The report JSON is 'null', expected an object.");

    /// <summary>Writes the report to <paramref name="path"/> (temp file then rename).</summary>
    public void Save(string path) => ReportFile.Write(path, ToJson());
}

/// <summary>‖∂L/∂I_t‖ for t = 0..T−1 over one batch (see <see cref="GradientFlow"/>).</summary>
/// <param name="Batch">Sequences in the measured batch.</param>
/// <param name="Norms">One norm per step.</param>
/// <param name="FirstToLastRatio">‖∂L/∂I_0‖ / ‖∂L/∂I_last‖ (the last step with a gradient).</param>
public sealed record GradientFlowCurve(int Batch, IReadOnlyList<double> Norms, double? FirstToLastRatio);
