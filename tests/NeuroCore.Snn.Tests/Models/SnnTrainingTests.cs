using NeuroCore.Autodiff;
using NeuroCore.Nn;

namespace NeuroCore.Snn.Tests.Models;

/// <summary>A few Adam steps of each architecture on a fixed small batch, with a manual loop.</summary>
public sealed class SnnTrainingTests
{
    static (float[] Losses, float[] Weights, float[] Buffers) Train(SnnModelOptions options, int[] inputShape, int threads, int steps)
    {
        const int Batch = 8, Classes = 3;
        var store = new ParameterStore();
        var model = SnnModels.Build(store, SnnModels.Describe(options, inputShape, Classes), seed: 5);
        var adam = new Adam(store, learningRate: 5e-3f);
        var rng = new Random(11);
        int size = inputShape.Aggregate(1, (a, d) => a * d);
        var data = new float[Batch * size];
        var labels = new int[Batch];
        for (int b = 0; b < Batch; b++)
        {
            labels[b] = b % Classes;
            for (int i = 0; i < size; i++) data[(b * size) + i] = (float)(rng.NextDouble() * (i % Classes == labels[b] ? 1.0 : 0.3));
        }
        using var x = Tensor.From(data, new Shape([Batch, .. inputShape]));
        using var tape = new Tape(threads: threads);
        var losses = new float[steps];
        for (int s = 0; s < steps; s++)
        {
            tape.Reset();
            store.ZeroGrad();
            var loss = Ops.CrossEntropy(tape, model.Forward(tape, x), labels);
            if (model.RegularizationLoss(tape) is { } reg) loss = Ops.Add(tape, loss, reg);
            losses[s] = loss.Item();
            tape.Backward(loss);
            adam.Step();
        }
        return (losses, store.Values.ToArray(), store.BufferValues.ToArray());
    }

    static void AssertReproducibleAndLearning(SnnModelOptions options, int[] inputShape, int steps)
    {
        var one = Train(options, inputShape, threads: 1, steps);
        var two = Train(options, inputShape, threads: 2, steps);
        Assert.Equal(one.Losses, two.Losses);
        Assert.True(one.Weights.AsSpan().SequenceEqual(two.Weights), "weights differ between 1 and 2 threads");
        Assert.True(one.Buffers.AsSpan().SequenceEqual(two.Buffers), "buffers differ between 1 and 2 threads");
        Assert.True(one.Losses[^1] < 0.8f * one.Losses[0], $"loss did not decrease: {string.Join(", ", one.Losses)}");
    }

    [Fact]
    public void SnnMlp_RateEncoded_BitwiseEqualAtOneAndTwoThreads_LossDecreases() =>
        AssertReproducibleAndLearning(new SnnModelOptions { Hidden = [48], Steps = 6, RateRegularization = 0.1f, Encoding = SpikeEncoding.Rate }, [1, 6, 6], steps: 12);

    [Fact]
    public void SnnConv_DirectEncoded_BitwiseEqualAtOneAndTwoThreads_LossDecreases() =>
        AssertReproducibleAndLearning(SnnModels.DefaultOptions("conv") with { Hidden = [16], Steps = 3 }, [1, 8, 8], steps: 10);

    [Fact]
    public void SnnMlp_Alif_BitwiseEqualAtOneAndTwoThreads_LossDecreases() =>
        AssertReproducibleAndLearning(new SnnModelOptions { Neuron = NeuronKind.Alif, Hidden = [48], Steps = 6, Encoding = SpikeEncoding.Direct }, [1, 6, 6], steps: 12);

