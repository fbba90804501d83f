using System.Text.Json;
using System.Text.Json.Serialization;
using NeuroCore.Data;
using NeuroCore.Nn;

namespace NeuroCore.Training;

/// <summary>
/// Accuracy of any trained classifier (ordinary or spiking) on a clean test set and on seeded corrupted copies of it
/// (<see cref="ImageNoise"/>), with the drop against clean per condition.
/// </summary>
public static class NoiseRobustness
{
    /// <summary>Evaluates <paramref name="model"/> on <paramref name="test"/> and on each of <paramref name="conditions"/>.</summary>
    /// <param name="model">The trained model (its training mode is restored afterwards).</param>
    /// <param name="test">The clean test set.</param>
    /// <param name="conditions">The corruptions, e.g. from <see cref="NoiseCondition.Parse"/>.</param>
    /// <param name="seed">The noise seed (same seed, same corrupted images).</param>
    /// <param name="threads">Worker threads.</param>
    /// <param name="batchSize">Evaluation batch size.</param>
    public static NoiseReport Evaluate(IModule model, LabeledImageSet test, IReadOnlyList<NoiseCondition> conditions,
        ulong seed = ImageNoise.DefaultSeed, int threads = 1, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(conditions);
        var clean = Trainer.Evaluate(model, test, batchSize, threads);
        var results = new List<NoiseResult>(conditions.Count);
        foreach (var c in conditions)
        {
            var noisy = Trainer.Evaluate(model, ImageNoise.Apply(test, c, seed), batchSize, threads);
            results.Add(new NoiseResult(c.ToString(), NoiseCondition.KindName(c.Kind), c.Level, noisy.Accuracy, clean.Accuracy - noisy.Accuracy, noisy.Loss));
        }
        return new NoiseReport
        {
            TestSamples = test.Count,
            Seed = seed,
            CleanAccuracy = clean.Accuracy,
            CleanLoss = clean.Loss,
            Conditions = results,
            MeanDrop = results.Count == 0 ? 0 : results.Average(r => r.Drop),
        };
    }
}

/// <summary>Accuracy under one noise condition.</summary>
/// <param name="Condition">"kind:level", e.g. gaussian:0.1.</param>
/// <param name="Kind">gaussian, salt-pepper or jitter.</param>
/// <param name="Level">σ, p or s.</param>
/// <param name="Accuracy">Accuracy on the corrupted set.</param>
/// <param name="Drop">Clean accuracy minus <paramref name="Accuracy"/>.</param>
/// <param name="Loss">Mean cross-entropy on the corrupted set.</param>
public sealed record NoiseResult(string Condition, string Kind, float Level, double Accuracy, double Drop, double Loss);

/// <summary>The JSON report of <c>neurocore eval --noise</c>: clean accuracy and accuracy and drop per condition.</summary>
public sealed class NoiseReport
{
    /// <summary>The model directory, when evaluated from one.</summary>
    public string? ModelDirectory { get; set; }

    /// <summary>The model's architecture, when known.</summary>
    public string? Model { get; set; }

    /// <summary>Test samples per condition.</summary>
    public required int TestSamples { get; init; }

    /// <summary>The noise seed.</summary>
    public required ulong Seed { get; init; }

    /// <summary>Accuracy on the clean test set.</summary>
    public required double CleanAccuracy { get; init; }

    /// <summary>Mean cross-entropy on the clean test set.</summary>
    public required double CleanLoss { get; init; }

    /// <summary>One result per condition, in the order given.</summary>
    public required IReadOnlyList<NoiseResult> Conditions { get; init; }

    /// <summary>The drop averaged over the conditions.</summary>
    public required double MeanDrop { get; init; }

    /// <summary>The report as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ReportJsonContext.Default.NoiseReport);

    /// <summary>Parses a report written by <see cref="ToJson"/>; throws <see cref="JsonException"/> when malformed.</summary>
    public static NoiseReport FromJson(string json) =>
        JsonSerializer.Deserialize(json, ReportJsonContext.Default.NoiseReport)
        ?? throw new JsonException("The report JSON is 'null', expected an object.");

    /// <summary>Writes the report to <paramref name="path"/> (temp file then rename).</summary>
    public void Save(string path) => ReportFile.Write(path, ToJson());
}
