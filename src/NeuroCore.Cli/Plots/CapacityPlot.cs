using NeuroCore.Training.Methods.CeLif;
using ScottPlot;

namespace NeuroCore.Cli.Plots;

/// <summary>
/// Memory capacity from delayed-recall reports: test accuracy (%) against the delay D, one colour per neuron, its
/// seeds as points and their mean as a line, with the 90 % criterion and chance drawn as dashed lines.
/// </summary>
internal static class CapacityPlot
{
    /// <summary>One neuron's runs: per delay, the (seed, accuracy) points.</summary>
    public sealed record Arm(string Neuron, SortedDictionary<int, List<(ulong Seed, double Accuracy)>> ByDelay)
    {
        /// <summary>Each seed's capacity (<see cref="CeLifMethod.MemoryCapacity"/>) over the delays it was run at.</summary>
        public IEnumerable<(ulong Seed, int? Capacity)> Capacities =>
            ByDelay.SelectMany(d => d.Value.Select(p => (d.Key, p.Seed, p.Accuracy)))
                .GroupBy(p => p.Seed).OrderBy(g => g.Key)
                .Select(g => (g.Key, CeLifMethod.MemoryCapacity(g.Select(p => (p.Key, p.Accuracy)))));
    }

    /// <summary>Groups recall reports by neuron (in order of first appearance) and delay.</summary>
    /// <exception cref="ArgumentException">A report is not of the recall task, or one arm, delay and seed appears twice.</exception>
    public static IReadOnlyList<Arm> Group(IReadOnlyList<(string Source, SequenceReport Report)> reports)
    {
        var arms = new List<Arm>();
        foreach (var (source, r) in reports)
        {
            if (r.Task != "recall" || r.Delay is not { } delay)
                throw new ArgumentException(
                    $"The report '{source}' is of the {r.Task} task; plot capacity needs delayed-recall reports (`neurocore train celif --task recall --delay D --report FILE`).");
            var arm = arms.Find(a => a.Neuron == r.NeuronLabel);
            if (arm is null) arms.Add(arm = new Arm(r.NeuronLabel, []));
            if (!arm.ByDelay.TryGetValue(delay, out var points)) arm.ByDelay[delay] = points = [];
            ulong seed = r.Training.Seed;
            if (points.Exists(p => p.Seed == seed))
                throw new ArgumentException($"The report '{source}' repeats {r.NeuronLabel} at D = {delay} with seed {seed}; pass each run once.");
            points.Add((seed, r.TestAccuracy));
        }
        return arms;
    }

    /// <summary>Draws <paramref name="arms"/> into a PNG of <paramref name="width"/> × <paramref name="height"/> pixels.</summary>
    public static void Save(IReadOnlyList<Arm> arms, double chance, string path, int width, int height)
    {
        var figure = new Multiplot();
        figure.AddPlots(1);
        var plot = figure.GetPlot(0);
        var palette = new ScottPlot.Palettes.Category10();
        var delays = arms.SelectMany(a => a.ByDelay.Keys).Distinct().Order().ToArray();
        for (int i = 0; i < arms.Count; i++)
        {
            var arm = arms[i];
            var color = palette.GetColor(i);
            // Log2 of D on x, so 25, 50, 100, 200, 400 are evenly spaced; a small per-arm offset keeps seeds apart.
            double offset = (i - ((arms.Count - 1) / 2.0)) * 0.04;
            double[] xs = [.. arm.ByDelay.Keys.Select(d => Math.Log2(d))];
            double[] means = [.. arm.ByDelay.Values.Select(p => 100 * p.Average(q => q.Accuracy))];
            var line = plot.Add.ScatterLine(xs, means, color);
            line.LineWidth = 2;
            int seeds = arm.ByDelay.Values.Max(p => p.Count);
            var c = System.Globalization.CultureInfo.InvariantCulture;
            string capacities = string.Join("/", arm.Capacities.Select(p => p.Capacity is { } v ? v.ToString(c) : "<" + arm.ByDelay.Keys.First().ToString(c)));
            line.LegendText = $"{arm.Neuron} (≤ {seeds} seed{(seeds == 1 ? "" : "s")}; capacity {capacities})";
            var px = new List<double>();
            var py = new List<double>();
            foreach (var (delay, points) in arm.ByDelay)
                foreach (var (_, accuracy) in points)
                {
                    px.Add(Math.Log2(delay) + offset);
                    py.Add(100 * accuracy);
                }
            var dots = plot.Add.ScatterPoints(px.ToArray(), py.ToArray(), color);
            dots.MarkerSize = 7;
        }
        var criterion = plot.Add.HorizontalLine(90, 1, Colors.Gray, LinePattern.Dashed);
        criterion.LegendText = "90 % (capacity criterion)";
        var guess = plot.Add.HorizontalLine(100 * chance, 1, Colors.LightGray, LinePattern.Dotted);
        guess.LegendText = $"chance ({100 * chance:F1} %)";
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. delays.Select(d => Math.Log2(d))], [.. delays.Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        plot.Axes.SetLimits(Math.Log2(delays[0]) - 0.3, Math.Log2(delays[^1]) + 0.3, 0, 105);
        plot.Title("Delayed recall: test accuracy against delay (points: seeds, line: mean)");
        plot.XLabel("delay D (steps, log scale)");
        plot.YLabel("test accuracy (%)");
        plot.ShowLegend(Edge.Right);
        PlotFiles.SavePng(figure, path, width, height);
    }
}
