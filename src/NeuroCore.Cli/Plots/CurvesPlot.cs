using NeuroCore.Training;
using ScottPlot;

namespace NeuroCore.Cli.Plots;

/// <summary>Learning curves from a training report: loss (left) and accuracy (right) per epoch, train and test.</summary>
internal static class CurvesPlot
{
    /// <summary>Draws <paramref name="report"/>'s history into a PNG of <paramref name="width"/> × <paramref name="height"/> pixels.</summary>
    /// <exception cref="ArgumentException">The report has no epochs.</exception>
    public static void Save(TrainingReport report, string source, string path, int width, int height)
    {
        var history = report.History;
        if (history.Count == 0)
            throw new ArgumentException(
                $"The report '{source}' has no epochs in its history (a resumed run with nothing left to do writes none); " +
                "plot the report of a run that trained at least one epoch.");
        double[] epochs = [.. history.Select(m => (double)m.Epoch)];
        string title = $"{report.Model} ({report.Method}) on {report.Dataset}";

        var figure = new Multiplot { Layout = new ScottPlot.MultiplotLayouts.Columns() };
        figure.AddPlots(2);
        var loss = figure.GetPlot(0);
        Line(loss, epochs, [.. history.Select(m => m.TrainLoss)], "train");
        Line(loss, epochs, [.. history.Select(m => m.TestLoss)], "test");
        Style(loss, title + ": loss", "cross-entropy");
        loss.Legend.Alignment = Alignment.UpperRight;

        var accuracy = figure.GetPlot(1);
        Line(accuracy, epochs, [.. history.Select(m => 100 * m.TrainAccuracy)], "train");
        Line(accuracy, epochs, [.. history.Select(m => 100 * m.TestAccuracy)], "test");
        Style(accuracy, $"accuracy (test {100 * report.TestAccuracy:F2} % after epoch {report.Epochs})", "accuracy (%)");
        accuracy.Legend.Alignment = Alignment.LowerRight;

        PlotFiles.SavePng(figure, path, width, height);
    }

    static void Line(Plot plot, double[] xs, double[] ys, string label)
    {
        var line = plot.Add.Scatter(xs, ys);
        line.LegendText = label;
        line.MarkerSize = 6;
        line.LineWidth = 2;
    }

    static void Style(Plot plot, string title, string yLabel)
    {
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel(yLabel);
        plot.ShowLegend();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
    }
}
