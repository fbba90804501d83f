using NeuroCore.Cli.Plots;
using NeuroCore.Snn;
using NeuroCore.Training;
using NeuroCore.Training.Methods.CeLif;

namespace NeuroCore.Cli;

/// <summary><c>neurocore plot curves|raster|grad-flow|capacity</c>: PNG figures of a run (drawn with ScottPlot; plotting stays in the CLI).</summary>
internal static class PlotCommand
{
    /// <summary>Default height of the curves figure.</summary>
    const int CurvesHeight = 500;

    /// <summary>Default height of one raster panel.</summary>
    const int RasterPanelHeight = 250;

    public static int Curves(string reportPath, string outPath, int width, int height, CliConsole console) => Guard(console, () =>
    {
        if (!File.Exists(reportPath))
            throw new FileNotFoundException(
                $"The report '{reportPath}' does not exist; write one with `neurocore train ... --report FILE.json`.", reportPath);
        TrainingReport report;
        try
        {
            report = TrainingReport.FromJson(File.ReadAllText(reportPath));
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new ArgumentException($"The report '{reportPath}' is not a training report: {e.Message}", e);
        }
        height = height == 0 ? CurvesHeight : height;
        CurvesPlot.Save(report, reportPath, outPath, width, height);
        console.Line($"curves of {report.History.Count} epochs written to {outPath} ({width}×{height})");
    });

    public static int Raster(string modelDir, int sample, string data, string? dataDir, string outPath, int width, int height,
        CliConsole console) => Guard(console, () =>
    {
        var loaded = TrainedModel.Load(modelDir);
        if (loaded.Model is not ISpikingModel spiking)
            throw new ArgumentException(
                $"'{modelDir}' holds a non-spiking model ({loaded.Description.Architecture}); a raster needs a spiking model, " +
                "trained with `neurocore train snn --out DIR`.");
        var (test, dataset, note) = DataSelection.TestFor(loaded, data, dataDir, limitTest: null);
        if (note is not null) console.Line(note);
        if (sample >= test.Count)
            throw new ArgumentOutOfRangeException(nameof(sample),
                $"--sample {sample} is past the end of the {dataset} test set ({test.Count} samples, 0..{test.Count - 1}).");
        int pixels = loaded.Description.InputShape.Aggregate(1, (a, b) => a * b);
        if (pixels != test.ImageSize)
            throw new ArgumentException(
                $"The model in '{modelDir}' takes inputs [{string.Join(", ", loaded.Description.InputShape)}] ({pixels} values) but the " +
                $"{dataset} images are {test.Height}×{test.Width}; use the data set it was trained on (--data).");
        var layers = spiking.RecordSpikes(test.Image(sample));
        int label = test.Labels[sample];
        string title = $"{loaded.Description.Architecture}, T = {spiking.Steps}: {dataset} test sample {sample} " +
                       $"('{test.ClassNames[label]}')";
        height = height == 0 ? RasterPanelHeight * Math.Max(1, layers.Count) + 50 : height;
        RasterPlot.Save(layers, title, outPath, width, height);
        console.Line($"raster of {layers.Count} layers written to {outPath} ({width}×{height})");
    });

    public static int GradFlow(IReadOnlyList<string> reportPaths, string outPath, int width, int height, CliConsole console) => Guard(console, () =>
    {
        if (reportPaths.Count == 0)
            throw new ArgumentException("plot grad-flow needs at least one --report FILE written by `neurocore train celif --report FILE`.");
        var reports = LoadSequenceReports(reportPaths);
        height = height == 0 ? CurvesHeight : height;
        GradFlowPlot.Save(reports, outPath, width, height);
        console.Line($"gradient flow of {reports.Count} run(s) written to {outPath} ({width}×{height})");
    });

    public static int Capacity(IReadOnlyList<string> reportPaths, string outPath, int width, int height, CliConsole console) => Guard(console, () =>
    {
        if (reportPaths.Count == 0)
            throw new ArgumentException("plot capacity needs delayed-recall reports: --report FILE... written by `neurocore train celif --task recall --report FILE`.");
        var reports = LoadSequenceReports(reportPaths);
        var arms = CapacityPlot.Group(reports);
        height = height == 0 ? CurvesHeight : height;
        CapacityPlot.Save(arms, reports[0].Report.ChanceAccuracy, outPath, width, height);
        var c = System.Globalization.CultureInfo.InvariantCulture;
        foreach (var arm in arms)
        {
            string seeds = string.Join(", ", arm.Capacities.Select(p => string.Create(c, $"seed {p.Seed} {(p.Capacity is { } v ? v.ToString(c) : "none")}")));
            string means = string.Join(", ", arm.ByDelay.Select(d => string.Create(c, $"{d.Key}: {100 * d.Value.Average(q => q.Accuracy):F1} % ({d.Value.Count})")));
            console.Line($"{arm.Neuron}: capacity (largest D with ≥ 90 % at every measured D up to it) per seed: {seeds}; mean accuracy per D: {means}");
        }
        console.Line($"capacity of {arms.Count} neuron(s) from {reports.Count} report(s) written to {outPath} ({width}×{height})");
    });

    static List<(string Source, SequenceReport Report)> LoadSequenceReports(IReadOnlyList<string> reportPaths)
    {
        var reports = new List<(string, SequenceReport)>(reportPaths.Count);
        foreach (string path in reportPaths)
        {
            if (!File.Exists(path))
                throw new FileNotFoundException($"The report '{path}' does not exist; write one with `neurocore train celif ... --report FILE.json`.", path);
            try
            {
                reports.Add((path, SequenceReport.FromJson(File.ReadAllText(path))));
            }
            catch (System.Text.Json.JsonException e)
            {
                throw new ArgumentException($"The report '{path}' is not a `train celif` report (it needs the gradient-flow fields): {e.Message}", e);
            }
        }
        return reports;
    }

    static int Guard(CliConsole console, Action action)
    {
        try
        {
            action();
            return 0;
        }
        catch (Exception e) when (CliErrors.IsUserFacing(e))
        {
            console.Fail(e.Message);
            return 1;
        }
    }
}
