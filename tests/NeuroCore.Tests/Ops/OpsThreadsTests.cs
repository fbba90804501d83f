using NeuroCore.Autodiff;
using NeuroCore.Tests.Autodiff;
using Xunit;

namespace NeuroCore.Tests.Ops;

/// <summary>
/// The pointwise functions, their backwards and the full sum run on the tape's threads for large tensors: values and
/// gradients bitwise identical for 1, 2 and 3 threads, and equal to the element formulas.
/// </summary>
public class OpsThreadsTests
{
    // Past the kernels' 65,536-element threshold and not a whole number of their 16,384-element blocks.
    static readonly Shape Big = new(3, 7, 4001);

    [Theory]
    [InlineData("relu")]
    [InlineData("sigmoid")]
    [InlineData("tanh")]
    [InlineData("exp")]
    [InlineData("log")]
    public void Pointwise_LargeTensor_BitwiseAcrossThreadsForwardAndBackward(string op)
    {
        var rng = new Random(11);
        var x0 = op == "log" ? GradCheck.RandomAwayFromZero(rng, Big, 0.1f) : GradCheck.Random(rng, Big);
        if (op == "log") foreach (ref float v in x0.Span) v = MathF.Abs(v);

        (float[] Y, float[] Dx, float Loss) Run(int threads)
        {
            var x = Tensor.From(x0.Span, Big).RequireGrad();
            using var tape = new Tape(threads: threads);
            var y = op switch
            {
                "relu" => NeuroCore.Ops.Relu(tape, x),
                "sigmoid" => NeuroCore.Ops.Sigmoid(tape, x),
                "tanh" => NeuroCore.Ops.Tanh(tape, x),
                "exp" => NeuroCore.Ops.Exp(tape, x),
                _ => NeuroCore.Ops.Log(tape, x),
            };
            var loss = NeuroCore.Ops.Sum(tape, y);
            float l = loss.Item();
            var ys = y.ToArray();
            tape.Backward(loss);
            return (ys, x.Grad!.ToArray(), l);
        }

        var one = Run(1);
        var xs = x0.ToArray();
        for (int i = 0; i < xs.Length; i += 997)
        {
            float v = xs[i];
            double expected = op switch
            {
                "relu" => Math.Max(v, 0),
                "sigmoid" => 1 / (1 + Math.Exp(-v)),
                "tanh" => Math.Tanh(v),
                "exp" => Math.Exp(v),
                _ => Math.Log(v),
            };
            Assert.True(Math.Abs(one.Y[i] - expected) <= 1e-5 * (1 + Math.Abs(expected)), $"{op}({v}) = {one.Y[i]}, expected {expected}");
        }
        double sum = one.Y.Sum(v => (double)v);
        Assert.True(Math.Abs(one.Loss - sum) <= 1e-5 * one.Y.Sum(v => Math.Abs((double)v)), $"sum {one.Loss}, expected {sum}");
        foreach (int threads in new[] { 2, 3 })
        {
            var other = Run(threads);
            Assert.Equal(one.Y, other.Y);
            Assert.Equal(one.Dx, other.Dx);
            Assert.Equal(BitConverter.SingleToInt32Bits(one.Loss), BitConverter.SingleToInt32Bits(other.Loss));
        }
    }

    [Fact]
    public void Mean_LargeTensor_GradientIsOneOverNEverywhereForAnyThreads()
    {
        var x0 = GradCheck.Random(new Random(3), Big);
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var x = Tensor.From(x0.Span, Big).RequireGrad();
            using var tape = new Tape(threads: threads);
            tape.Backward(NeuroCore.Ops.Mean(tape, x));
            float expected = 1f / Big.Size;
            Assert.All(x.Grad!.ToArray(), g => Assert.Equal(expected, g));
        }
    }
    /// <summary>
    /// A W5-shaped step on 2 threads (conv → relu → conv → sum, backward), with activations past the threaded kernels'
    /// threshold: after warm-up it allocates nothing managed (least of three sets of 5 steps).
    /// </summary>
    [Fact]
    public void ConvReluSumStep_TwoThreads_SteadyStateAllocatesNothing()
    {
        var store = new ParameterStore();
        var w1 = store.Add("w1", new Shape(32, 1, 3, 3));
        var b1 = store.Add("b1", new Shape(32));
        var w2 = store.Add("w2", new Shape(8, 32, 3, 3));
        var b2 = store.Add("b2", new Shape(8));
        foreach (var p in new[] { w1, b1, w2, b2 })
            for (int i = 0; i < p.Size; i++) p.Span[i] = MathF.Sin(i * 0.7f) * 0.3f;
        using var x = Tensor.Uninitialized(new Shape(8, 1, 28, 28));
        for (int i = 0; i < x.Size; i++) x.Span[i] = MathF.Cos(i * 0.11f);
        using var tape = new Tape(threads: 2);
        void Step()
        {
            tape.Reset();
            store.ZeroGrad();
            var h = NeuroCore.Ops.Relu(tape, NeuroCore.Ops.Conv2d(tape, x, w1, b1, 1, 1));
            tape.Backward(NeuroCore.Ops.Sum(tape, NeuroCore.Ops.Conv2d(tape, h, w2, b2, 1, 1)));
        }
        for (int i = 0; i < 3; i++) Step();
        long least = long.MaxValue;
        for (int set = 0; set < 3 && least != 0; set++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 5; i++) Step();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.Equal(0, least);
    }
}
