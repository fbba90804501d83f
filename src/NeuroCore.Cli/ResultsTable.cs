using System.Globalization;
using NeuroCore.Snn;
using NeuroCore.Training;
using Spectre.Console;

namespace NeuroCore.Cli;

/// <summary>The closing per-epoch results table, and for a spiking model the per-layer spike table.</summary>
internal static class ResultsTable
{
    public static void Write(CliConsole console, TrainingResult result)
    {
        bool spiking = result.History.Any(m => m.SpikeStatistics is not null);
        var table = NewTable(console);
        table.AddColumns("epoch", "lr", "train loss", "train acc", "test loss", "test acc", "s/epoch", "eval s");
        if (spiking) table.AddColumns("spike rate", "synops/sample");
        foreach (var c in table.Columns.Skip(1)) c.RightAligned();
        foreach (var m in result.History)
        {
            string[] row = [$"{m.Epoch}", $"{m.LearningRate:G3}", $"{m.TrainLoss:F4}", $"{m.TrainAccuracy:P2}",
                $"{m.TestLoss:F4}", $"{m.TestAccuracy:P2}", $"{m.Seconds:F1}", $"{m.EvalSeconds:F1}"];
            if (spiking)
                row = [.. row, Rate(TrainingReport.OverallSpikeRate(m.SpikeStatistics)), SynOps(m.SpikeStatistics?.Sum(l => l.SynOpsPerSample))];
            table.AddRow(row);
        }
        console.Ansi.Write(table);
        var last = result.Last!;
        if (last.SpikeStatistics is { Count: > 0 } spikes) WriteSpikes(console, spikes);
        console.Line($"test accuracy {last.TestAccuracy:P2} after {last.Epoch} epochs; {result.SecondsPerEpoch:F1} s per epoch, " +
                     $"{result.Seconds:F1} s in all");
    }

    /// <summary>Per spiking layer: neurons, spike rate and synaptic operations per sample (on the test set).</summary>
    public static void WriteSpikes(CliConsole console, IReadOnlyList<LayerSpikeStatistics> layers)
    {
        var table = NewTable(console);
        table.AddColumns("layer", "neurons", "spike rate", "synops/sample", "samples");
        foreach (var c in table.Columns.Skip(1)) c.RightAligned();
        foreach (var l in layers)
            table.AddRow(Markup.Escape(l.Layer), $"{l.Neurons:N0}", Rate(l.SpikeRate), SynOps(l.SynOpsPerSample), $"{l.Samples:N0}");
        console.Ansi.Write(table);
    }

    static Table NewTable(CliConsole console) => new() { Border = console.Interactive ? TableBorder.Rounded : TableBorder.Ascii };

    static string Rate(double? rate) => rate is { } r ? r.ToString("P2", CultureInfo.InvariantCulture) : "";

    static string SynOps(double? synOps) => synOps is { } s ? s.ToString("N0", CultureInfo.InvariantCulture) : "";
}
