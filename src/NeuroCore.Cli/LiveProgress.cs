using NeuroCore.Training;
using Spectre.Console;

namespace NeuroCore.Cli;

/// <summary>
/// Progress as Spectre.Console bars on a terminal: one bar per epoch that fills with the training steps, then
/// shows the test-set evaluation, and finally keeps the epoch's metrics in its label.
/// </summary>
internal sealed class LiveProgress(ProgressContext context) : IProgress<TrainingProgress>
{
    ProgressTask? _task;

    public void Report(TrainingProgress p)
    {
        switch (p.Phase)
        {
            case TrainingPhase.Train:
                _task ??= context.AddTask(Label(p), maxValue: p.Steps);
                _task.Value = p.Step;
                _task.Description = $"{Label(p)} loss {p.Loss:F4} acc {p.Accuracy:P1}";
                break;
            case TrainingPhase.Evaluate when _task is not null:
                _task.Description = $"{Label(p)} testing {p.Step}/{p.Steps} acc {p.Accuracy:P1}";
                break;
            case TrainingPhase.EpochEnd when p.EpochMetrics is { } m && _task is not null:
                _task.Description = $"{Label(p)} train {m.TrainAccuracy:P1} test [bold]{m.TestAccuracy:P2}[/] {m.Seconds:F1} s" +
                                    (TrainingReport.OverallSpikeRate(m.SpikeStatistics) is { } rate ? $" rate {rate:P1}" : "");
                _task.Value = _task.MaxValue;
                _task.StopTask();
                _task = null;
                break;
        }
    }

    static string Label(TrainingProgress p) => $"epoch {p.Epoch,2}/{p.Epochs}";
}
