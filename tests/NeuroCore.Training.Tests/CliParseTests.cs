using NeuroCore.Cli;
using NeuroCore.Snn;

namespace NeuroCore.Training.Tests;

public sealed class CliParseTests
{
    static (CliApp App, System.CommandLine.ParseResult Parse) Parse(string line)
    {
        var app = new CliApp(new CliConsole(TextWriter.Null, TextWriter.Null, interactive: false));
        return (app, app.BuildRootCommand().Parse(line));
    }

    [Fact]
    public void TrainAnn_AllOptions_AreRead()
    {
        var (app, parse) = Parse(
            "train ann --model cnn --data builtin --data-dir d --epochs 3 --batch-size 64 --lr 0.01 --optimizer sgd " +
            "--schedule cosine --seed 7 --threads 2 --out o --report r.json --resume --limit-train 100 --limit-test 50");
        Assert.Empty(parse.Errors);
        var s = app.ReadTrainAnn(parse);
        Assert.Equal("cnn", s.Model);
        Assert.Equal("builtin", s.Data);
        Assert.Equal("d", s.DataDir);
        Assert.Equal(3, s.EffectiveEpochs);
        Assert.Equal(64, s.EffectiveBatchSize);
        Assert.Equal(0.01, s.EffectiveLearningRate);
        Assert.Equal("sgd", s.Optimizer);
        Assert.Equal("cosine", s.EffectiveSchedule);
        Assert.Equal(7UL, s.Seed);
        Assert.Equal(2, s.Threads);
        Assert.Equal("o", s.OutputDirectory);
        Assert.Equal("r.json", s.ReportPath);
        Assert.True(s.Resume);
        Assert.Equal(100, s.LimitTrain);
        Assert.Equal(50, s.LimitTest);
    }

    [Fact]
    public void TrainAnn_NoOptions_GivesPyTorchLikeDefaults()
    {
        var (app, parse) = Parse("train ann");
        Assert.Empty(parse.Errors);
        var s = app.ReadTrainAnn(parse);
        Assert.Equal("mlp", s.Model);
        Assert.Equal("auto", s.Data);
        Assert.Equal(10, s.EffectiveEpochs);
        Assert.Equal(128, s.EffectiveBatchSize);
        Assert.Equal("adam", s.Optimizer);
        Assert.Equal(1e-3, s.EffectiveLearningRate);
        Assert.Equal("constant", s.EffectiveSchedule);
        Assert.Equal(1UL, s.Seed);
        Assert.Equal(Environment.ProcessorCount, s.Threads);
        Assert.Null(s.OutputDirectory);
        Assert.False(s.Resume);
    }

    [Fact]
    public void TrainAnn_CnnWithoutSchedule_DefaultsToCosine()
    {
        var (app, parse) = Parse("train ann --model cnn");
        Assert.Equal("cosine", app.ReadTrainAnn(parse).EffectiveSchedule);
    }

    [Theory]
    [InlineData("train ann --model rnn", "rnn")]
    [InlineData("train ann --data mnist", "mnist")]
    [InlineData("train ann --epochs 0", "--epochs")]
    [InlineData("train ann --batch-size -4", "--batch-size")]
    [InlineData("train ann --lr -1", "--lr")]
    [InlineData("train ann --lr NaN", "--lr")]
    [InlineData("train ann --threads 0", "--threads")]
    [InlineData("train ann --epochs ten", "ten")]
    [InlineData("train ann --resume", "--out")]
    [InlineData("train ann --schedule linear", "linear")]
    [InlineData("train ann --limit-train 0", "--limit-train")]
    [InlineData("eval", "--model-dir")]
    [InlineData("train snn --model cnn", "cnn")]
    [InlineData("train snn --neuron izhikevich", "izhikevich")]
    [InlineData("train snn --surrogate erf", "erf")]
    [InlineData("train snn --surrogate atan:-2", "--surrogate")]
    [InlineData("train snn --steps 0", "--steps")]
    [InlineData("train snn --encoding poisson", "poisson")]
    [InlineData("train snn --beta 0", "--beta")]
    [InlineData("train snn --beta 1.5", "--beta")]
    [InlineData("train snn --beta NaN", "--beta")]
    [InlineData("train snn --threshold -1", "--threshold")]
    [InlineData("train snn --rho 1.5", "--rho")]
    [InlineData("train snn --kappa -1", "--kappa")]
    [InlineData("train snn --readout softmax", "softmax")]
    [InlineData("train snn --hidden 0", "--hidden")]
    [InlineData("train snn --hidden 512,x", "--hidden")]
    [InlineData("train snn --rate-reg -0.1", "--rate-reg")]
    [InlineData("train snn --target-rate 1", "--target-rate")]
    [InlineData("train snn --reset zero", "zero")]
    [InlineData("train snn --resume", "--out")]
    [InlineData("plot curves --out c.png", "--report")]
    [InlineData("plot curves --report r.json", "--out")]
    [InlineData("plot curves --report r.json --out c.png --width 10", "--width")]
    [InlineData("plot raster --out r.png", "--model")]
    [InlineData("plot raster --model d --out r.png --sample -1", "--sample")]
    public void BadArguments_AreParseErrors_NamingTheProblem(string line, string mentioned)
    {
        var (_, parse) = Parse(line);
        Assert.NotEmpty(parse.Errors);
        Assert.Contains(parse.Errors, e => e.Message.Contains(mentioned, StringComparison.Ordinal));
    }

