using NeuroCore.Cli;
using NeuroCore.Training.Methods.CeLif;

namespace NeuroCore.Training.Tests;

/// <summary><c>train celif</c> and <c>plot grad-flow</c> through the command line: parsing, a tiny run, bad input.</summary>
public sealed class CeLifCliTests
{
    static (int Code, string Output, string Error) Run(params string[] args) => CliRunner.Run(args);

    static (CliApp App, System.CommandLine.ParseResult Parse) Parse(string line)
    {
        var app = new CliApp(new CliConsole(TextWriter.Null, TextWriter.Null, interactive: false));
        return (app, app.BuildRootCommand().Parse(line));
    }

    [Fact]
    public void TrainCelif_AllOptions_AreRead()
    {
        var (app, parse) = Parse("train celif --task recall --neuron celif --embedding c3 --delay 100 --hidden 48 --no-equal-params " +
                                 "--epochs 3 --batch-size 16 --lr 0.002 --seed 5 --threads 1 --limit-train 64 --limit-test 32 --report r.json");
        Assert.Empty(parse.Errors);
        var s = app.ReadTrainCelif(parse);
        Assert.Equal(("recall", SequenceNeuron.CeLif, ContextEmbedding.C3, 100, 48), (s.Task, s.NeuronKind, s.EmbeddingKind, s.Delay, s.EffectiveHidden));
        Assert.True(s.NoEqualParameters);
        Assert.Equal((3, 16, 0.002, 5UL, "cosine"), (s.EffectiveEpochs, s.EffectiveBatchSize, s.EffectiveLearningRate, s.Seed, s.EffectiveSchedule));
        var (pixelApp, pixel) = Parse("train celif --task psfmnist");
        Assert.Equal(64, pixelApp.ReadTrainCelif(pixel).EffectiveHidden);
        var (rowApp, row) = Parse("train celif");
        Assert.Equal(("sfmnist-row", SequenceNeuron.Lif, 128), (rowApp.ReadTrainCelif(row).Task, rowApp.ReadTrainCelif(row).NeuronKind, rowApp.ReadTrainCelif(row).EffectiveHidden));
    }

