using NeuroCore.Snn;
using ScottPlot;

namespace NeuroCore.Cli.Plots;

/// <summary>Spike rasters: one panel per spiking layer, time step on x, neuron on y, a bar per spike.</summary>
internal static class RasterPlot
{
    /// <summary>Draws <paramref name="layers"/> into a PNG of <paramref name="width"/> × <paramref name="height"/> pixels.</summary>
    /// <exception cref="ArgumentException">There are no layers, or a record's spikes do not match its shape.</exception>
    public static void Save(IReadOnlyList<SpikeRecord> layers, string title, string path, int width, int height)
    {
        if (layers.Count == 0) throw new ArgumentException("The model recorded no spiking layer, so there is no raster to draw.");
        var figure = new Multiplot { Layout = new ScottPlot.MultiplotLayouts.Rows() };
        figure.AddPlots(layers.Count);
        float panelHeight = (float)height / layers.Count;
        for (int l = 0; l < layers.Count; l++)
        {
            var record = layers[l];
            if (record.Spikes.Length != record.Steps * record.Neurons)
                throw new ArgumentException(
                    $"Layer '{record.Layer}' recorded {record.Spikes.Length} values; expected Steps × Neurons = {record.Steps} × {record.Neurons}.");
            var xs = new List<double>();
            var ys = new List<double>();
            for (int t = 0; t < record.Steps; t++)
                for (int n = 0; n < record.Neurons; n++)
                    if (record.Spikes[t * record.Neurons + n] != 0)
                    {
                        xs.Add(t);
                        ys.Add(n);
                    }
            var plot = figure.GetPlot(l);
            // A bar as tall as one neuron's row (at least 2 px so sparse layers stay visible).
            float size = Math.Clamp((panelHeight - 80) / Math.Max(1, record.Neurons), 2f, 12f);
            if (xs.Count > 0) plot.Add.Markers(xs.ToArray(), ys.ToArray(), MarkerShape.VerticalBar, size, Colors.Black);
            double rate = (double)xs.Count / Math.Max(1, record.Spikes.Length);
            plot.Title((l == 0 ? title + "\n" : "") + $"{record.Layer}: {record.Neurons:N0} neurons, {xs.Count:N0} spikes (rate {100 * rate:F2} %)");
            plot.XLabel("time step");
            plot.YLabel("neuron");
            plot.Axes.SetLimits(-0.5, record.Steps - 0.5, -0.5, record.Neurons - 0.5);
        }
        PlotFiles.SavePng(figure, path, width, height);
    }
}
