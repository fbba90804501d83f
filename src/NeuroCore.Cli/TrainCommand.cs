using NeuroCore.Kernels;
using NeuroCore.Training;
using Spectre.Console;

namespace NeuroCore.Cli;

/// <summary>
/// What every <c>neurocore train ...</c> command does once its model is built: load the data, print the run's
/// header, train with a progress bar (plain lines when not on a terminal), print the closing table and write the
/// JSON report. Each command only supplies how to prepare its <see cref="TrainingRun"/>.
/// </summary>
internal static class TrainCommand
{
    /// <param name="command">The command's name for the header, e.g. <c>train snn</c>.</param>
    /// <param name="s">The shared options.</param>
    /// <param name="console">Where to write.</param>
    /// <param name="prepare">Builds the run for the loaded data; returns the run and a short description of the model's options.</param>
    public static int Run(string command, TrainSettings s, CliConsole console, Func<DataSelection, (TrainingRun Run, string Details)> prepare)
    {
        try
        {
            var data = DataSelection.Load(s.Data, s.DataDir, s.LimitTrain, s.LimitTest);
            if (data.Note is not null) console.Line(data.Note);
            var prepared = prepare(data);
            // The run owns its optimizer (Adam's moments are pooled): dispose it when the command ends, however it ends.
            using var run = prepared.Run;
            string details = prepared.Details;
            var options = run.Options;
            var recipe = run.Recipe;
            console.Line($"{command}: {run.ModelName}{details} ({run.Store.Count:N0} parameters) on {data.Dataset} " +
                         $"({data.Train.Count} train / {data.Test.Count} test), {options.Epochs} epochs, batch {options.BatchSize}, " +
                         $"{recipe.Optimizer} lr {recipe.LearningRate:G4} {recipe.Schedule}, seed {options.Seed}, {options.Threads} threads; {IsaInfo.Describe()}");

            var outcome = WithProgress(console, progress => run.Execute(data.Train, data.Test, data.Dataset, progress));

            if (outcome.Report is not { } report)
            {
                console.Line($"Nothing to do: the checkpoint in {options.CheckpointDirectory} already has {options.Epochs} epochs. " +
                             "Raise --epochs to train further.");
                return 0;
            }
            ResultsTable.Write(console, outcome.Result);
            if (s.ReportPath is { } reportPath)
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

    /// <summary>Runs <paramref name="train"/> with a live progress bar on a terminal, plain progress lines otherwise.</summary>
    public static T WithProgress<T>(CliConsole console, Func<IProgress<TrainingProgress>, T> train) =>
        console.Interactive
            ? new Progress(console.Ansi).AutoClear(false).HideCompleted(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(),
                    new PercentageColumn(), new ElapsedTimeColumn())
                .Start(ctx => train(new LiveProgress(ctx)))
            : train(new PlainProgress(console));
}
