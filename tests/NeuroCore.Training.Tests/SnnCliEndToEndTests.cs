
namespace NeuroCore.Training.Tests;

/// <summary><c>train snn</c>, <c>eval</c> and <c>plot raster</c> on a real (tiny) spiking run, through the command line.</summary>
public sealed class SnnCliEndToEndTests
{
    static (int Code, string Output, string Error) Run(params string[] args) => CliRunner.Run(args);

    [Fact]
    public void TrainSnnMlp_TinySubset_ReportHasSpikeStatistics_EvalReproducesIt_RasterDraws()
    {
        string dir = TestData.NewDirectory();
        string model = Path.Combine(dir, "model"), reportPath = Path.Combine(dir, "report.json");
        // Rate coding (not the default): the Poisson encoder is keyed by the seed, which eval must rebuild the model with.
        var (code, output, error) = Run("train", "snn", "--model", "mlp", "--encoding", "rate", "--steps", "10", "--data", "fmnist", "--epochs", "1",
            "--limit-train", "384", "--limit-test", "200", "--batch-size", "64", "--threads", "2", "--seed", "4",
            "--out", model, "--report", reportPath);
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("train snn: snn-mlp [lif, fast-sigmoid:25, T=10, rate encoding", output, StringComparison.Ordinal);
        Assert.Contains("spike rate", output, StringComparison.Ordinal);
        Assert.Contains("synops/sample", output, StringComparison.Ordinal);

        var r = TrainingReport.FromJson(File.ReadAllText(reportPath));
        Assert.Equal(("surrogate-bptt", "snn-mlp", "fashion-mnist", 10), (r.Method, r.Model, r.Dataset, r.Steps));
        Assert.Equal(784 * 512 + 512 + 512 * 10 + 10, r.Parameters);
        Assert.Equal("10", r.ModelOptions!["snn.steps"]);
        Assert.InRange(r.TestAccuracy, 0.3, 1.0);   // chance is 0.10; one epoch of 384 samples reaches ~0.6
        var layer = Assert.Single(r.SpikeStatistics!);
        Assert.Equal(("fc1", 512, 200L), (layer.Layer, layer.Neurons, layer.Samples));
        Assert.InRange(layer.SpikeRate, 1e-4, 0.9);
        // fc1 receives the encoded image: each input spike drives 512 synapses, so synops are a multiple of 512.
        Assert.True(layer.SynOpsPerSample > 512, $"synops per sample {layer.SynOpsPerSample}");
        Assert.Equal(layer.SynOpsPerSample, r.SynOpsPerSample!.Value, 6);
        Assert.Equal(layer.SpikeRate, r.SpikeRate!.Value, 12);
        Assert.Equal(layer, Assert.Single(r.History).SpikeStatistics!.Single());

        // eval rebuilds the spiking model (with the training seed, which keys the Poisson encoder) and reproduces the
        // trainer's test accuracy exactly, with the same spike table.
        var eval = Run("eval", "--model-dir", model, "--data", "fmnist", "--limit-test", "200", "--threads", "1");
        Assert.True(eval.Code == 0, eval.Error);
        Assert.Contains($"({(int)Math.Round(r.TestAccuracy * 200)}/200)", eval.Output, StringComparison.Ordinal);
        Assert.Contains("fc1", eval.Output, StringComparison.Ordinal);

        string raster = Path.Combine(dir, "raster.png");
        var plot = Run("plot", "raster", "--model", model, "--sample", "3", "--data", "fmnist", "--out", raster);
        Assert.True(plot.Code == 0, plot.Error);
        PlotTests.AssertPng(raster, 1200, 250 + 50);   // one spiking layer: one 250-pixel panel plus the title

        var past = Run("plot", "raster", "--model", model, "--sample", "10000", "--data", "fmnist", "--out", raster);
        Assert.Equal(1, past.Code);
        Assert.Contains("--sample 10000", past.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainSnnConv_TinySubset_TrainsWithItsDefaults()
    {
        string dir = TestData.NewDirectory();
        string reportPath = Path.Combine(dir, "report.json");
        var (code, output, error) = Run("train", "snn", "--model", "conv", "--steps", "2", "--data", "fmnist", "--epochs", "1",
            "--limit-train", "32", "--limit-test", "16", "--batch-size", "16", "--threads", "2", "--report", reportPath);
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("direct encoding", output, StringComparison.Ordinal);
        var r = TrainingReport.FromJson(File.ReadAllText(reportPath));
        Assert.Equal(("snn-conv", "cosine", 2), (r.Model, r.Schedule, r.Steps));
        Assert.Equal(["conv1", "conv2", "fc1"], r.SpikeStatistics!.Select(l => l.Layer));
        Assert.All(r.SpikeStatistics!, l => Assert.Equal(16, l.Samples));
    }

    [Fact]
    public void TrainSnnAlif_TinySubset_RecordsItsOptions()
    {
        string reportPath = Path.Combine(TestData.NewDirectory(), "report.json");
        var (code, output, error) = Run("train", "snn", "--neuron", "alif", "--rho", "0.9", "--kappa", "0.5", "--steps", "5",
            "--hidden", "64", "--data", "fmnist", "--epochs", "1", "--limit-train", "128", "--limit-test", "64", "--batch-size", "64",
            "--threads", "2", "--report", reportPath);
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("alif", output, StringComparison.Ordinal);
        var r = TrainingReport.FromJson(File.ReadAllText(reportPath));
        Assert.Equal(("Alif", "0.9", "0.5", "64"), (r.ModelOptions!["snn.neuron"], r.ModelOptions["snn.rho"], r.ModelOptions["snn.kappa"],
            r.ModelOptions["snn.hidden"]));
        Assert.Equal(784 * 64 + 64 + 64 * 10 + 10, r.Parameters);
        Assert.Equal(64, Assert.Single(r.SpikeStatistics!).Neurons);
    }
}
