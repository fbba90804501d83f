using System.Globalization;
using NeuroCore.Data;
using NeuroCore.Kernels;
using NeuroCore.Training.Methods.Esl;

namespace NeuroCore.Cli;

/// <summary>
/// <c>neurocore train esl</c>: a sparse spiking network (MLP on Fashion-MNIST, conv net on dvs-fmnist) trained with
/// ESL-SNN's prune-and-regrow, or the dense and static sparse arms, with a JSON report of accuracy, nnz and cost.
/// </summary>
internal static class TrainEslCommand
{
    sealed class BuildProgress(CliConsole console) : IProgress<DvsBuildProgress>
    {
        public void Report(DvsBuildProgress value)
        {
            if (value.Note is not null) console.Line($"dvs-fmnist {value.Split}: {value.Note}");
            else if (value.Done == value.Total || value.Done % 5000 == 0)
                console.Line($"dvs-fmnist {value.Split}: converted {value.Done}/{value.Total}");
        }
    }

    public static int Run(TrainEslSettings s, CliConsole console)
    {
        try
        {
            s.Validate();
            var (train, test, dataset) = s.LoadData(new BuildProgress(console));
            var model = s.ModelOptions(train);
            var method = new EslMethod(model, s.Arm, s.Rewiring(), s.PruneRule, s.GrowRule, s.Recipe, s.TrainerOptions);
            var c = CultureInfo.InvariantCulture;
            string arm = method.Arm switch
            {
                EslArm.Dense => "dense",
                EslArm.Static => $"static sparse d = {model.Density:G3}",
                _ => string.Create(c, $"ESL d = {model.Density:G3}, prune {s.Prune}, regrow {s.Regrow}, every {method.Schedule!.Every} it, ζ₀ {method.Schedule.Zeta:G3} {s.ZetaSchedule}, stop at {method.Schedule.StopFraction:P0}"),
            };
            var t = method.TrainerOptions;
            console.Line(string.Create(c,
                $"train esl: esl-{model.Architecture} ({arm}), T = {model.Steps}, on {dataset} ({train.Count} train / {test.Count} test), " +
                $"{t.Epochs} epochs, batch {t.BatchSize}, {s.Recipe.Optimizer} lr {s.Recipe.LearningRate:G4} {s.Recipe.Schedule}, seed {t.Seed}, " +
                $"{t.Threads} threads; {IsaInfo.Describe()}"));
            var report = TrainCommand.WithProgress(console, progress => method.Run(train, test, dataset, progress));
            ResultsTable.Write(console, method.Result!);
            foreach (var l in report.Layers)
                console.Line(string.Create(c, $"  {l.Layer}: {l.Nnz:N0} of {l.Positions:N0} synapses ({100 * l.Density:F2} %)"));
            console.Line(string.Create(c,
                $"global density {100 * report.GlobalDensity:F2} %, {report.Rewires.Count} rewiring steps, step {report.StepMilliseconds:F1} ms, " +
                $"peak working set {report.PeakWorkingSetMiB:F0} MiB, test accuracy {100 * report.TestAccuracy:F2} %"));
            if (s.ReportPath is { } path)
            {
                report.Save(path);
                console.Line($"report written to {path}");
            }
            return 0;
        }
        catch (Exception e) when (CliErrors.IsUserFacing(e) || e is DvsCacheException)
        {
            console.Fail(e.Message);
            return 1;
        }
    }
}
