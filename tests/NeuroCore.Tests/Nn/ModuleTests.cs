using NeuroCore.Autodiff;
using NeuroCore.Checkpoints;
using NeuroCore.Nn;
using NeuroCore.Tests.Checkpoints;
using Xunit;

namespace NeuroCore.Tests.Nn;

public class ModuleTests
{
    [Fact]
    public void Linear_Init_IsSeededUniformWithinPyTorchBound()
    {
        var s1 = new ParameterStore();
        var a = new Linear(s1, "fc1", 50, 20, seed: 7);
        var s2 = new ParameterStore();
        var b = new Linear(s2, "fc1", 50, 20, seed: 7);
        var s3 = new ParameterStore();
        var c = new Linear(s3, "fc1", 50, 20, seed: 8);
        float bound = 1f / MathF.Sqrt(50);
        Assert.All(s1.Values.ToArray(), v => Assert.InRange(v, -bound, bound));
        Assert.Equal(a.Weight.ToArray(), b.Weight.ToArray());
        Assert.NotEqual(a.Weight.ToArray(), c.Weight.ToArray());
        Assert.NotEqual(a.Weight.Span[0], a.Bias!.Span[0]); // weight and bias draw from different streams
        // Roughly uniform: mean near 0, variance near bound²/3.
        var w = a.Weight.ToArray();
        Assert.InRange(w.Average(), -0.1 * bound, 0.1 * bound);
        Assert.InRange(w.Select(v => (double)v * v).Average(), 0.8 * bound * bound / 3, 1.2 * bound * bound / 3);
        Assert.Equal(["fc1.weight", "fc1.bias"], s1.Parameters.Select(p => p.Name));
    }

    [Fact]
    public void Mlp_HasPyTorchParameterNamesAndCount()
    {
        var store = new ParameterStore();
        var mlp = AnnModels.Mlp(store, 784, 512, 10, seed: 1);
        Assert.Equal(["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"], store.Parameters.Select(p => p.Name));
        Assert.Equal((784 * 512) + 512 + (512 * 10) + 10, store.Count);
        using var tape = new Tape(recording: false);
        using var x = Tensor.Zeros(new Shape(3, 1, 28, 28));
        Assert.Equal(new Shape(3, 10), mlp.Forward(tape, x).Shape);
    }

    [Fact]
    public void SmallCnn_ShapesCountsAndBuffers()
    {
        var store = new ParameterStore();
        var cnn = AnnModels.SmallCnn(store, seed: 1);
        // conv1 32·1·9 + 32, bn1 2·32, conv2 64·32·9 + 64, bn2 2·64, fc1 3136·128 + 128, fc2 128·10 + 10.
        Assert.Equal(320 + 64 + 18496 + 128 + 401536 + 1290, store.Count);
        Assert.Equal(2 * (32 + 64), store.BufferCount);
        Assert.Contains(store.Buffers, b => b.Name == "bn2.running_var");
        Assert.All(store["bn1.running_var"].ToArray(), v => Assert.Equal(1f, v));
        using var tape = new Tape(recording: false);
        using var x = Tensor.Zeros(new Shape(2, 1, 28, 28));
        cnn.Training = false;
        Assert.Equal(new Shape(2, 10), cnn.Forward(tape, x).Shape);
    }

    [Fact]
    public void Sequential_TrainingFlag_ReachesBatchNormAndDropout()
    {
        var store = new ParameterStore();
        var net = AnnModels.SmallCnn(store, seed: 3);
        net.Training = false;
        Assert.All(net.Layers, l => Assert.False(l.Training));
        using var x = Tensor.Full(new Shape(2, 1, 28, 28), 0.5f);
        var before = store.BufferValues.ToArray();
        using (var tape = new Tape(recording: false))
        {
            var y1 = net.Forward(tape, x).ToArray();
            var y2 = net.Forward(tape, x).ToArray();
            Assert.Equal(y1, y2); // no dropout, no batch statistics
        }
        Assert.Equal(before, store.BufferValues.ToArray());
        net.Training = true;
        using (var tape = new Tape())
            net.Forward(tape, x);
        Assert.NotEqual(before, store.BufferValues.ToArray()); // running stats moved
    }

    [Fact]
    public void Build_FromSavedDescription_ReproducesTheModel()
    {
        using var dir = new TempDirectory();
        var store = new ParameterStore();
        var net = AnnModels.Build(store, AnnModels.SmallCnnDescription(classes: 4, size: 12), seed: 11);
        // Train a little so the weights and running statistics are not the initial ones.
        var opt = new Adam(store, 1e-2f);
        using var x = Tensor.Uninitialized(new Shape(6, 1, 12, 12));
        for (int i = 0; i < x.Size; i++) x.Span[i] = MathF.Sin(i * 0.37f);
        int[] labels = [0, 1, 2, 3, 0, 1];
        using (var tape = new Tape())
            for (int step = 0; step < 3; step++)
            {
                store.ZeroGrad();
                tape.Reset();
                var loss = NeuroCore.Ops.CrossEntropy(tape, net.Forward(tape, x), labels);
                tape.Backward(loss);
                opt.Step();
            }
        Checkpoint.SaveDescription(dir.File("model.json"), net.Description!);
        Checkpoint.Save(dir.File("model.safetensors"), store);

        var description = Checkpoint.LoadDescription(dir.File("model.json"));
        var store2 = new ParameterStore();
        var rebuilt = AnnModels.Build(store2, description, seed: 999);
        Checkpoint.Load(dir.File("model.safetensors"), store2);
        net.Training = rebuilt.Training = false;
        using var t1 = new Tape(recording: false);
        using var t2 = new Tape(recording: false);
        Assert.Equal(net.Forward(t1, x).ToArray(), rebuilt.Forward(t2, x).ToArray());
        Assert.Equal(net.DescribeLayers().Select(l => l.Type), rebuilt.DescribeLayers().Select(l => l.Type));
    }

