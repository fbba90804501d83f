using NeuroCore.Checkpoints;
using NeuroCore.Data;
using NeuroCore.Snn;
using NeuroCore.Training.Methods.Esl;

namespace NeuroCore.Training.Tests;

/// <summary>ESL runs stopped after a checkpoint and resumed: bitwise the uninterrupted run; corrupt and mismatched checkpoints refused.</summary>
public sealed class EslResumeTests : IDisposable
{
    readonly string _root = Path.Combine(Path.GetTempPath(), "esl-resume-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    /// <summary>Random event frames [n, T·C·H, W] (conv) or images [n, H, W] (mlp) with labels that depend on them.</summary>
    static LabeledImageSet Data(int n, int height, int width, int seed)
    {
        var rng = new Random(seed);
        var pixels = new float[n * height * width];
        var labels = new byte[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = (byte)rng.Next(3);
            for (int p = 0; p < height * width; p++)
                pixels[(i * height * width) + p] = rng.NextDouble() < 0.15 + (0.1 * labels[i] * (p % 3 == 0 ? 1 : 0)) ? 1f : 0f;
        }
        return new LabeledImageSet("synthetic", height, width, 3, pixels, labels);
    }

    const int Steps = 2, Size = 8;

    static EslModelOptions Model(bool conv, double density = 0.3) => conv
        ? EslModelOptions.Conv(density, Steps, Size) with { Classes = 3 }
        : EslModelOptions.Mlp(density) with { Height = 6, Width = 6, Hidden = 24, Steps = Steps, Classes = 3 };

    static (LabeledImageSet Train, LabeledImageSet Test) Sets(bool conv) => conv
        ? (Data(40, Steps * 2 * Size, Size, 1), Data(16, Steps * 2 * Size, Size, 2))
        : (Data(40, 6, 6, 1), Data(16, 6, 6, 2));

    /// <summary>2 epochs of 5 batches; rewiring every 2 iterations until 0.75·10 rewires at 2, 4 (epoch 1) and 6 (epoch 2).</summary>
    static EslMethod Method(bool conv, GrowRule grow, string dir, bool resume, int every = 2, double density = 0.3) =>
        new(Model(conv, density), EslArm.Esl, new RewireSchedule { Every = every, Zeta = 0.3f }, PruneRule.Magnitude, grow,
            new TrainingRecipe { Optimizer = "adam", LearningRate = 5e-3, Schedule = "constant" },
            new TrainerOptions { Epochs = 2, BatchSize = 8, Seed = 4, Threads = 1, CheckpointDirectory = dir, Resume = resume });

    /// <summary>Cancels the run once the checkpoint of epoch 1 is written (the trainer reports EpochEnd right after saving).</summary>
    sealed class StopAfterEpoch1(CancellationTokenSource cts) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.Phase == TrainingPhase.EpochEnd && value.Epoch == 1) cts.Cancel();
        }
    }

    string Interrupted(bool conv, GrowRule grow)
    {
        string dir = Path.Combine(_root, "stopped");
        var (train, test) = Sets(conv);
        using var cts = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => Method(conv, grow, dir, resume: false).Run(train, test, "synthetic", new StopAfterEpoch1(cts), cts.Token));
        Assert.True(File.Exists(TrainingCheckpoint.PathFor(dir, 1)));
        Assert.False(File.Exists(TrainingCheckpoint.PathFor(dir, 2)));
        return dir;
    }

    [Theory]
    [InlineData(true, GrowRule.Random)]
    [InlineData(true, GrowRule.Gradient)]
    [InlineData(false, GrowRule.Gradient)]
    public void StoppedAndResumed_EndsBitwiseEqualToAnUninterruptedRun(bool conv, GrowRule grow)
    {
        var (train, test) = Sets(conv);
        string whole = Path.Combine(_root, "whole");
        var full = Method(conv, grow, whole, resume: false);
        var fullReport = full.Run(train, test, "synthetic");
        Assert.Equal([2, 4, 6], fullReport.Rewires.Select(e => e.Iteration));

        string dir = Interrupted(conv, grow);
        var resumed = Method(conv, grow, dir, resume: true);
        var report = resumed.Run(train, test, "synthetic");
        Assert.Equal(1, report.ResumedFromEpoch);
        Assert.Equal(1, report.Epochs);

        // The final checkpoints (every parameter, buffer, pattern, the rewiring history and the optimizer state) are byte-equal.
        Assert.Equal(File.ReadAllBytes(TrainingCheckpoint.PathFor(whole, 2)), File.ReadAllBytes(TrainingCheckpoint.PathFor(dir, 2)));
        Assert.Equal(fullReport.TestAccuracy, report.TestAccuracy);
        Assert.Equal(fullReport.Rewires.Select(e => (e.Iteration, e.Zeta, string.Join(",", e.Moved), string.Join(",", e.Nnz))),
            report.Rewires.Select(e => (e.Iteration, e.Zeta, string.Join(",", e.Moved), string.Join(",", e.Nnz))));
        // The patterns really moved, and the resumed network computes on the saved ones.
        var csr = resumed.Network!.PatternBuffers;
        Assert.NotEmpty(csr);
        Assert.All(csr, p => Assert.True(p.Matches()));
        Assert.Contains(csr, p => !SameAsInitial(p, conv));
    }

    static bool SameAsInitial(CsrPatternBuffer p, bool conv)
    {
        var fresh = new EslNetwork(new ParameterStore(), Model(conv), 4).PatternBuffers.Single(b => b.Name == p.Name);
        return fresh.Buffer.Span.SequenceEqual(p.Buffer.Span);
    }

    [Fact]
    public void CorruptPattern_IsAClearError_AndLeavesTheCheckpointsAsTheyWere()
    {
        string dir = Interrupted(conv: true, GrowRule.Random);
        string path = TrainingCheckpoint.PathFor(dir, 1);
        var file = Safetensors.Read(path);
        var tensors = file.Tensors.Select(t =>
        {
            if (t.Name != "conv2.pattern") return t;
            var data = t.Data.ToArray();
            data[2] = data[0]; // slot 1 on slot 0's connection
            data[3] = data[1];
            return t with { Data = data };
        }).ToList();
        Safetensors.Write(path, tensors, file.Metadata);
        byte[] before = File.ReadAllBytes(path);
        var (train, test) = Sets(true);
        var e = Assert.Throws<InvalidDataException>(() => Method(true, GrowRule.Random, dir, resume: true).Run(train, test, "synthetic"));
        Assert.Contains("conv2.pattern", e.Message, StringComparison.Ordinal);
        Assert.Contains("corrupt", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.False(File.Exists(TrainingCheckpoint.PathFor(dir, 2)));

        // An index out of range, likewise.
        tensors = [.. tensors.Select(t => t.Name != "conv1.pattern" ? t : t with { Data = Enumerable.Repeat(999f, t.Data.Length).ToArray() })];
        Safetensors.Write(path, tensors, file.Metadata);
        e = Assert.Throws<InvalidDataException>(() => Method(true, GrowRule.Random, dir, resume: true).Run(train, test, "synthetic"));
        Assert.Contains("conv1.pattern", e.Message, StringComparison.Ordinal);
        Assert.Contains("999", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MismatchedRun_IsAClearError_NamingTheOption()
    {
        string dir = Interrupted(conv: true, GrowRule.Random);
        byte[] before = File.ReadAllBytes(TrainingCheckpoint.PathFor(dir, 1));
        var (train, test) = Sets(true);
        var schedule = Assert.Throws<InvalidOperationException>(() => Method(true, GrowRule.Random, dir, resume: true, every: 3).Run(train, test, "synthetic"));
        Assert.Contains("--rewire-every", schedule.Message, StringComparison.Ordinal);
        var rule = Assert.Throws<InvalidOperationException>(() => Method(true, GrowRule.Gradient, dir, resume: true).Run(train, test, "synthetic"));
        Assert.Contains("--regrow", rule.Message, StringComparison.Ordinal);
        var density = Assert.Throws<InvalidOperationException>(() => Method(true, GrowRule.Random, dir, resume: true, density: 0.2).Run(train, test, "synthetic"));
        Assert.Contains("conv1", density.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(TrainingCheckpoint.PathFor(dir, 1)));
    }
}