    static long SteadyStateStepBytes(SnnModelOptions options, int[] inputShape, int threads)
    {
        const int Batch = 8, Classes = 3;
        var store = new ParameterStore();
        var model = SnnModels.Build(store, SnnModels.Describe(options, inputShape, Classes), seed: 5);
        var adam = new Adam(store, learningRate: 1e-3f);
        int size = inputShape.Aggregate(1, (a, d) => a * d);
        var data = new float[Batch * size];
        var rng = new Random(2);
        for (int i = 0; i < data.Length; i++) data[i] = (float)rng.NextDouble();
        int[] labels = [0, 1, 2, 0, 1, 2, 0, 1];
        using var x = Tensor.From(data, new Shape([Batch, .. inputShape]));
        using var tape = new Tape(threads: threads);
        void Step()
        {
            tape.Reset();
            store.ZeroGrad();
            var loss = Ops.CrossEntropy(tape, model.Forward(tape, x), labels);
            if (model.RegularizationLoss(tape) is { } reg) loss = Ops.Add(tape, loss, reg);
            tape.Backward(loss);
            adam.Step();
        }
        for (int i = 0; i < 5; i++) Step();   // warm-up: arena, optimizer state, kernel scratch
        long best = long.MaxValue;
        for (int round = 0; round < 3; round++)   // the minimum of three guards against a stray runtime allocation
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 5; i++) Step();
            best = Math.Min(best, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return best;
    }

    [Theory]
    [InlineData("mlp-rate", 1)]
    [InlineData("mlp-rate", 2)]
    [InlineData("mlp-alif", 1)]
    [InlineData("conv", 1)]
    public void TrainingStep_SteadyState_AllocatesNothing(string which, int threads)
    {
        var (options, shape) = which switch
        {
            "mlp-rate" => (new SnnModelOptions { Hidden = [48], Steps = 6, RateRegularization = 0.1f, Encoding = SpikeEncoding.Rate }, new[] { 1, 6, 6 }),
            "mlp-alif" => (new SnnModelOptions { Neuron = NeuronKind.Alif, Hidden = [48], Steps = 6, Encoding = SpikeEncoding.Direct }, new[] { 1, 6, 6 }),
            _ => (SnnModels.DefaultOptions("conv") with { Hidden = [16], Steps = 3 }, new[] { 1, 8, 8 }),
        };
        Assert.Equal(0, SteadyStateStepBytes(options, shape, threads));
    }

    [Fact]
    public void SnnMlp_SpikeCountReadout_LossDecreases()
    {
        var r = Train(new SnnModelOptions { Hidden = [48], Steps = 6, Readout = ReadoutKind.SpikeCount, Encoding = SpikeEncoding.Direct }, [1, 6, 6], 1, 12);
        Assert.True(r.Losses[^1] < r.Losses[0], $"loss did not decrease: {string.Join(", ", r.Losses)}");
    }

    [Fact]
    public void Checkpoint_ResumedRun_EqualsUninterruptedRun()
    {
        // Rate coding draws new spikes each training call; the call counter travels in the checkpoint as a buffer.
        var o = new SnnModelOptions { Hidden = [16], Steps = 4, Encoding = SpikeEncoding.Rate };
        var d = SnnModels.Describe(o, [10], 2);
        var rng = new Random(3);
        var data = new float[4 * 10];
        for (int i = 0; i < data.Length; i++) data[i] = (float)rng.NextDouble();
        int[] labels = [0, 1, 0, 1];
        using var x = Tensor.From(data, new Shape(4, 10));
        float StepOnce(ISpikingModel model, ParameterStore store, Adam adam, Tape tape)
        {
            tape.Reset();
            store.ZeroGrad();
            var loss = Ops.CrossEntropy(tape, model.Forward(tape, x), labels);
            float value = loss.Item();
            tape.Backward(loss);
            adam.Step();
            return value;
        }
        var storeA = new ParameterStore();
        var a = SnnModels.Build(storeA, d, 1);
        var adamA = new Adam(storeA, 1e-2f);
        using var tapeA = new Tape();
        StepOnce(a, storeA, adamA, tapeA);
        StepOnce(a, storeA, adamA, tapeA);
        string path = Path.Combine(Path.GetTempPath(), $"snn-ckpt-{Guid.NewGuid():N}.safetensors");
        try
        {
            NeuroCore.Checkpoints.Checkpoint.Save(path, storeA, adamA);
            float uninterrupted = StepOnce(a, storeA, adamA, tapeA);
            var storeB = new ParameterStore();
            var b = SnnModels.Build(storeB, d, 1);
            var adamB = new Adam(storeB, 1e-2f);
            NeuroCore.Checkpoints.Checkpoint.Load(path, storeB, adamB);
            using var tapeB = new Tape();
            Assert.Equal(uninterrupted, StepOnce(b, storeB, adamB, tapeB));
            Assert.True(storeA.Values.SequenceEqual(storeB.Values));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
