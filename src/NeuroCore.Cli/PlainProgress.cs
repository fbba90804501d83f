using NeuroCore.Training;

namespace NeuroCore.Cli;

/// <summary>
/// Progress as plain lines for logs and CI (stdout not a terminal): about ten lines per epoch plus one closing
/// line per epoch with its test metrics.
/// </summary>
internal sealed class PlainProgress(CliConsole console) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress p)
    {
        switch (p.Phase)
        {
            case TrainingPhase.Train:
                int every = Math.Max(1, p.Steps / 10);
                if (p.Step % every == 0 || p.Step == p.Steps)
                    console.Line($"epoch {p.Epoch}/{p.Epochs}  step {p.Step}/{p.Steps}  loss {p.Loss:F4}  acc {p.Accuracy:P2}  lr {p.LearningRate:G4}");
                break;
            case TrainingPhase.EpochEnd when p.EpochMetrics is { } m:
                console.Line($"epoch {m.Epoch}/{p.Epochs} done  train loss {m.TrainLoss:F4} acc {m.TrainAccuracy:P2}  " +
                             $"test loss {m.TestLoss:F4} acc {m.TestAccuracy:P2}  {m.Seconds:F1} s (+{m.EvalSeconds:F1} s eval)" +
                             (TrainingReport.OverallSpikeRate(m.SpikeStatistics) is { } rate ? $"  spike rate {rate:P2}" : ""));
                break;
        }
    }
}
