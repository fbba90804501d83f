using NeuroCore.Cli;

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
    public void BadArguments_AreParseErrors_NamingTheProblem(string line, string mentioned)
    {
        var (_, parse) = Parse(line);
        Assert.NotEmpty(parse.Errors);
        Assert.Contains(parse.Errors, e => e.Message.Contains(mentioned, StringComparison.Ordinal));
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
