using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using NeuroCore.Snn;

namespace NeuroCore.Training;

/// <summary>
/// The summary of a training run, written by <c>neurocore train --report FILE.json</c> as one JSON object with
/// snake_case names (method, dataset, epochs, train_accuracy, test_accuracy, seconds, seconds_per_epoch, seed,
/// threads, model, parameters, ...); a spiking run adds steps, model_options, spike_rate, syn_ops_per_sample and
/// spike_statistics (per layer), fields that an ordinary run leaves out. Serialized through a source-generated
/// context: no reflection.
/// </summary>
public sealed class TrainingReport
{
    /// <summary>The training method, e.g. <c>ann</c> (backpropagation on an ordinary network).</summary>
    public required string Method { get; init; }

    /// <summary>The data set, e.g. <c>fashion-mnist</c> or <c>builtin-shapes</c>.</summary>
    public required string Dataset { get; init; }

    /// <summary>The model architecture name, e.g. <c>mlp</c> or <c>cnn</c>.</summary>
    public required string Model { get; init; }

    /// <summary>The number of trainable scalar parameters.</summary>
    public required long Parameters { get; init; }

    /// <summary>The number of epochs completed (counting those before a resume).</summary>
    public required int Epochs { get; init; }

    /// <summary>Training samples used per epoch.</summary>
    public required int TrainSamples { get; init; }

    /// <summary>Test samples evaluated after each epoch.</summary>
    public required int TestSamples { get; init; }

    /// <summary>Samples per training batch.</summary>
    public required int BatchSize { get; init; }

    /// <summary>The optimizer, e.g. <c>adam</c>.</summary>
    public required string Optimizer { get; init; }

    /// <summary>The initial (peak) learning rate.</summary>
    public required double LearningRate { get; init; }

    /// <summary>The learning-rate schedule, e.g. <c>constant</c> or <c>cosine</c>.</summary>
    public required string Schedule { get; init; }

    /// <summary>The seed of initialisation, shuffling and dropout.</summary>
    public required ulong Seed { get; init; }

    /// <summary>Kernel worker threads.</summary>
    public required int Threads { get; init; }

    /// <summary>Training-set accuracy of the last epoch (fraction in [0, 1]).</summary>
    public required double TrainAccuracy { get; init; }

    /// <summary>Test-set accuracy after the last epoch (fraction in [0, 1]).</summary>
    public required double TestAccuracy { get; init; }

    /// <summary>Mean training loss of the last epoch.</summary>
    public required double TrainLoss { get; init; }

    /// <summary>Test loss after the last epoch.</summary>
    public required double TestLoss { get; init; }

    /// <summary>Wall-clock seconds of the whole run (data loading excluded, evaluation and checkpoints included).</summary>
    public required double Seconds { get; init; }

    /// <summary>Mean wall-clock seconds of the training steps of one epoch run in this invocation.</summary>
    public required double SecondsPerEpoch { get; init; }

    /// <summary>The global gradient-norm limit (<see cref="TrainerOptions.ClipGradNorm"/>), or null without clipping.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ClipGradNorm { get; init; }

    /// <summary>The epoch this run resumed after, or 0 when it started afresh.</summary>
    public int ResumedFromEpoch { get; init; }

    /// <summary>The active SIMD widths, as <c>IsaInfo.Describe()</c> prints them.</summary>
    public string? Isa { get; init; }

    /// <summary>The NeuroCore version that produced the report.</summary>
    public string? Version { get; init; }

    /// <summary>Where the checkpoints were written, if anywhere.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Per-epoch metrics of the epochs run in this invocation.</summary>
    public IReadOnlyList<EpochMetrics> History { get; init; } = [];

    /// <summary>For a spiking model: T, the time steps per sample; otherwise null.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Steps { get; init; }

    /// <summary>
    /// The options the model was built from, as recorded in its description's metadata (for a spiking model: neuron,
    /// surrogate, encoding, β, θ, readout, ...); null when there are none.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? ModelOptions { get; init; }

    /// <summary>
    /// For a spiking model: the spike rate over all its spiking neurons (spikes per neuron per step) on the last
    /// test-set evaluation; otherwise null.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? SpikeRate { get; init; }

    /// <summary>For a spiking model: synaptic operations per test sample, summed over its layers; otherwise null.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? SynOpsPerSample { get; init; }

    /// <summary>For a spiking model: per layer, the spike rate and synops per sample of the last test-set evaluation.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<LayerSpikeStatistics>? SpikeStatistics { get; init; }

    /// <summary>The version of this NeuroCore build (e.g. 0.1.0), without the source-revision suffix.</summary>
    public static string CurrentVersion { get; } = ReadVersion();

    static string ReadVersion()
    {
        string? v = typeof(TrainingReport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (v is null) return "unknown";
        int plus = v.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? v : v[..plus];
    }

    /// <summary>
    /// The spike rate over all neurons of <paramref name="layers"/> (each layer's rate weighted by its neuron count),
    /// or null when there are no layers.
    /// </summary>
    public static double? OverallSpikeRate(IReadOnlyList<LayerSpikeStatistics>? layers)
    {
        if (layers is null || layers.Count == 0) return null;
        double spikes = 0;
        long neurons = 0;
        foreach (var layer in layers)
        {
            spikes += layer.SpikeRate * layer.Neurons;
            neurons += layer.Neurons;
        }
        return neurons == 0 ? 0 : spikes / neurons;
    }

    /// <summary>The report as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ReportJsonContext.Default.TrainingReport);

    /// <summary>Parses a report written by <see cref="ToJson"/>; throws <see cref="JsonException"/> when malformed.</summary>
    public static TrainingReport FromJson(string json) =>
        JsonSerializer.Deserialize(json, ReportJsonContext.Default.TrainingReport)
        ?? throw new JsonException("The report JSON is 'null', expected an object.");

    /// <summary>Writes the report to <paramref name="path"/> (temp file then rename, so readers never see half a file).</summary>
    public void Save(string path) => ReportFile.Write(path, ToJson());
}
