using NeuroCore.Training;
using Spectre.Console;

namespace NeuroCore.Cli;

/// <summary>The closing per-epoch results table.</summary>
internal static class ResultsTable
{
    public static void Write(CliConsole console, TrainingResult result)
    {
        var table = new Table { Border = console.Interactive ? TableBorder.Rounded : TableBorder.Ascii };
        table.AddColumns("epoch", "lr", "train loss", "train acc", "test loss", "test acc", "s/epoch", "eval s");
        foreach (var c in table.Columns.Skip(1)) c.RightAligned();
        foreach (var m in result.History)
            table.AddRow($"{m.Epoch}", $"{m.LearningRate:G3}", $"{m.TrainLoss:F4}", $"{m.TrainAccuracy:P2}",
                $"{m.TestLoss:F4}", $"{m.TestAccuracy:P2}", $"{m.Seconds:F1}", $"{m.EvalSeconds:F1}");
        console.Ansi.Write(table);
        var last = result.Last!;
        console.Line($"test accuracy {last.TestAccuracy:P2} after {last.Epoch} epochs; {result.SecondsPerEpoch:F1} s per epoch, " +
                     $"{result.Seconds:F1} s in all");
    }
}
