using NeuroCore.Checkpoints;
using NeuroCore.Nn;

namespace NeuroCore.Training.Tests;

/// <summary>The trainer's hooks for spiking models: the activity regulariser joins the loss, statistics come from the test set.</summary>
public sealed class SpikingTrainerTests
{
    static (FakeSpikingModel Model, ParameterStore Store) Fake(bool regularize)
    {
        var store = new ParameterStore();
        return (new FakeSpikingModel(store, regularize), store);
    }

    [Fact]
    public void Fit_RegularizationLoss_IsAddedToTheObjective()
    {
        // One plain SGD step (lr 0.1, no momentum) from the same weights W0 with and without R = Σ W²:
        // ∂R/∂W = 2 W0, so W_reg − W_plain = −lr · 2 W0 = −0.2 W0 exactly (up to rounding); the bias has no R term.
        var train = TestData.Train.Subset(32);
        var test = TestData.Test.Subset(8);
        float[] Step(bool regularize, out float[] w0)
        {
            var (model, store) = Fake(regularize);
            w0 = model.Fc.Weight.Span.ToArray();
            var options = new TrainerOptions { Epochs = 1, BatchSize = 32, Seed = 1 };
            new Trainer(model, store, new Sgd(store, 0.1f), options).Fit(train, test);
            return model.Fc.Weight.Span.ToArray();
        }
        float[] plain = Step(false, out float[] w0), regularized = Step(true, out _);
        for (int i = 0; i < w0.Length; i++)
            Assert.True(Math.Abs(regularized[i] - plain[i] - (-0.2f * w0[i])) <= 1e-6f,
                $"weight {i}: W_reg − W_plain = {regularized[i] - plain[i]:G6}, expected −0.2·W0 = {-0.2f * w0[i]:G6}");
    }

    [Fact]
    public void Fit_SpikingModel_RecordsStatisticsOfTheTestSetEvaluationPerEpoch()
    {
        var (model, store) = Fake(regularize: false);
        var options = new TrainerOptions { Epochs = 2, BatchSize = 16, Seed = 1 };
        var result = new Trainer(model, store, new Adam(store, 1e-3f), options).Fit(TestData.Train.Subset(64), TestData.Test.Subset(24));
        Assert.Equal(2, result.History.Count);
        foreach (var m in result.History)
        {
            var layer = Assert.Single(m.SpikeStatistics!);
            Assert.Equal("fc", layer.Layer);
            Assert.Equal(24, layer.Samples);   // reset before the evaluation: the 64 training samples are not counted
            Assert.Equal(FakeSpikingModel.Rate, layer.SpikeRate);
        }
    }

    [Fact]
    public void Evaluate_NonSpikingModel_HasNoSpikeStatistics()
    {
        var store = new ParameterStore();
        var model = AnnModels.Mlp(store, 784, 16, 10, seed: 1);
        Assert.Null(Trainer.Evaluate(model, TestData.Test.Subset(8)).SpikeStatistics);
    }

    [Fact]
    public void TrainingRun_SpikingModel_ReportCarriesStepsOptionsRatesAndSynOps()
    {
        var (model, store) = Fake(regularize: true);
        var description = new ModelDescription { Architecture = "snn-fake", Classes = 10, InputShape = [1, 28, 28] };
        description.Metadata["neuron"] = "lif";
        string dir = TestData.NewDirectory();
        var run = new TrainingRun("surrogate-bptt", "snn-fake", model, store, description, new TrainingRecipe { Schedule = "cosine" },
            new TrainerOptions { Epochs = 1, BatchSize = 16, CheckpointDirectory = dir }, trainSamples: 32);
        var outcome = run.Execute(TestData.Train.Subset(32), TestData.Test.Subset(16), "fashion-mnist");
        var report = outcome.Report!;
        Assert.True(File.Exists(Path.Combine(dir, TrainingCheckpoint.DescriptionFileName)));

        string json = report.ToJson();
        foreach (string key in (string[])["\"steps\": 3", "\"spike_rate\": 0.25", "\"syn_ops_per_sample\": 100", "\"spike_statistics\"",
                     "\"model_options\"", "\"neuron\": \"lif\"", "\"method\": \"surrogate-bptt\"", "\"schedule\": \"cosine\""])
            Assert.Contains(key, json, StringComparison.Ordinal);
        var back = TrainingReport.FromJson(json);
        var layer = Assert.Single(back.SpikeStatistics!);
        Assert.Equal(("fc", 10, 16L), (layer.Layer, layer.Neurons, layer.Samples));
        Assert.Equal(16, Assert.Single(back.History).SpikeStatistics![0].Samples);
    }

    [Fact]
    public void OverallSpikeRate_WeighsLayersByTheirNeurons()
    {
        // (100 neurons at 0.1 + 300 at 0.3) / 400 = 0.25
        double? rate = TrainingReport.OverallSpikeRate([new("a", 100, 0.1, 0, 1), new("b", 300, 0.3, 0, 1)]);
        Assert.Equal(0.25, rate!.Value, 12);
        Assert.Null(TrainingReport.OverallSpikeRate([]));
    }
}
