using System.Buffers.Binary;
using NeuroCore.Checkpoints;
using NeuroCore.Cli.Plots;
using NeuroCore.Nn;
using NeuroCore.Snn;

namespace NeuroCore.Training.Tests;

public sealed class PlotTests
{
    static readonly byte[] s_pngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    static (int Code, string Output, string Error) Run(params string[] args) => CliRunner.Run(args);

    /// <summary>Asserts <paramref name="path"/> is a PNG (signature, then the IHDR chunk's width and height).</summary>
    internal static void AssertPng(string path, int width, int height)
    {
        Assert.True(File.Exists(path), $"{path} was not written");
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 33, $"{path} has only {bytes.Length} bytes");
        Assert.Equal(s_pngSignature, bytes[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
        Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
        Assert.Equal(height, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }

    static TrainingReport Report(int epochs) => new()
    {
        Method = "surrogate-bptt", Dataset = "fashion-mnist", Model = "snn-mlp", Parameters = 407050, Epochs = epochs,
        TrainSamples = 60000, TestSamples = 10000, BatchSize = 128, Optimizer = "adam", LearningRate = 1e-3, Schedule = "constant",
        Seed = 1, Threads = 2, TrainAccuracy = 0.9, TestAccuracy = 0.88, TrainLoss = 0.3, TestLoss = 0.35, Seconds = 10,
        SecondsPerEpoch = 3,
        History = [.. Enumerable.Range(1, epochs).Select(e => new EpochMetrics(e, 1.0 / e, 0.7 + 0.05 * e, 1.1 / e, 0.68 + 0.05 * e, 1e-3, 3, 1))],
    };

    [Fact]
    public void Curves_Report_WritesPngOfTheRequestedSize()
    {
        string dir = TestData.NewDirectory();
        string report = Path.Combine(dir, "r.json"), png = Path.Combine(dir, "sub", "curves.png");
        Report(epochs: 4).Save(report);
        var (code, output, error) = Run("plot", "curves", "--report", report, "--out", png, "--width", "640", "--height", "360");
        Assert.True(code == 0, error);
        Assert.Contains("curves of 4 epochs", output, StringComparison.Ordinal);
        AssertPng(png, 640, 360);
    }

    [Fact]
    public void Curves_MissingReport_FailsNamingTheFileAndHowToWriteOne()
    {
        string missing = Path.Combine(TestData.NewDirectory(), "none.json");
        var (code, _, error) = Run("plot", "curves", "--report", missing, "--out", missing + ".png");
        Assert.Equal(1, code);
        Assert.Contains(missing, error, StringComparison.Ordinal);
        Assert.Contains("--report FILE.json", error, StringComparison.Ordinal);
        Assert.False(File.Exists(missing + ".png"));
    }

    [Fact]
    public void Curves_ReportWithoutEpochs_FailsClearly()
    {
        string dir = TestData.NewDirectory();
        string report = Path.Combine(dir, "r.json");
        Report(epochs: 0).Save(report);
        var (code, _, error) = Run("plot", "curves", "--report", report, "--out", Path.Combine(dir, "c.png"));
        Assert.Equal(1, code);
        Assert.Contains("no epochs", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Curves_NotAReport_FailsClearly()
    {
        string dir = TestData.NewDirectory();
        string report = Path.Combine(dir, "r.json");
        File.WriteAllText(report, "{\"method\": 3");
        var (code, _, error) = Run("plot", "curves", "--report", report, "--out", Path.Combine(dir, "c.png"));
        Assert.Equal(1, code);
        Assert.Contains("is not a training report", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Raster_Records_WritesOnePanelPerLayer()
    {
        // Two layers, T = 5: layer a spikes on the diagonal, layer b never (an empty panel must still draw).
        var a = new float[5 * 8];
        for (int t = 0; t < 5; t++) a[t * 8 + t] = 1;
        string png = Path.Combine(TestData.NewDirectory(), "raster.png");
        RasterPlot.Save([new SpikeRecord("a", 5, 8, a), new SpikeRecord("b", 5, 3, new float[15])], "test", png, 500, 400);
        AssertPng(png, 500, 400);
    }

    [Fact]
    public void Raster_RecordOfWrongShape_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            RasterPlot.Save([new SpikeRecord("hidden", 5, 8, new float[39])], "t", Path.Combine(TestData.NewDirectory(), "x.png"), 300, 300));
        Assert.Contains("'hidden'", e.Message, StringComparison.Ordinal);
        Assert.Contains("5 × 8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Raster_NonSpikingModelDirectory_FailsSayingSo()
    {
        // A model directory as `train ann --out` writes it (description and one checkpoint), without the training.
        string dir = TestData.NewDirectory();
        var store = new ParameterStore();
        var description = AnnModels.MlpDescription(784, 16, 10);
        description.InputShape = [1, 28, 28];
        AnnModels.Build(store, description, seed: 1);
        Checkpoint.SaveDescription(Path.Combine(dir, TrainingCheckpoint.DescriptionFileName), description);
        TrainingCheckpoint.Save(dir, new TrainingState(1, 1, 1), store, new Adam(store, 1e-3f));
        var (code, _, error) = Run("plot", "raster", "--model", dir, "--out", Path.Combine(dir, "r.png"));
        Assert.Equal(1, code);
        Assert.Contains("non-spiking", error, StringComparison.Ordinal);
        Assert.Contains("train snn", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Raster_DirectoryWithoutModel_FailsNamingModelJson()
    {
        string empty = TestData.NewDirectory();
        var (code, _, error) = Run("plot", "raster", "--model", empty, "--out", Path.Combine(empty, "r.png"));
        Assert.Equal(1, code);
        Assert.Contains("model.json", error, StringComparison.Ordinal);
    }
}
