
namespace NeuroCore.Training.Tests;

public sealed class CliEndToEndTests
{
    static (int Code, string Output, string Error) Run(params string[] args) => CliRunner.Run(args);

    [Fact]
    public void TrainAnn_TinySubset_WritesValidReportAndCheckpoint_ThenEvalAndResumeWork()
    {
        string dir = TestData.NewDirectory();
        string report = Path.Combine(dir, "report.json");
        var (code, output, error) = Run("train", "ann", "--model", "mlp", "--data", "fmnist", "--epochs", "1",
            "--limit-train", "1000", "--limit-test", "500", "--batch-size", "50", "--threads", "2", "--seed", "9",
            "--out", dir, "--report", report);
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("epoch 1/1 done", output, StringComparison.Ordinal);
        Assert.Contains("test acc", output, StringComparison.Ordinal);

        string json = File.ReadAllText(report);
        foreach (string key in (string[])["\"method\"", "\"dataset\"", "\"epochs\"", "\"train_accuracy\"", "\"test_accuracy\"",
                     "\"seconds\"", "\"seconds_per_epoch\"", "\"seed\"", "\"threads\"", "\"model\"", "\"parameters\""])
            Assert.Contains(key, json, StringComparison.Ordinal);
        var r = TrainingReport.FromJson(json);
        Assert.Equal("ann", r.Method);
        Assert.Equal("fashion-mnist", r.Dataset);
        Assert.Equal("mlp", r.Model);
        Assert.Equal(784 * 512 + 512 + 512 * 10 + 10, r.Parameters);
        Assert.Equal(1, r.Epochs);
        Assert.Equal(1000, r.TrainSamples);
        Assert.Equal(500, r.TestSamples);
        Assert.Equal(9UL, r.Seed);
        Assert.Equal(2, r.Threads);
        Assert.InRange(r.TestAccuracy, 0.5, 1.0);   // 1000 samples, one epoch: ~0.7
        Assert.InRange(r.TrainAccuracy, 0.3, 1.0);
        Assert.True(r.Seconds > 0 && r.SecondsPerEpoch > 0 && r.SecondsPerEpoch <= r.Seconds);
        Assert.Single(r.History);
        Assert.True(File.Exists(Path.Combine(dir, "model.json")));
        Assert.True(File.Exists(TrainingCheckpoint.PathFor(dir, 1)));

        // eval rebuilds the model from model.json and reproduces the trainer's test accuracy exactly.
        var eval = Run("eval", "--model-dir", dir, "--data", "fmnist", "--limit-test", "500", "--threads", "1");
        Assert.True(eval.Code == 0, eval.Error);
        Assert.Contains($"({(int)Math.Round(r.TestAccuracy * 500)}/500)", eval.Output, StringComparison.Ordinal);

        // --resume continues after epoch 1.
        string report2 = Path.Combine(dir, "report2.json");
        var resumed = Run("train", "ann", "--model", "mlp", "--data", "fmnist", "--epochs", "2", "--limit-train", "1000",
            "--limit-test", "500", "--batch-size", "50", "--seed", "9", "--out", dir, "--resume", "--report", report2);
        Assert.True(resumed.Code == 0, resumed.Error);
        var r2 = TrainingReport.FromJson(File.ReadAllText(report2));
        Assert.Equal(1, r2.ResumedFromEpoch);
        Assert.Equal(2, r2.Epochs);
        Assert.True(File.Exists(TrainingCheckpoint.PathFor(dir, 2)));
    }

    [Fact]
    public void TrainAnn_FashionMnistMissing_FailsNamingPackageAndDataDir()
    {
        string empty = TestData.NewDirectory();
        var (code, _, error) = Run("train", "ann", "--data", "fmnist", "--data-dir", empty);
        Assert.Equal(1, code);
        Assert.Contains("apt-get install dataset-fashion-mnist", error, StringComparison.Ordinal);
        Assert.Contains("--data-dir", error, StringComparison.Ordinal);
        Assert.Contains(empty, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainAnn_AutoWithoutFashionMnist_FallsBackToBuiltinAndSaysSo()
    {
        string empty = TestData.NewDirectory();
        string report = Path.Combine(empty, "r.json");
        var (code, output, error) = Run("train", "ann", "--data-dir", empty, "--epochs", "1", "--limit-train", "256",
            "--limit-test", "128", "--batch-size", "64", "--report", report);
        Assert.True(code == 0, error);
        Assert.Contains("using the built-in procedural shapes", output, StringComparison.Ordinal);
        Assert.Equal("builtin-shapes", TrainingReport.FromJson(File.ReadAllText(report)).Dataset);
    }

    [Fact]
    public void Eval_DirectoryWithoutModel_FailsWithClearMessage()
    {
        string empty = TestData.NewDirectory();
        var (code, _, error) = Run("eval", "--model-dir", empty);
        Assert.Equal(1, code);
        Assert.Contains("model.json", error, StringComparison.Ordinal);
        Assert.Contains("neurocore train ann", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Eval_CorruptCheckpoint_FailsNamingTheFile()
    {
        string dir = TestData.NewDirectory();
        Assert.Equal(0, Run("train", "ann", "--data", "fmnist", "--epochs", "1", "--limit-train", "128", "--limit-test", "64",
            "--batch-size", "64", "--out", dir).Code);
        string path = TrainingCheckpoint.PathFor(dir, 1);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);   // truncated, as after a disk-full copy
        var (code, _, error) = Run("eval", "--model-dir", dir, "--limit-test", "64");
        Assert.Equal(1, code);
        Assert.Contains("epoch-0001.safetensors", error, StringComparison.Ordinal);
    }
}
