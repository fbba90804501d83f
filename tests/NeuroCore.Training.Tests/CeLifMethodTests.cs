using System.Diagnostics;
using NeuroCore.Data;
using NeuroCore.Snn;
using NeuroCore.Training.Methods.CeLif;

namespace NeuroCore.Training.Tests;

/// <summary>The sequence method: tiny runs learn above chance, the report has its fields, bad options say the fix.</summary>
public sealed class CeLifMethodTests
{
    static readonly TrainingRecipe s_recipe = new() { Optimizer = "adam", LearningRate = 3e-3, Schedule = "cosine" };

    static SequenceReport Run(SequenceSet train, SequenceSet test, SequenceNeuron neuron, int hidden, int epochs, int batch = 32)
    {
        var options = CeLifMethod.Options(train, neuron, null, hidden);
        var trainer = new TrainerOptions { Epochs = epochs, BatchSize = batch, Seed = 1, Threads = 1 };
        var run = CeLifMethod.CreateRun(options, s_recipe, trainer, train, test, hidden);
        return run.Execute()!;
    }

    [Fact]
    public void Recall_D25_LearnsAboveChance_AndTheReportHasItsFields()
    {
        var clock = Stopwatch.StartNew();
        var (train, test) = DelayedRecall.Generate(1024, 256, 25, seed: 2);
        var report = Run(train, test, SequenceNeuron.Lif, hidden: 64, epochs: 5);
        Assert.True(report.TestAccuracy > 0.5, $"recall D = 25: test accuracy {report.TestAccuracy:P1}, chance 12.5 %");
        Assert.Equal("recall", report.Task);
        Assert.Equal(25, report.Delay);
        Assert.Equal(DelayedRecall.StepsFor(25), report.Steps);
        Assert.Equal(DelayedRecall.GoSteps, report.ReadoutSteps);
        Assert.Equal(5, report.TestAccuracyPerEpoch.Count);
        Assert.InRange(report.EpochsTo90PercentOfFinal!.Value, 1, 5);
        Assert.Equal(report.Steps, report.GradientFlowInitial.Norms.Count);
        Assert.Equal(report.Steps, report.GradientFlowFinal.Norms.Count);
        Assert.Contains(report.GradientFlowFinal.Norms, n => n > 0);
        Assert.NotNull(report.Training.SpikeStatistics);
        Assert.Equal(2, report.Training.SpikeStatistics!.Count);

        var back = SequenceReport.FromJson(report.ToJson());
        Assert.Equal(report.TestAccuracyPerEpoch, back.TestAccuracyPerEpoch);
        Assert.Equal(report.GradientFlowFinal.Norms, back.GradientFlowFinal.Norms);
        Assert.Contains("\"epochs_to90_percent_of_final\"", report.ToJson());
        Assert.True(clock.Elapsed.TotalSeconds < 60, $"took {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public void RowWise_OnFashionMnistSubset_LearnsAboveChance()
    {
        if (!FashionMnist.IsAvailable()) return;
        var (train, test) = SequenceTasks.FromImages("sfmnist-row", new DatasetSplit(TestData.Train.Subset(2048), TestData.Test.Subset(256)));
        var report = Run(train, test, SequenceNeuron.Lif, hidden: 64, epochs: 1);
        Assert.Equal((28, 28), (report.Steps, report.Features));
        Assert.True(report.TestAccuracy > 0.4, $"row-wise S-FMNIST: test accuracy {report.TestAccuracy:P1}, chance 10 %");
    }

    [Fact]
    public void Recall_D25_CeLifC1_LearnsAboveChance()
    {
        var (train, test) = DelayedRecall.Generate(1024, 256, 25, seed: 2);
        var options = CeLifMethod.Options(train, SequenceNeuron.CeLif, ContextEmbedding.C1, 64);
        var trainer = new TrainerOptions { Epochs = 4, BatchSize = 32, Seed = 1, Threads = 1 };
        var report = CeLifMethod.CreateRun(options, s_recipe, trainer, train, test, 64).Execute()!;
        Assert.Equal(("celif", "c1"), (report.Neuron, report.Embedding));
        Assert.True(report.TestAccuracy > 0.2, $"CE-LIF C1 recall D = 25: test accuracy {report.TestAccuracy:P1}, chance 12.5 %");
        Assert.True(report.Training.SpikeRate > 0, "the CE-LIF network must fire");
    }

    [Fact]
    public void GradientFlow_HasOneFiniteNormPerStep_AndLeavesTheGradsAtZero()
    {
        // One norm per step, finite, the last step (inside the readout window) non-zero, and the store's gradients
        // left at zero so the diagnostic cannot leak into the next optimizer step.
        var (train, _) = DelayedRecall.Generate(16, 16, 25, seed: 1);
        var options = CeLifMethod.Options(train, SequenceNeuron.Lif, null, 16);
        var store = new ParameterStore();
        var model = new SequenceClassifier(store, options, 1);
        var norms = GradientFlow.Measure(model, store, train, batchSize: 8);
        Assert.Equal(train.Steps, norms.Length);
        Assert.All(norms, n => Assert.True(n >= 0 && double.IsFinite(n)));
        Assert.True(norms[^1] > 0, "the last step feeds the readout directly");
        Assert.All(store.Grads.ToArray(), g => Assert.Equal(0f, g));
    }

    [Fact]
    public void GradientFlow_WithoutMembraneMemory_VanishesBeforeTheReadoutWindow()
    {
        // With β ≈ 0 a step's current reaches the loss only through that step's spikes, and the readout reads the last
        // 5 steps only: every earlier step must carry (almost) no gradient, the steps in the window must carry some.
        var (train, _) = DelayedRecall.Generate(8, 8, 25, seed: 1);
        var options = CeLifMethod.Options(train, SequenceNeuron.Lif, null, 8) with { Beta = 0.000001f };
        var store = new ParameterStore();
        var model = new SequenceClassifier(store, options, 1);
        var norms = GradientFlow.Measure(model, store, train, batchSize: 8);
        int window = options.EffectiveReadoutSteps;
        double early = norms.Take(train.Steps - window - 1).Max(), late = norms.Skip(train.Steps - window).Min();
        Assert.True(early < 1e-3 * late, $"memoryless neurons: max early norm {early:G3} vs min in-window norm {late:G3}");
    }

    [Fact]
    public void ParameterBudget_MatchesLifWithinOneNeuron()
    {
        var (train, _) = DelayedRecall.Generate(4, 4, 25, seed: 1);
        var lif = CeLifMethod.Options(train, SequenceNeuron.Lif, null, 64);
        var alif = CeLifMethod.Options(train, SequenceNeuron.Alif, null, 64);
        Assert.Equal(64, lif.Hidden);
        long target = ParameterBudget.Count(lif);
        Assert.True(ParameterBudget.Count(alif) <= target);
        Assert.True(ParameterBudget.Count(alif with { Hidden = alif.Hidden + 1 }) > target);
        Assert.Equal(10, ParameterBudget.HiddenFor(lif, ParameterBudget.Count(lif with { Hidden = 10 })));
        Assert.Equal(9, ParameterBudget.HiddenFor(lif, ParameterBudget.Count(lif with { Hidden = 10 }) - 1));
    }

    [Fact]
    public void BadCombinations_SayTheFix()
    {
        var (train, _) = DelayedRecall.Generate(4, 4, 25, seed: 1);
        var e = Assert.Throws<ArgumentException>(() => CeLifMethod.Options(train, SequenceNeuron.Lif, ContextEmbedding.C2, 16));
        Assert.Contains("--neuron celif", e.Message);
        var t = Assert.Throws<ArgumentException>(() =>
            new SequenceModelOptions { Steps = 10, Features = 2, Classes = 3, Threshold = 0f }.Validate());
        Assert.Contains("--threshold", t.Message);
        var m = new SequenceClassifier(new ParameterStore(), new SequenceModelOptions { Steps = 10, Features = 2, Classes = 3, Hidden = 4 }, 1);
        using var tape = new Autodiff.Tape();
        using var x = Tensor.Zeros(new Shape(2, 19));
        Assert.Contains("[B, 20]", Assert.Throws<ArgumentException>(() => m.Forward(tape, x)).Message);
    }

    [Fact]
    public void EpochsToFractionOfFinal_IsTheFirstEpochAtNinetyPercent()
    {
        Assert.Equal(3, CeLifMethod.EpochsToFractionOfFinal([0.2, 0.5, 0.75, 0.8]));
        Assert.Equal(1, CeLifMethod.EpochsToFractionOfFinal([0.9, 0.5, 0.95]));
        Assert.Null(CeLifMethod.EpochsToFractionOfFinal([]));
    }

    [Fact]
    public void MemoryCapacity_IsTheLargestDelayWithEveryShorterOneAboveNinetyPercent()
    {
        Assert.Equal(100, CeLifMethod.MemoryCapacity([(25, 1.0), (50, 0.99), (100, 0.91), (200, 0.5), (400, 0.95)]));
        Assert.Equal(50, CeLifMethod.MemoryCapacity([(100, 0.2), (25, 1.0), (50, 0.9)]));   // order does not matter; 0.9 counts
        Assert.Null(CeLifMethod.MemoryCapacity([(25, 0.5), (50, 1.0)]));
        Assert.Null(CeLifMethod.MemoryCapacity([]));
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => CeLifMethod.MemoryCapacity([(25, 1.0), (25, 0.9)])).Message);
    }

