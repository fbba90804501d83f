using NeuroCore.Autodiff;
using NeuroCore.Cli;
using NeuroCore.Data;
using NeuroCore.Nn;
using NeuroCore.Snn;
using NeuroCore.Training.Methods.Esl;

namespace NeuroCore.Training.Tests;

/// <summary>The ESL method: schedule, the sparse optimizer (masks, nnz, optimizer state), tiny runs, the command line.</summary>
public sealed class EslTests
{
    [Fact]
    public void Schedule_RewiresEveryTIter_UntilTheStopFraction_WithCosineOrConstantZeta()
    {
        var s = new RewireSchedule { Every = 10, Zeta = 0.4f, Decay = ZetaDecay.Cosine, StopFraction = 0.5, TotalIterations = 100 };
        Assert.Equal([10, 20, 30, 40], Enumerable.Range(1, 100).Where(s.IsRewireStep));
        Assert.Equal(0.4f, s.ZetaAt(0), 6);
        Assert.Equal(0.2f, s.ZetaAt(25), 6);
        Assert.Equal(0f, s.ZetaAt(50), 6);
        Assert.Equal(0.4f, (s with { Decay = ZetaDecay.Constant }).ZetaAt(40));
        Assert.Throws<ArgumentOutOfRangeException>(() => (s with { Zeta = 1.5f }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => (s with { Every = 0 }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => (s with { StopFraction = 2 }).Validate());
    }

    /// <summary>A CSR layer and a masked layer, gradients all ones, run through Adam wrapped by the sparse optimizer.</summary>
    [Fact]
    public void SparseOptimizer_MovesAndResetsOptimizerState_AtChangedSlotsOnly_AndKeepsNnz()
    {
        var store = new ParameterStore();
        var csr = new SparseSpikingLinear(store, "fc1", 20, 10, 0.2, new SnnModelOptions { Steps = 2 }, 1);
        var w = store.Add("w", new Shape(8, 8));
        w.Span.Fill(0.5f);
        var masked = new MaskedWeight(store, "conv", w, 0.25, 1);
        using var adam = new Adam(store, 0.01f);
        var schedule = new RewireSchedule { Every = 3, Zeta = 0.3f, Decay = ZetaDecay.Constant, StopFraction = 1, TotalIterations = 100 };
        using var opt = new SparseOptimizer(adam, store, [csr, masked], schedule, PruneRule.Magnitude, GrowRule.Random, seed: 2);
        int csrNnz = csr.Nnz, maskedNnz = masked.Nnz;
        int csrOffset = OffsetOf(store, csr.Values), maskedOffset = OffsetOf(store, w);
        for (int step = 1; step <= 9; step++)
        {
            store.Grads.Fill(1f);
            var before = adam.SaveState();
            opt.Step();
            var after = adam.SaveState();
            Assert.Equal(csrNnz, csr.Nnz);
            Assert.Equal(maskedNnz, masked.Nnz);
            Assert.Equal(maskedNnz, (int)masked.Mask.ToArray().Sum());
            // Masked positions never move: weight and moments 0 wherever the mask is 0.
            var mask = masked.Mask.ToArray();
            for (int p = 0; p < 64; p++)
            {
                if (mask[p] != 0f) continue;
                Assert.Equal(0f, w.Span[p]);
                Assert.Equal(0f, after.Buffers["exp_avg"][maskedOffset + p]);
            }
            if (step % 3 != 0)
            {
                Assert.Equal(step / 3, opt.Events.Count);
                continue;
            }
            var e = opt.Events[^1];
            Assert.Equal(step, e.Iteration);
            Assert.Equal([csrNnz, maskedNnz], e.Nnz);
            Assert.True(e.Moved[0] > 0 && e.Moved[1] > 0);
            // CSR: slots moved by this rewire have zero value and zero moments; the others have moments as after a plain Adam step.
            int reset = 0;
            for (int s = 0; s < csrNnz; s++)
            {
                float m = after.Buffers["exp_avg"][csrOffset + s];
                if (csr.Values.Span[s] == 0f && m == 0f) { reset++; continue; }
                Assert.Equal(0.9f * before.Buffers["exp_avg"][csrOffset + s] + 0.1f, m, 5);
            }
            Assert.Equal(e.Moved[0], reset);
        }
    }

    static int OffsetOf(ParameterStore store, Tensor t)
    {
        for (int i = 0; i < store.Parameters.Count; i++)
            if (ReferenceEquals(store.Parameters[i], t)) return store.OffsetOf(i);
        throw new InvalidOperationException();
    }

    static EslMethod Method(EslModelOptions model, EslArm arm, GrowRule grow, int epochs, int every = 5) =>
        new(model, arm, new RewireSchedule { Every = every }, PruneRule.Magnitude, grow,
            new TrainingRecipe { Optimizer = "adam", LearningRate = 2e-3, Schedule = "constant" },
            new TrainerOptions { Epochs = epochs, BatchSize = 64, Seed = 3, Threads = 1 });

    [Fact]
    public void Esl_Mlp_OnFashionMnist_LearnsAboveChance_WithNnzConstantAtEveryRewire()
    {
        if (!FashionMnist.IsAvailable()) return;
        var method = Method(EslModelOptions.Mlp(0.1), EslArm.Esl, GrowRule.Gradient, epochs: 2);
        var report = method.Run(TestData.Train.Subset(1024), TestData.Test.Subset(256), "fashion-mnist");
        Assert.True(report.TestAccuracy > 0.4, $"ESL MLP at 10 %: {report.TestAccuracy:P1}, chance 10 %");
        Assert.NotEmpty(report.Rewires);
        Assert.All(report.Rewires, e => Assert.Equal(report.Rewires[0].Nnz, e.Nnz));
        Assert.Equal(0.1, report.GlobalDensity, 3);
        Assert.Equal(["fc1", "readout"], report.Layers.Select(l => l.Layer));
        Assert.Contains("\"rewires\"", report.ToJson(), StringComparison.Ordinal);
        Assert.Equal(report.TestAccuracy, EslReport.FromJson(report.ToJson()).TestAccuracy);
    }

    /// <summary>
    /// One rewire at iteration 5 of a real MLP run: the synapses grown there (at weight 0) must receive gradient and
    /// grow in the 27 steps after it, in the CSR layer (moved slots) and in the masked readout (new mask positions).
    /// </summary>
    [Theory]
    [InlineData(GrowRule.Gradient, 0.9)]
    [InlineData(GrowRule.Random, 0.5)]
    public void Esl_RegrownSynapses_ReceiveGradient_AndGrow(GrowRule grow, double minGrownFraction)
    {
        if (!FashionMnist.IsAvailable()) return;
        var method = new EslMethod(EslModelOptions.Mlp(0.1), EslArm.Esl,
            new RewireSchedule { Every = 5, Zeta = 0.3f, Decay = ZetaDecay.Constant, StopFraction = 0.2 }, PruneRule.Magnitude, grow,
            new TrainingRecipe { Optimizer = "adam", LearningRate = 2e-3, Schedule = "constant" },
            new TrainerOptions { Epochs = 2, BatchSize = 64, Seed = 3, Threads = 1 });
        var watch = new RewireWatch(method);
        var report = method.Run(TestData.Train.Subset(1024), TestData.Test.Subset(256), "fashion-mnist", watch);
        Assert.Equal([5], report.Rewires.Select(e => e.Iteration));
        Assert.Equal(32, watch.Iterations);
        var fc1 = (SparseSpikingLinear)method.Network!.SparseLayers[0];
        var readout = (MaskedWeight)method.Network.SparseLayers[1];
        Assert.Equal(report.Rewires[0].Moved[0], watch.MovedSlots.Count);
        Assert.Equal(report.Rewires[0].Moved[1], watch.GrownPositions.Count);
        AssertGrew("fc1", [.. watch.MovedSlots.Select(s => fc1.Values.Span[s])], minGrownFraction);
        AssertGrew("readout", [.. watch.GrownPositions.Select(p => readout.Values.Span[p])], minGrownFraction);
    }

    static void AssertGrew(string layer, float[] grown, double minFraction)
    {
        Assert.NotEmpty(grown);
        double nonzero = grown.Count(v => v != 0f) / (double)grown.Length;
        double meanAbs = grown.Average(v => Math.Abs(v));
        Assert.True(nonzero >= minFraction, $"{layer}: {nonzero:P0} of {grown.Length} regrown synapses moved off 0 (need {minFraction:P0})");
        Assert.True(meanAbs > 1e-3, $"{layer}: the regrown synapses' mean |w| is {meanAbs:G3} after 27 steps");
    }

    /// <summary>Snapshots fc1's slot positions and the readout mask after every step; keeps what changed at the one rewire.</summary>
    sealed class RewireWatch(EslMethod method) : IProgress<TrainingProgress>
    {
        int[]? _rows, _columns;
        float[]? _mask;

        public int Iterations { get; private set; }
        public List<int> MovedSlots { get; } = [];
        public List<int> GrownPositions { get; } = [];

        public void Report(TrainingProgress value)
        {
            if (value.Phase != TrainingPhase.Train) return;
            Iterations++;
            var fc1 = ((SparseSpikingLinear)method.Network!.SparseLayers[0]).Synapse.Pattern;
            var mask = ((MaskedWeight)method.Network.SparseLayers[1]).Mask.ToArray();
            int[] rows = fc1.SlotRow.ToArray(), columns = fc1.SlotColumn.ToArray();
            if (_rows is not null && _columns is not null && _mask is not null)
            {
                for (int s = 0; s < rows.Length; s++)
                    if (rows[s] != _rows[s] || columns[s] != _columns[s]) MovedSlots.Add(s);
                for (int p = 0; p < mask.Length; p++)
                    if (mask[p] != 0f && _mask[p] == 0f) GrownPositions.Add(p);
            }
            (_rows, _columns, _mask) = (rows, columns, mask);
        }
    }

    [Fact]
    public void Esl_Conv_OnDvsFashionMnist_LearnsAboveChance()
    {
        if (!FashionMnist.IsAvailable()) return;
        // 512 images through the emulator (no cache) and a 4-step conv net: seconds, not minutes.
        var images = new DatasetSplit(TestData.Train.Subset(512), TestData.Test.Subset(128));
        var (train, test) = DvsFashionMnist.FromImages(images, cacheDir: null, new DvsDatasetOptions { Steps = 4 });
        var model = EslModelOptions.Conv(0.3, 4, train.Width);
        var report = Method(model, EslArm.Esl, GrowRule.Random, epochs: 2).Run(train, test, "dvs-fmnist");
        Assert.True(report.TestAccuracy > 0.25, $"ESL conv on DVS-FMNIST: {report.TestAccuracy:P1}, chance 10 %");
        Assert.Equal(["conv1", "conv2", "readout"], report.Layers.Select(l => l.Layer));
        Assert.All(report.Layers, l => Assert.Equal(0.3, l.Density, 2));
        Assert.NotEmpty(report.Rewires);
    }

    [Fact]
    public void Method_ArmAndDensityMustAgree()
    {
        Assert.Throws<ArgumentException>(() => Method(EslModelOptions.Mlp(1.0), EslArm.Esl, GrowRule.Random, 1));
        Assert.Throws<ArgumentException>(() => Method(EslModelOptions.Mlp(0.1), EslArm.Dense, GrowRule.Random, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Method(EslModelOptions.Mlp(0), EslArm.Esl, GrowRule.Random, 1));
    }

    static (CliApp App, System.CommandLine.ParseResult Parse) Parse(string line)
    {
        var app = new CliApp(new CliConsole(TextWriter.Null, TextWriter.Null, interactive: false));
        return (app, app.BuildRootCommand().Parse(line));
    }

    [Fact]
    public void TrainEsl_Options_AreRead()
    {
        var (app, parse) = Parse("train esl --density 0.2 --data dvs-fmnist --regrow gradient --prune set --rewire-every 50 --zeta 0.2 " +
                                 "--zeta-schedule constant --rewire-stop 0.5 --cache-dir c --epochs 3 --threads 1 --limit-train 100");
        Assert.Empty(parse.Errors);
        var s = app.ReadTrainEsl(parse);
        Assert.Equal(("dvs-fmnist", 0.2, EslArm.Esl, PruneRule.Set, GrowRule.Gradient), (s.Data, s.EffectiveDensity, s.Arm, s.PruneRule, s.GrowRule));
        Assert.Equal(new RewireSchedule { Every = 50, Zeta = 0.2f, Decay = ZetaDecay.Constant, StopFraction = 0.5 }, s.Rewiring());
        Assert.Equal(EslArm.Dense, Read("train esl --dense").Arm);
        Assert.Equal(EslArm.Dense, Read("train esl --density 1").Arm);
        Assert.Equal(EslArm.Static, Read("train esl --static").Arm);
        Assert.Equal(("fmnist", 0.1), (Read("train esl").Data, Read("train esl").EffectiveDensity));
        Assert.NotEmpty(Parse("train esl --regrow magic").Parse.Errors);
        Assert.True(Read("train esl --masked").Masked);
        Assert.False(Read("train esl").Masked);
    }

    static TrainEslSettings Read(string line)
    {
        var (app, parse) = Parse(line);
        return app.ReadTrainEsl(parse);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    public void TrainEsl_DensityOutsideZeroOne_IsAClearError(string density)
    {
        var (code, _, error) = CliRunner.Run("train", "esl", "--density", density, "--data", "builtin", "--limit-train", "10", "--limit-test", "10", "--epochs", "1");
        Assert.Equal(1, code);
        Assert.Contains("(0, 1]", error, StringComparison.Ordinal);
        Assert.Contains("density", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainEsl_DenseWithAnotherDensity_IsAClearError()
    {
        var (code, _, error) = CliRunner.Run("train", "esl", "--dense", "--density", "0.1", "--data", "builtin", "--epochs", "1");
        Assert.Equal(1, code);
        Assert.Contains("--dense", error, StringComparison.Ordinal);
    }
}
