using NeuroCore.Autodiff;

namespace NeuroCore.Snn.Tests.Layers;

public sealed class SpikingConv2dTests
{
    static readonly SnnModelOptions Lif = new() { Beta = 0.5f, Threshold = 0.5f };

    [Fact]
    public void StaticInput_EqualsRepeatedInput_ForwardAndGradients()
    {
        const int T = 3, B = 2, C = 2, H = 4, W = 6, O = 3;
        var x = LayerTestKit.Random(new Random(1), B * C * H * W, 0, 1);
        var g = LayerTestKit.Random(new Random(2), T * B * O * (H / 2) * (W / 2));
        (float[] Y, float[] Dw) Run(bool isStatic)
        {
            var store = new ParameterStore();
            var layer = new SpikingConv2d(store, "conv", C, O, H, W, Lif, 3);
            using var tape = new Tape();
            using var xt = Tensor.From(x, new Shape(B, C, H, W));
            var input = isStatic ? xt : DirectEncoder.Encode(tape, xt, T);
            var y = layer.Forward(tape, input, T, isStatic);
            tape.Backward(y, g);
            return (y.ToArray(), layer.Weight.Grad!.ToArray());
        }
        var a = Run(true);
        var b = Run(false);
        Assert.Equal(b.Y, a.Y);
        LayerTestKit.AssertClose(b.Dw, a.Dw, 1e-4, "∂W");
        Assert.Contains(1f, a.Y);
    }

    [Fact]
    public void Step_EqualsForward_InEvaluationMode()
    {
        const int T = 5, B = 2, C = 1, H = 4, W = 4, O = 3;
        var layer = new SpikingConv2d(new ParameterStore(), "conv", C, O, H, W, Lif, 7) { Training = false };
        var x = LayerTestKit.Spikes(new Random(3), T * B * C * H * W, 0.5);
        float[] expected;
        using (var tape = new Tape(recording: false))
            expected = layer.Forward(tape, Tensor.From(x, new Shape(T * B, C, H, W)), T).ToArray();
        using var state = layer.CreateState(B);
        int outSize = B * O * (H / 2) * (W / 2);
        var got = new float[T * outSize];
        for (int t = 0; t < T; t++) layer.Step(x.AsSpan(t * B * C * H * W, B * C * H * W), state, got.AsSpan(t * outSize, outSize));
        Assert.Equal(expected, got);
        Assert.Contains(1f, got);
        var other = new SpikingConv2d(new ParameterStore(), "other", C, O, H, W, Lif, 7);
        using var foreign = other.CreateState(B);
        var ex = Assert.Throws<ArgumentException>(() => layer.Step(x.AsSpan(0, B * C * H * W), foreign, got.AsSpan(0, outSize)));
        Assert.Contains("'conv'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'other'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Step_SteadyState_AllocatesNothingOver1000Steps()
    {
        const int B = 2, C = 1, H = 8, W = 8, O = 4;
        var layer = new SpikingConv2d(new ParameterStore(), "conv", C, O, H, W, Lif, 7) { Training = false };
        var x = LayerTestKit.Spikes(new Random(4), B * C * H * W, 0.4);
        using var state = layer.CreateState(B);
        var y = new float[B * O * (H / 2) * (W / 2)];
        for (int t = 0; t < 5; t++) layer.Step(x, state, y);   // warm-up: JIT, the private tape's arena
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < 1000; t++) layer.Step(x, state, y);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Contains(1f, y);
    }

    [Theory]
    [InlineData(0, 0, 4)]   // a corner reaches a 2×2 block of output positions
    [InlineData(0, 2, 6)]   // an edge, 2×3
    [InlineData(2, 2, 9)]   // the interior, 3×3
    public void SynOps_CountOutputPositionsAndChannelsEachEventReaches(int i, int j, int positions)
    {
        const int H = 5, W = 5, O = 4, T = 2;
        var layer = new SpikingConv2d(new ParameterStore(), "conv", 1, O, H, W, Lif, 1, batchNorm: false, pool: false);
        var x = new float[T * H * W];
        x[(i * W) + j] = 1f; // one event at t = 0
        using var tape = new Tape(recording: false);
        layer.Forward(tape, Tensor.From(x, new Shape(T, 1, H, W)), T);
        Assert.Equal(positions * O, layer.Counter.Snapshot().SynOpsPerSample);
    }

    [Fact]
    public void Forward_WrongShape_NamesLayerAndShapes()
    {
        var layer = new SpikingConv2d(new ParameterStore(), "conv1", 1, 2, 4, 4, Lif, 1);
        using var tape = new Tape(recording: false);
        var ex = Assert.Throws<ArgumentException>(() => layer.Forward(tape, Tensor.Zeros(new Shape(4, 1, 4, 5)), 2));
        Assert.Contains("'conv1'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[4, 1, 4, 5]", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new SpikingConv2d(new ParameterStore(), "odd", 1, 2, 5, 4, Lif, 1));
    }
}