    [Fact]
    public void Build_UnknownLayerType_NamesIt()
    {
        var d = AnnModels.MlpDescription();
        d.Layers[2].Type = "gelu";
        var ex = Assert.Throws<ArgumentException>(() => AnnModels.Build(new ParameterStore(), d, 1));
        Assert.Contains("\"gelu\"", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Training with 1 and 2 threads gives bitwise-identical weights (fixed partitions, Philox dropout).</summary>
    [Fact]
    public void SmallCnn_TrainingSteps_BitwiseIdenticalForOneAndTwoThreads()
    {
        float[] Train(int threads)
        {
            var store = new ParameterStore();
            var net = AnnModels.Build(store, AnnModels.SmallCnnDescription(classes: 3, size: 8), seed: 5);
            var opt = new Sgd(store, 0.05f, momentum: 0.9f);
            using var x = Tensor.Uninitialized(new Shape(4, 1, 8, 8));
            for (int i = 0; i < x.Size; i++) x.Span[i] = MathF.Cos(i * 0.11f);
            int[] labels = [0, 1, 2, 1];
            using var tape = new Tape(threads: threads);
            for (int step = 0; step < 5; step++)
            {
                tape.Reset();
                store.ZeroGrad();
                tape.Backward(NeuroCore.Ops.CrossEntropy(tape, net.Forward(tape, x), labels));
                opt.Step();
            }
            return [.. store.Values.ToArray(), .. store.BufferValues.ToArray()];
        }
        Assert.Equal(Train(1), Train(2));
    }

    /// <summary>
    /// A steady-state training step of the small CNN (every layer op, cross-entropy, backward, Adam) allocates nothing
    /// managed after warm-up: activations come from the tape's arena, optimizer state is preallocated.
    /// </summary>
    [Fact]
    public void SmallCnn_SteadyStateTrainingStep_AllocatesNothing()
    {
        var store = new ParameterStore();
        var net = AnnModels.Build(store, AnnModels.SmallCnnDescription(classes: 3, size: 8), seed: 5);
        var opt = new Adam(store, 1e-3f);
        using var x = Tensor.Uninitialized(new Shape(4, 1, 8, 8));
        for (int i = 0; i < x.Size; i++) x.Span[i] = MathF.Cos(i * 0.11f);
        int[] labels = [0, 1, 2, 1];
        using var tape = new Tape();
        void Step()
        {
            tape.Reset();
            store.ZeroGrad();
            tape.Backward(NeuroCore.Ops.CrossEntropy(tape, net.Forward(tape, x), labels));
            opt.Step();
        }
        for (int i = 0; i < 5; i++) Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void ParameterStore_Buffers_AreSeparateFromParametersAndSurviveGrowth()
    {
        var store = new ParameterStore();
        var w = store.Add("w", new Shape(2));
        var rm = store.AddBuffer("bn.running_var", new Shape(3), 1f);
        for (int i = 0; i < 300; i++) store.AddBuffer($"b{i}", new Shape(2)); // forces the buffer storage to grow
        Assert.Equal(2, store.Count);
        Assert.Equal(3 + 600, store.BufferCount);
        Assert.Equal([1f, 1f, 1f], rm.ToArray());
        rm.Span[0] = 5f;
        Assert.Equal(5f, store.BufferValues[0]);
        Assert.Null(rm.Grad);
        Assert.Same(rm, store["bn.running_var"]);
        Assert.Throws<ArgumentException>(() => store.AddBuffer("w", new Shape(1)));
        Assert.Throws<ArgumentException>(() => store.Add("bn.running_var", new Shape(1)));
        Assert.NotNull(w.Grad);
    }

    /// <summary>A short training run must fit a small separable problem: the MLP and CNN both reach ≥ 95 % on it.</summary>
    [Theory]
    [InlineData("mlp")]
    [InlineData("cnn")]
    public void ShortTraining_LearnsQuadrantTask(string kind)
    {
        // Each 8×8 image has one bright 4×4 quadrant plus noise; the label is the quadrant.
        const int n = 64;
        var rng = new Random(2);
        using var x = Tensor.Zeros(new Shape(n, 1, 8, 8));
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = i % 4;
            int oy = labels[i] / 2 * 4, ox = labels[i] % 2 * 4;
            for (int p = 0; p < 64; p++)
            {
                int y = p / 8, xx = p % 8;
                bool bright = y >= oy && y < oy + 4 && xx >= ox && xx < ox + 4;
                x.Span[(i * 64) + p] = (bright ? 1f : 0f) + (0.3f * (float)(rng.NextDouble() - 0.5));
            }
        }
        var store = new ParameterStore();
        var net = kind == "mlp"
            ? AnnModels.Mlp(store, 64, 32, 4, seed: 1)
            : AnnModels.Build(store, AnnModels.SmallCnnDescription(classes: 4, size: 8), seed: 1);
        var opt = new Adam(store, 3e-3f);
        using var tape = new Tape();
        for (int step = 0; step < 40; step++)
        {
            tape.Reset();
            store.ZeroGrad();
            tape.Backward(NeuroCore.Ops.CrossEntropy(tape, net.Forward(tape, x), labels));
            opt.Step();
        }
        net.Training = false;
        using var eval = new Tape(recording: false);
        var logits = net.Forward(eval, x).ToArray();
        int correct = Enumerable.Range(0, n).Count(i => Enumerable.Range(0, 4).MaxBy(c => logits[(i * 4) + c]) == labels[i]);
        Assert.True(correct >= 0.95 * n, $"{kind}: {correct}/{n} correct after 40 steps");
    }
}