    [Theory]
    [InlineData("train celif --task smnist", "smnist")]
    [InlineData("train celif --neuron izhikevich", "izhikevich")]
    [InlineData("train celif --neuron celif --embedding c4", "c4")]
    [InlineData("train celif --hidden 0", "--hidden")]
    public void BadArguments_AreParseErrors(string line, string mentioned)
    {
        var (_, parse) = Parse(line);
        Assert.Contains(parse.Errors, e => e.Message.Contains(mentioned, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--task recall --delay 10", "25 ≤ D ≤ 400")]
    [InlineData("--task recall --delay 500", "--delay D")]
    [InlineData("--task sfmnist-row --delay 50", "only applies to --task recall")]
    [InlineData("--task recall --neuron lif --embedding c1", "add --neuron celif")]
    public void BadCombinations_FailNamingTheFix(string options, string fix)
    {
        var (code, _, error) = Run(["train", "celif", .. options.Split(' '), "--epochs", "1", "--limit-train", "8", "--limit-test", "8"]);
        Assert.Equal(1, code);
        Assert.Contains(fix, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainCelif_Recall_WritesItsReport_AndPlotGradFlowDrawsIt()
    {
        string dir = TestData.NewDirectory();
        string a = Path.Combine(dir, "lif.json"), b = Path.Combine(dir, "celif.json"), png = Path.Combine(dir, "gf.png");
        var (code, output, error) = Run("train", "celif", "--task", "recall", "--delay", "25", "--neuron", "lif", "--hidden", "16",
            "--epochs", "1", "--limit-train", "64", "--limit-test", "32", "--batch-size", "32", "--threads", "1", "--report", a);
        Assert.True(code == 0, error);
        Assert.Contains("train celif: lif 17-16-16-8", output, StringComparison.Ordinal);
        Assert.Contains("gradient flow", output, StringComparison.Ordinal);
        var r = SequenceReport.FromJson(File.ReadAllText(a));
        Assert.Equal(("recall", "lif", 25, 35), (r.Task, r.Neuron, r.Delay, r.Steps));
        Assert.Single(r.TestAccuracyPerEpoch);
        Assert.Equal(35, r.GradientFlowFinal.Norms.Count);
        Assert.Equal(CeLifMethod.MethodName, r.Training.Method);

        var celif = Run("train", "celif", "--task", "recall", "--delay", "25", "--neuron", "celif", "--embedding", "c1", "--hidden", "16",
            "--epochs", "1", "--limit-train", "64", "--limit-test", "32", "--batch-size", "32", "--threads", "1", "--report", b);
        Assert.True(celif.Code == 0, celif.Error);
        var rc = SequenceReport.FromJson(File.ReadAllText(b));
        Assert.Equal(("celif", "c1", 16), (rc.Neuron, rc.Embedding, rc.ReferenceHidden));
        Assert.True(rc.Hidden < 16, $"CE-LIF C1 carries a T×N table, so its width shrinks to match LIF's count (got {rc.Hidden})");
        Assert.True(rc.Parameters <= r.Parameters, $"{rc.Parameters} > {r.Parameters}");

        var plot = Run("plot", "grad-flow", "--report", a, "--report", b, "--out", png, "--width", "800", "--height", "300");
        Assert.True(plot.Code == 0, plot.Error);
        Assert.Contains("2 run(s)", plot.Output, StringComparison.Ordinal);
        PlotTests.AssertPng(png, 800, 300);
    }

    [Fact]
    public void PlotGradFlow_OnAPlainTrainingReport_SaysWhatItNeeds()
    {
        string dir = TestData.NewDirectory();
        string path = Path.Combine(dir, "plain.json");
        File.WriteAllText(path, "{\"method\": \"ann\"}");
        var (code, _, error) = Run("plot", "grad-flow", "--report", path, "--out", Path.Combine(dir, "x.png"));
        Assert.Equal(1, code);
        Assert.Contains("train celif", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainCelif_DecayBoundAndClip_AreRead_AndBadValuesRefused()
    {
        var (app, parse) = Parse("train celif --neuron alif --decay-bound sigmoid --clip-grad-norm 0.5");
        Assert.Empty(parse.Errors);
        var s = app.ReadTrainCelif(parse);
        Assert.Equal((NeuroCore.Snn.DecayBound.Sigmoid, 0.5), (s.DecayBound, s.TrainerOptions.ClipGradNorm));
        Assert.Null(app.ReadTrainCelif(Parse("train celif").Parse).TrainerOptions.ClipGradNorm);
        Assert.Contains(Parse("train celif --clip-grad-norm 0").Parse.Errors, e => e.Message.Contains("--clip-grad-norm must be a positive", StringComparison.Ordinal));
        Assert.Contains(Parse("train celif --decay-bound tanh").Parse.Errors, e => e.Message.Contains("tanh", StringComparison.Ordinal));
        Assert.Empty(Parse("train snn --clip-grad-norm 2").Parse.Errors);   // a shared training option
        var (code, _, error) = Run("train", "celif", "--task", "recall", "--neuron", "celif", "--decay-bound", "sigmoid", "--epochs", "1",
            "--limit-train", "8", "--limit-test", "8");
        Assert.Equal(1, code);
        Assert.Contains("Drop --decay-bound", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainCelif_OutDir_ResumesExactly_AndEvalRasterAndCapacityReadIt()
    {
        string dir = TestData.NewDirectory();
        string straight = Path.Combine(dir, "straight"), resumed = Path.Combine(dir, "resumed");
        string a = Path.Combine(dir, "a.json"), b = Path.Combine(dir, "b.json"), c = Path.Combine(dir, "c.json");
        string[] common = ["train", "celif", "--task", "recall", "--delay", "25", "--neuron", "lif", "--decay-bound", "sigmoid", "--hidden", "12",
            "--limit-train", "96", "--limit-test", "40", "--batch-size", "32", "--threads", "1", "--seed", "4", "--clip-grad-norm", "1",
            "--schedule", "constant"];   // a cosine schedule spans --epochs, so a 1-epoch first run would anneal differently
        var full = Run([.. common, "--epochs", "2", "--out", straight, "--report", a]);
        Assert.True(full.Code == 0, full.Error);
        var first = Run([.. common, "--epochs", "1", "--out", resumed]);
        Assert.True(first.Code == 0, first.Error);
        var second = Run([.. common, "--epochs", "2", "--out", resumed, "--resume", "--report", b]);
        Assert.True(second.Code == 0, second.Error);
        var ra = SequenceReport.FromJson(File.ReadAllText(a));
        var rb = SequenceReport.FromJson(File.ReadAllText(b));
        Assert.Equal((1, 1.0), (rb.Training.ResumedFromEpoch, rb.Training.ClipGradNorm!.Value));
        Assert.Equal("sigmoid", rb.DecayBound);
        Assert.Equal(ra.TestAccuracyPerEpoch[^1], rb.TestAccuracyPerEpoch[^1]);
        Assert.Equal(ra.Training.History[^1].TestLoss, rb.Training.History[^1].TestLoss);
        var ma = TrainedModel.Load(straight);
        var mb = TrainedModel.Load(resumed);
        Assert.Equal(ma.Store.Values.ToArray(), mb.Store.Values.ToArray());   // bitwise: the resume continued the same run
        Assert.IsType<SequenceClassifier>(ma.Model);

        // eval regenerates the recall test set from the training seed and delay and reproduces the trainer's figure.
        var eval = Run("eval", "--model-dir", straight, "--limit-test", "40", "--threads", "1");
        Assert.True(eval.Code == 0, eval.Error);
        Assert.Contains("delayed-recall(D=25)", eval.Output, StringComparison.Ordinal);
        Assert.Contains($"({(int)Math.Round(ra.TestAccuracy * 40)}/40)", eval.Output, StringComparison.Ordinal);

        string raster = Path.Combine(dir, "raster.png");
        var plot = Run("plot", "raster", "--model", straight, "--sample", "2", "--out", raster);
        Assert.True(plot.Code == 0, plot.Error);
        PlotTests.AssertPng(raster, 1200, (2 * 250) + 50);   // fc1 and fc2

        var other = Run([.. common.Select(x => x == "lif" ? "alif" : x), "--epochs", "1", "--report", c]);
        Assert.True(other.Code == 0, other.Error);
        string png = Path.Combine(dir, "capacity.png");
        var capacity = Run("plot", "capacity", "--report", a, c, "--out", png, "--width", "900", "--height", "400");
        Assert.True(capacity.Code == 0, capacity.Error);
        Assert.Contains("lif-sigmoid: capacity", capacity.Output, StringComparison.Ordinal);
        Assert.Contains("alif-sigmoid: capacity", capacity.Output, StringComparison.Ordinal);
        PlotTests.AssertPng(png, 900, 400);
        var twice = Run("plot", "capacity", "--report", a, b, "--out", png);
        Assert.Equal(1, twice.Code);
        Assert.Contains("pass each run once", twice.Error, StringComparison.Ordinal);
    }
}