    [Fact]
    public void TrainSnn_AllOptions_AreRead()
    {
        var (app, parse) = Parse(
            "train snn --model mlp --neuron alif --surrogate atan:3 --steps 10 --encoding latency --beta 0.8 --threshold 0.5 --rho 0.9 --kappa 2 " +
            "--readout spike-count --hidden 300,100 --rate-reg 0.01 --target-rate 0.05 --reset hard --detach-reset --learn-beta " +
            "--learn-threshold --data builtin --epochs 2 --batch-size 32 --lr 5e-4 --optimizer adamw --schedule cosine --seed 3 " +
            "--threads 1 --out o --report r.json --limit-train 100 --limit-test 50");
        Assert.Empty(parse.Errors);
        var s = app.ReadTrainSnn(parse);
        Assert.Equal(("builtin", 2, 32, 5e-4, "adamw", "cosine", 3UL, 1), (s.Data, s.EffectiveEpochs, s.EffectiveBatchSize,
            s.EffectiveLearningRate, s.Optimizer, s.EffectiveSchedule, s.Seed, s.Threads));
        Assert.Equal(("o", "r.json", 100, 50), (s.OutputDirectory, s.ReportPath, s.LimitTrain, s.LimitTest));
        var o = s.ModelOptions;
        Assert.Equal("mlp", o.Architecture);
        Assert.Equal(NeuronKind.Alif, o.Neuron);
        Assert.Equal(new SurrogateSpec(SurrogateKind.ATan, 3f), o.Surrogate);
        Assert.Equal(10, o.Steps);
        Assert.Equal(SpikeEncoding.Latency, o.Encoding);
        Assert.Equal((0.8f, 0.5f, 0.9f, 2f), (o.Beta, o.Threshold, o.Rho, o.Kappa));
        Assert.Equal(ReadoutKind.SpikeCount, o.Readout);
        Assert.Equal([300, 100], o.Hidden);
        Assert.Equal((0.01f, 0.05f), (o.RateRegularization, o.TargetRate));
        Assert.False(o.SoftReset);
        Assert.True(o.DetachReset && o.LearnBeta && o.LearnThreshold);
    }

    [Theory]
    [InlineData("mlp", SpikeEncoding.Direct, 25, "cosine")]
    [InlineData("conv", SpikeEncoding.Direct, 4, "cosine")]
    public void TrainSnn_NoOptions_TakesThePerModelDefaults(string model, SpikeEncoding encoding, int steps, string schedule)
    {
        var (app, parse) = Parse("train snn --model " + model);
        Assert.Empty(parse.Errors);
        var s = app.ReadTrainSnn(parse);
        var o = s.ModelOptions;
        Assert.Equal((model, encoding, steps, schedule), (o.Architecture, o.Encoding, o.Steps, s.EffectiveSchedule));
        Assert.Equal(NeuronKind.Lif, o.Neuron);
        Assert.Equal(SurrogateSpec.Default(SurrogateKind.FastSigmoid), o.Surrogate);
        Assert.Equal((10, 128, 1e-3, "adam"), (s.EffectiveEpochs, s.EffectiveBatchSize, s.EffectiveLearningRate, s.Optimizer));
    }

    [Fact]
    public void Plot_Options_AreParsed()
    {
        var (_, curves) = Parse("plot curves --report r.json --out c.png --width 800 --height 300");
        Assert.Empty(curves.Errors);
        var (_, raster) = Parse("plot raster --model d --sample 7 --data fmnist --out r.png");
        Assert.Empty(raster.Errors);
        var (_, alias) = Parse("plot raster --model-dir d --out r.png");
        Assert.Empty(alias.Errors);
    }

    [Fact]
    public void BadArguments_Run_ExitsNonZeroWithMessage()
    {
        var err = new StringWriter();
        var app = new CliApp(new CliConsole(TextWriter.Null, err, interactive: false));
        int code = app.Run(["train", "ann", "--epochs", "0"]);
        Assert.NotEqual(0, code);
        Assert.Contains("--epochs", err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Info_PrintsVersionSimdAndThreads()
    {
        var output = new StringWriter();
        var app = new CliApp(new CliConsole(output, TextWriter.Null, interactive: false));
        Assert.Equal(0, app.Run(["info"]));
        string text = output.ToString();
        Assert.Contains("NeuroCore 0.1.0", text, StringComparison.Ordinal);
        Assert.Contains("V128=", text, StringComparison.Ordinal);
        Assert.Contains("threads:", text, StringComparison.Ordinal);
    }
}
