namespace NeuroCore.Training.Tests;

public sealed class TrainingReportTests
{
    [Fact]
    public void ToJson_UsesSnakeCase_AndRoundTrips()
    {
        var report = new TrainingReport
        {
            Method = "ann", Dataset = "fashion-mnist", Model = "cnn", Parameters = 421642, Epochs = 3, TrainSamples = 60000,
            TestSamples = 10000, BatchSize = 128, Optimizer = "adam", LearningRate = 1e-3, Schedule = "cosine", Seed = 42,
            Threads = 2, TrainAccuracy = 0.93, TestAccuracy = 0.915, TrainLoss = 0.2, TestLoss = 0.25, Seconds = 100,
            SecondsPerEpoch = 30, History = [new EpochMetrics(1, 0.5, 0.8, 0.4, 0.85, 1e-3, 30, 2)],
        };
        string json = report.ToJson();
        Assert.Contains("\"seconds_per_epoch\": 30", json, StringComparison.Ordinal);
        Assert.Contains("\"test_accuracy\": 0.915", json, StringComparison.Ordinal);
        Assert.Contains("\"train_loss\": 0.5", json, StringComparison.Ordinal);
        Assert.DoesNotContain("spike", json, StringComparison.Ordinal);   // spiking fields are left out of an ANN report
        Assert.DoesNotContain("\"steps\"", json, StringComparison.Ordinal);
        var back = TrainingReport.FromJson(json);
        Assert.Equal(report.Parameters, back.Parameters);
        Assert.Equal(report.Seed, back.Seed);
        Assert.Equal(report.History[0], back.History[0]);
    }

    [Fact]
    public void FromJson_Malformed_ThrowsJsonException()
    {
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => TrainingReport.FromJson("{\"method\": 3"));
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => TrainingReport.FromJson("null"));
    }
}
