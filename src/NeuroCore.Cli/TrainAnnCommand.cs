using System.Diagnostics;
using NeuroCore.Checkpoints;
using NeuroCore.Data;
using NeuroCore.Kernels;
using NeuroCore.Nn;
using NeuroCore.Training;
using Spectre.Console;

namespace NeuroCore.Cli;

/// <summary><c>neurocore train ann</c>: builds the model and optimizer, runs <see cref="Trainer"/>, prints a table.</summary>
internal static class TrainAnnCommand
{
    public static int Run(TrainAnnSettings s, CliConsole console)
    {
        try
        {
            var data = DataSelection.Load(s.Data, s.DataDir, s.LimitTrain, s.LimitTest);
            if (data.Note is not null) console.Line(data.Note);

            var store = new ParameterStore();
            var (model, description) = AnnFactory.Build(s.Model, store, data.Train, s.Seed);
            var optimizer = AnnFactory.Optimizer(s.Optimizer, store, (float)s.EffectiveLearningRate);
            var schedule = AnnFactory.Schedule(s.EffectiveSchedule, optimizer, s.EffectiveEpochs,
                Trainer.StepsPerEpoch(data.Train.Count, s.EffectiveBatchSize));

            if (s.OutputDirectory is { } dir)
            {
                Directory.CreateDirectory(dir);
                // On --resume the description is already there; a mismatching model fails at the checkpoint load,
                // naming the tensor, and must not clobber the directory's description first.
                string descriptionPath = Path.Combine(dir, TrainingCheckpoint.DescriptionFileName);
                if (!s.Resume || !File.Exists(descriptionPath)) Checkpoint.SaveDescription(descriptionPath, description);
            }

            var options = new TrainerOptions
            {
                Epochs = s.EffectiveEpochs,
                BatchSize = s.EffectiveBatchSize,
                Seed = s.Seed,
                Threads = s.Threads,
                CheckpointDirectory = s.OutputDirectory,
                Resume = s.Resume,
            };
            var trainer = new Trainer(model, store, optimizer, options, schedule);
            console.Line($"train ann: {s.Model} ({store.Count:N0} parameters) on {data.Dataset} " +
                         $"({data.Train.Count} train / {data.Test.Count} test), {options.Epochs} epochs, batch {options.BatchSize}, " +
                         $"{s.Optimizer} lr {s.EffectiveLearningRate:G4} {s.EffectiveSchedule}, seed {s.Seed}, {s.Threads} threads; {IsaInfo.Describe()}");

            TrainingResult result;
            if (console.Interactive)
            {
                result = new Progress(console.Ansi).AutoClear(false).HideCompleted(false)
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(),
                        new PercentageColumn(), new ElapsedTimeColumn())
                    .Start(ctx => trainer.Fit(data.Train, data.Test, new LiveProgress(ctx)));
            }
            else
            {
                result = trainer.Fit(data.Train, data.Test, new PlainProgress(console));
            }

            if (result.Last is null)
            {
                console.Line($"Nothing to do: the checkpoint in {s.OutputDirectory} already has {options.Epochs} epochs. " +
                             "Raise --epochs to train further.");
                return 0;
            }
            ResultsTable.Write(console, result);

            if (s.ReportPath is { } reportPath)
            {
                var last = result.Last;
                var report = new TrainingReport
                {
                    Method = "ann",
                    Dataset = data.Dataset,
                    Model = s.Model,
                    Parameters = store.Count,
                    Epochs = last.Epoch,
                    TrainSamples = data.Train.Count,
                    TestSamples = data.Test.Count,
                    BatchSize = options.BatchSize,
                    Optimizer = s.Optimizer,
                    LearningRate = s.EffectiveLearningRate,
                    Schedule = s.EffectiveSchedule,
                    Seed = s.Seed,
                    Threads = s.Threads,
                    TrainAccuracy = last.TrainAccuracy,
                    TestAccuracy = last.TestAccuracy,
                    TrainLoss = last.TrainLoss,
                    TestLoss = last.TestLoss,
                    Seconds = result.Seconds,
                    SecondsPerEpoch = result.SecondsPerEpoch,
                    ResumedFromEpoch = result.ResumedFromEpoch,
                    Isa = IsaInfo.Describe(),
                    Version = InfoCommand.Version,
                    OutputDirectory = s.OutputDirectory,
                    History = result.History,
                };
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
