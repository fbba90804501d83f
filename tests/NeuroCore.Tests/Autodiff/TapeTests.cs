using System.Numerics.Tensors;
using NeuroCore.Autodiff;
using Xunit;
using Xunit.Abstractions;

namespace NeuroCore.Tests.Autodiff;

public class TapeTests(ITestOutputHelper output)
{
    static ParameterStore TinyMlp(out Tensor w1, out Tensor b1, out Tensor w2, out Tensor b2)
    {
        var store = new ParameterStore();
        w1 = store.Add("fc1.weight", new Shape(2, 2));
        b1 = store.Add("fc1.bias", new Shape(2));
        w2 = store.Add("fc2.weight", new Shape(2, 2));
        b2 = store.Add("fc2.bias", new Shape(2));
        float[] init = [0.1f, 0.2f, -0.3f, 0.4f, 0f, 0.1f, 0.5f, -0.5f, 0.3f, 0.2f, 0f, 0f];
        init.CopyTo(store.Values);
        return store;
    }

    static float Step(Tape tape, ParameterStore store, Tensor x, int[] labels, float lr)
    {
        tape.Reset();
        store.ZeroGrad();
        var p = store.Parameters;
        var h = NeuroCore.Ops.Relu(tape, NeuroCore.Ops.Linear(tape, x, p[0], p[1]));
        var loss = NeuroCore.Ops.CrossEntropy(tape, NeuroCore.Ops.Linear(tape, h, p[2], p[3]), labels);
        tape.Backward(loss);
        float value = loss.Item();
        TensorPrimitives.MultiplyAdd(store.Grads, -lr, store.Values, store.Values); // plain SGD
        return value;
    }

