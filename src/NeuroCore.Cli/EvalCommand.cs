using System.Diagnostics;
using System.Globalization;
using NeuroCore.Data;
using NeuroCore.Kernels;
using NeuroCore.Training;

namespace NeuroCore.Cli;

/// <summary>
/// <c>neurocore eval</c>: rebuilds a trained model from its directory and reports its test accuracy, and with
/// <c>--noise</c> its accuracy under each noise condition.
/// </summary>
internal static class EvalCommand
{
    public static int Run(string modelDir, string data, string? dataDir, int threads, int? limitTest, CliConsole console,
        IReadOnlyList<string>? noise = null, ulong noiseSeed = ImageNoise.DefaultSeed, string? reportPath = null)
    {
        try
        {
            var conditions = noise is { Count: > 0 } ? NoiseCondition.Parse(noise) : [];
            if (reportPath is not null && conditions.Count == 0)
                throw new ArgumentException("eval --report writes the noise-robustness report; add --noise (e.g. --noise gaussian:0.1,0.2 jitter).");
            var loaded = TrainedModel.Load(modelDir);
            var (test, dataset, note) = DataSelection.TestFor(loaded, data, dataDir, limitTest);
            if (note is not null) console.Line(note);
            var clock = Stopwatch.StartNew();
            var result = Trainer.Evaluate(loaded.Model, test, batchSize: 256, threads: threads);
            console.Line($"model {loaded.Description.Architecture} ({loaded.Store.Count:N0} parameters) from " +
                         $"{Path.GetFileName(loaded.CheckpointPath)} (epoch {loaded.State.Epoch}, seed {loaded.State.Seed})");
            console.Line($"{dataset} test: accuracy {result.Accuracy:P2} ({result.Correct}/{result.Count}), " +
                         $"loss {result.Loss:F4}, {clock.Elapsed.TotalSeconds:F1} s with {threads} threads; {IsaInfo.Describe()}");
            if (result.SpikeStatistics is { Count: > 0 } spikes) ResultsTable.WriteSpikes(console, spikes);
            if (conditions.Count == 0) return 0;

            var report = NoiseRobustness.Evaluate(loaded.Model, test, conditions, noiseSeed, threads);
            report.ModelDirectory = modelDir;
            report.Model = loaded.Description.Architecture;
            var c = CultureInfo.InvariantCulture;
            console.Line(string.Create(c, $"noise robustness (seed {noiseSeed}, {report.TestSamples} test samples, pixels clipped to [0, 1]):"));
            console.Line(string.Create(c, $"  {"condition",-18} {"accuracy",9} {"drop",8}"));
            console.Line(string.Create(c, $"  {"clean",-18} {100 * report.CleanAccuracy,8:F2}% {"",8}"));
            foreach (var r in report.Conditions)
                console.Line(string.Create(c, $"  {r.Condition,-18} {100 * r.Accuracy,8:F2}% {100 * r.Drop,7:F2}p"));
            console.Line(string.Create(c, $"  mean drop {100 * report.MeanDrop:F2} points"));
            if (reportPath is not null)
            {
                report.Save(reportPath);
                console.Line($"report written to {reportPath}");
            }
            return 0;
        }
        catch (Exception e) when (CliErrors.IsUserFacing(e))
        {
            console.Fail(e.Message);
            return 1;
        }
    }
}
