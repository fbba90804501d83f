using NeuroCore.Training.Methods.CeLif;
using ScottPlot;

namespace NeuroCore.Cli.Plots;

/// <summary>
/// The gradient-flow diagnostic of one or more <c>train celif</c> reports: ‖∂L/∂I_t‖ against t on a log axis, at
/// initialisation (left) and after training (right), one line per report.
/// </summary>
internal static class GradFlowPlot
{
    /// <summary>Draws the reports' curves into a PNG of <paramref name="width"/> × <paramref name="height"/> pixels.</summary>
    /// <exception cref="ArgumentException">A report has no gradient-flow curve.</exception>
    public static void Save(IReadOnlyList<(string Source, SequenceReport Report)> reports, string path, int width, int height)
    {
        var figure = new Multiplot { Layout = new ScottPlot.MultiplotLayouts.Columns() };
        figure.AddPlots(2);
        var initial = figure.GetPlot(0);
        var final = figure.GetPlot(1);
        foreach (var (source, r) in reports)
        {
            if (r.GradientFlowInitial.Norms.Count == 0 || r.GradientFlowFinal.Norms.Count == 0)
                throw new ArgumentException($"The report '{source}' has no gradient-flow curve; write one with `neurocore train celif --report FILE`.");
            string label = r.NeuronLabel + (r.Delay is { } d ? $" D={d}" : "") +
                           $" ({100 * r.TestAccuracy:F1} %)";
            Line(initial, r.GradientFlowInitial.Norms, label);
            Line(final, r.GradientFlowFinal.Norms, label);
        }
        var first = reports[0].Report;
        string task = first.Task + (first.Delay is { } delay ? $" D = {delay}" : "");
        Style(initial, $"{task}: ‖∂L/∂I_t‖ at initialisation");
        Style(final, $"{task}: ‖∂L/∂I_t‖ after training");
        PlotFiles.SavePng(figure, path, width, height);
    }

    static void Line(Plot plot, IReadOnlyList<double> norms, string label)
    {
        // Log scale: zero norms (no gradient) are left out rather than drawn at −∞.
        var xs = new List<double>(norms.Count);
        var ys = new List<double>(norms.Count);
        for (int t = 0; t < norms.Count; t++)
        {
            if (norms[t] > 0)
            {
                xs.Add(t);
                ys.Add(Math.Log10(norms[t]));
            }
        }
        var line = plot.Add.ScatterLine(xs.ToArray(), ys.ToArray());
        line.LegendText = label;
        line.LineWidth = 2;
    }

    static void Style(Plot plot, string title)
    {
        plot.Title(title);
        plot.XLabel("time step t");
        plot.YLabel("log10 ‖∂L/∂I_t‖ (first hidden layer)");
        plot.ShowLegend();
        plot.Legend.Alignment = Alignment.LowerRight;
    }
}