    [Theory]
    [InlineData(SequenceNeuron.Lif, null, DecayBound.None)]
    [InlineData(SequenceNeuron.Lif, null, DecayBound.Sigmoid)]
    [InlineData(SequenceNeuron.Alif, null, DecayBound.Sigmoid)]
    [InlineData(SequenceNeuron.CeLif, ContextEmbedding.C1, DecayBound.None)]
    [InlineData(SequenceNeuron.CeLif, ContextEmbedding.C3, DecayBound.None)]
    public void FromDescription_RebuildsTheSameModel(SequenceNeuron neuron, ContextEmbedding? embedding, DecayBound bound)
    {
        var options = new SequenceModelOptions
        {
            Steps = 30, Features = 3, Classes = 4, Hidden = 7, Neuron = neuron, Embedding = embedding, DecayBound = bound,
            Beta = 0.8f, Threshold = 0.7f, Rho = 0.95f, Kappa = 0.5f, ContextDecay = 0.97f, ReadoutSteps = 5, CheckpointEvery = 6,
            Surrogate = SurrogateSpec.Default(SurrogateKind.ATan),
        };
        var store = new ParameterStore();
        var model = new SequenceClassifier(store, options, seed: 3);
        var again = new ParameterStore();
        var rebuilt = SequenceClassifier.FromDescription(again, model.Describe(), seed: 3);
        var o = rebuilt.Options;
        Assert.Equal((options.Steps, options.Features, options.Classes, options.Hidden, options.Neuron, options.Embedding, options.DecayBound),
            (o.Steps, o.Features, o.Classes, o.Hidden, o.Neuron, o.Embedding, o.DecayBound));
        Assert.Equal((options.Beta, options.Threshold, options.Surrogate, options.ReadoutSteps), (o.Beta, o.Threshold, o.Surrogate, o.ReadoutSteps));
        Assert.Equal(model.Describe().Metadata, rebuilt.Describe().Metadata);   // every recorded option round-trips
        Assert.Equal(store.Parameters.Select(t => t.Name), again.Parameters.Select(t => t.Name));
        Assert.Equal(store.Values.ToArray(), again.Values.ToArray());
        Assert.Equal(bound == DecayBound.Sigmoid, again.TryGet("fc1.beta_logit", out _));

        var d = model.Describe();
        d.Metadata.Remove("seq.hidden");
        Assert.Contains("'seq.hidden'", Assert.Throws<ArgumentException>(() => SequenceClassifier.FromDescription(new ParameterStore(), d, 1)).Message);
        d = model.Describe();
        d.Metadata["seq.neuron"] = "izhikevich";
        Assert.Contains("lif, alif, celif", Assert.Throws<ArgumentException>(() => SequenceClassifier.FromDescription(new ParameterStore(), d, 1)).Message);
    }

    [Fact]
    public void DecayBound_OnCeLif_SaysTheFix()
    {
        var (train, _) = DelayedRecall.Generate(4, 4, 25, seed: 1);
        var e = Assert.Throws<ArgumentException>(() => CeLifMethod.Options(train, SequenceNeuron.CeLif, ContextEmbedding.C2, 16, decayBound: DecayBound.Sigmoid));
        Assert.Contains("Drop --decay-bound", e.Message);
        var lif = CeLifMethod.Options(train, SequenceNeuron.Lif, null, 16, decayBound: DecayBound.Sigmoid);
        var plain = CeLifMethod.Options(train, SequenceNeuron.Lif, null, 16);
        Assert.Equal(ParameterBudget.Count(plain), ParameterBudget.Count(lif));   // the logit replaces β one for one
        Assert.Equal("lif-sigmoid", CeLifMethod.NeuronName(lif));
    }
}
