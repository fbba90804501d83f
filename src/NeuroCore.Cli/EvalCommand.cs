using System.Diagnostics;
using NeuroCore.Kernels;
using NeuroCore.Training;

namespace NeuroCore.Cli;

/// <summary><c>neurocore eval</c>: rebuilds a trained model from its directory and reports its test accuracy.</summary>
internal static class EvalCommand
{
    public static int Run(string modelDir, string data, string? dataDir, int threads, int? limitTest, CliConsole console)
    {
        try
        {
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
            return 0;
        }
        catch (Exception e) when (CliErrors.IsUserFacing(e))
        {
            console.Fail(e.Message);
            return 1;
        }
    }
}