    [Fact]
    public void TinyMlp_FiveSgdSteps_MatchGoldenLosses()
    {
        // 2-2-2 MLP, x = [[1, 2], [0.5, −1]], labels [0, 1], W1 = [[0.1, 0.2], [−0.3, 0.4]], b1 = [0, 0.1],
        // W2 = [[0.5, −0.5], [0.3, 0.2]], b2 = 0, ReLU, mean cross-entropy, SGD lr 0.5.
        // Step 0 by hand: sample 0: h = relu([0.1+0.4, −0.3+0.8+0.1]) = [0.5, 0.6], logits = [0.25−0.3, 0.15+0.12]
        // = [−0.05, 0.27], CE = ln(1 + e^0.32) = 0.865909; sample 1: h = relu([−0.15, −0.45]) = 0, logits 0, CE = ln 2.
        // L0 = (0.865909 + 0.693147)/2 = 0.779528. Later losses: the same formulas and hand-derived gradients iterated
        // in float64 by an independent scalar script (dz = (softmax − onehot)/B, dW2 = dzᵀh, dh = dz·W2, relu mask, dW1 = dhᵀx).
        double[] expected = [0.7795200588700104, 0.6397690322365154, 0.5951582408193788, 0.529031952096934, 0.4503226675004742];
        var store = TinyMlp(out _, out _, out _, out _);
        using var x = Tensor.From([1f, 2f, 0.5f, -1f], new Shape(2, 2));
        using var tape = new Tape();
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], Step(tape, store, x, [0, 1], 0.5f), 5);
    }

    [Fact]
    public void Backward_ParameterUsedTwice_GradientsAddIntoStore()
    {
        var store = new ParameterStore();
        var w = store.Add("w", new Shape(3));
        float[] values = [1f, -2f, 3f];
        values.CopyTo(w.Span);
        using var tape = new Tape();
        // L = Σ w·w + Σ w → dL/dw = 2w + 1.
        var loss = NeuroCore.Ops.Add(tape, NeuroCore.Ops.Sum(tape, NeuroCore.Ops.Mul(tape, w, w)), NeuroCore.Ops.Sum(tape, w));
        tape.Backward(loss);
        Assert.Equal([3f, -3f, 7f], store.Grads.ToArray());
        Assert.Same(w.Grad, tape.GradOf(w));
    }

    [Fact]
    public void Backward_TwoStepsWithoutZeroGrad_Accumulates()
    {
        var store = new ParameterStore();
        var w = store.Add("w", new Shape(2));
        w.Span.Fill(1f);
        using var tape = new Tape();
        for (int step = 0; step < 2; step++)
        {
            tape.Reset();
            tape.Backward(NeuroCore.Ops.Sum(tape, NeuroCore.Ops.Mul(tape, w, w)));
        }
        Assert.Equal([4f, 4f], store.Grads.ToArray()); // 2·(2w) with w = 1
    }

    [Fact]
    public void Reset_ThenReuse_GivesSameResultsAndRecyclesTensors()
    {
        var store = TinyMlp(out _, out _, out _, out _);
        using var x = Tensor.From([1f, 2f, 0.5f, -1f], new Shape(2, 2));
        using var tape = new Tape();
        Step(tape, store, x, [0, 1], 0f);
        var first = store.Grads.ToArray();
        var entries = tape.Entries.Length;
        var arena = tape.ArenaLength;
        Step(tape, store, x, [0, 1], 0f);
        Assert.Equal(first, store.Grads.ToArray());
        Assert.Equal(entries, tape.Entries.Length);
        Assert.Equal(arena, tape.ArenaLength);
    }

    [Fact]
    public void Reset_OldOutputs_AreDisposed()
    {
        using var tape = new Tape();
        using var a = Tensor.Full(new Shape(2), 1f);
        var y = NeuroCore.Ops.Exp(tape, a);
        tape.Reset();
        Assert.Throws<ObjectDisposedException>(() => y.Span.ToArray());
    }

    [Fact]
    public void GradOf_Intermediate_IsAvailableAfterBackward()
    {
        using var tape = new Tape();
        using var x = Tensor.From([1f, 2f], new Shape(2)).RequireGrad();
        var y = NeuroCore.Ops.Mul(tape, x, x);        // y = x²
        var loss = NeuroCore.Ops.Sum(tape, NeuroCore.Ops.Exp(tape, y)); // L = Σ e^y
        tape.Backward(loss);
        Assert.Equal([MathF.Exp(1f), MathF.Exp(4f)], tape.GradOf(y)!.ToArray());
        Assert.Equal([2f * MathF.Exp(1f), 4f * MathF.Exp(4f)], tape.GradOf(x)!.ToArray()); // dL/dx = 2x·e^(x²)
    }

    [Fact]
    public void NonRecordingTape_RecordsNothing_AndRefusesBackward()
    {
        var store = TinyMlp(out var w1, out var b1, out _, out _);
        using var x = Tensor.From([1f, 2f, 0.5f, -1f], new Shape(2, 2));
        using var tape = new Tape(recording: false);
        var y = NeuroCore.Ops.Linear(tape, x, w1, b1);
        Assert.Equal(0, tape.Entries.Length);
        float[] expected = [0.5f, 0.6f, -0.15f, -0.45f];
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], y.Span[i], 1e-6f);
        var ex = Assert.Throws<InvalidOperationException>(() => tape.Backward(y));
        Assert.Contains("recording: false", ex.Message);
    }

    [Fact]
    public void Backward_Twice_ThrowsWithAdvice()
    {
        using var tape = new Tape();
        using var x = Tensor.From([1f], new Shape(1)).RequireGrad();
        var y = NeuroCore.Ops.Exp(tape, x);
        tape.Backward(y);
        var ex = Assert.Throws<InvalidOperationException>(() => tape.Backward(y));
        Assert.Contains("Reset()", ex.Message);
    }

    [Fact]
    public void Backward_OutputWithoutGradInputs_ExplainsWhy()
    {
        using var tape = new Tape();
        using var x = Tensor.From([1f], new Shape(1));
        var y = NeuroCore.Ops.Exp(tape, x);
        Assert.Empty(tape.Entries.ToArray());
        var ex = Assert.Throws<InvalidOperationException>(() => tape.Backward(y));
        Assert.Contains("RequireGrad", ex.Message);
    }

    [Fact]
    public void Custom_Op_RunsItsBackward()
    {
        using var tape = new Tape();
        using var x = Tensor.From([1f, -2f], new Shape(2)).RequireGrad();
        var y = tape.Allocate(x.Shape);
        TensorPrimitives.Multiply(x.Span, 3f, y.Span);
        tape.Record(new TapeEntry { Op = OpCode.Custom, Output = y, A = x, Custom = TripleBackward.Instance });
        tape.Backward(NeuroCore.Ops.Sum(tape, y));
        Assert.Equal([3f, 3f], x.Grad!.ToArray());
    }

    sealed class TripleBackward : ICustomBackward
    {
        public static readonly TripleBackward Instance = new();

        public void Backward(Tape tape, in TapeEntry entry)
        {
            var w = tape.BeginGrad(entry.A!);
            TensorPrimitives.Multiply(tape.GradOf(entry.Output)!.Span, 3f, w.Span);
            w.Commit();
        }
    }

    [Fact]
    public void TrainingAndInferenceSteps_SteadyState_AllocateNothing()
    {
        // A small MLP (32-64-10, batch 16): after warm-up, whole training steps (reset, forward, backward, SGD)
        // must not allocate managed memory: the arena, tensor objects and entry list are all reused.
        var store = new ParameterStore();
        var w1 = store.Add("fc1.weight", new Shape(64, 32));
        var b1 = store.Add("fc1.bias", new Shape(64));
        var w2 = store.Add("fc2.weight", new Shape(10, 64));
        var b2 = store.Add("fc2.bias", new Shape(10));
        var rng = new Random(1);
        foreach (ref float v in store.Values) v = (float)(rng.NextDouble() - 0.5) * 0.3f;
        using var x = GradCheck.Random(rng, new Shape(16, 32));
        var labels = Enumerable.Range(0, 16).Select(i => i % 10).ToArray();
        using var tape = new Tape();

        float Run()
        {
            tape.Reset();
            store.ZeroGrad();
            var h = NeuroCore.Ops.Relu(tape, NeuroCore.Ops.Linear(tape, x, w1, b1));
            var loss = NeuroCore.Ops.CrossEntropy(tape, NeuroCore.Ops.Linear(tape, h, w2, b2), labels);
            tape.Backward(loss);
            TensorPrimitives.MultiplyAdd(store.Grads, -0.1f, store.Values, store.Values);
            return loss.Item();
        }

        for (int i = 0; i < 5; i++) Run();
        const int steps = 50;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < steps; i++) Run();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"Allocated {allocated} bytes over {steps} steady-state steps ({(double)allocated / steps:F1} B/step).");
        Assert.Equal(0, allocated);

        // Inference on a non-recording tape: likewise nothing.
        using var inference = new Tape(recording: false);
        float Infer()
        {
            inference.Reset();
            var h = NeuroCore.Ops.Relu(inference, NeuroCore.Ops.Linear(inference, x, w1, b1));
            return NeuroCore.Ops.Softmax(inference, NeuroCore.Ops.Linear(inference, h, w2, b2)).Span[0];
        }
        for (int i = 0; i < 5; i++) Infer();
        before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < steps; i++) Infer();
        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"Inference: allocated {allocated} bytes over {steps} steps.");
        Assert.Equal(0, allocated);
    }
}
