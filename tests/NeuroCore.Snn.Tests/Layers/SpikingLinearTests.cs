using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NeuroCore.Autodiff;
using NeuroCore.Kernels;

namespace NeuroCore.Snn.Tests.Layers;

public sealed class SpikingLinearTests
{
    static readonly double[] Densities = [0.0, 0.05, 0.3, 1.0];
    static readonly SnnModelOptions Lif = new() { Beta = 0.8f, Threshold = 0.4f, Surrogate = SurrogateSpec.Parse("fast-sigmoid:5") };

    static (float[] Y, float[] Dx, float[] Dw, float[] Db) Run(SpikingLinear layer, float[] x, int steps, float[] seedGrad, int threads)
    {
        layer.Weight.Grad!.Span.Clear();
        layer.Bias!.Grad!.Span.Clear();
        using var tape = new Tape(threads: threads);
        using var xt = Tensor.From(x, new Shape(x.Length / layer.InFeatures, layer.InFeatures)).RequireGrad();
        var y = layer.Forward(tape, xt, steps);
        tape.Backward(y, seedGrad);
        return (y.ToArray(), xt.Grad!.ToArray(), layer.Weight.Grad.ToArray(), layer.Bias.Grad.ToArray());
    }

    [Property(MaxTest = 30)]
    public Property ZeroOnePaths_EqualDensePath_ForwardAndGradients() =>
        Prop.ForAll(Gen.Choose(0, 100000).ToArbitrary(), seed =>
        {
            var rng = new Random(seed);
            int steps = rng.Next(1, 5), batch = rng.Next(1, 4), inF = rng.Next(1, 140), outF = rng.Next(1, 80);
            double density = Densities[rng.Next(Densities.Length)];
            var store = new ParameterStore();
            var layer = new SpikingLinear(store, "fc", inF, outF, Lif, (ulong)seed);
            var x = LayerTestKit.Spikes(rng, steps * batch * inF, density);
            var g = LayerTestKit.Random(rng, steps * batch * outF);
            layer.Path = SynapsePath.Dense;
            var dense = Run(layer, x, steps, g, 1);
            Assert.False(layer.LastUsedEvents);
            foreach (var path in new[] { SynapsePath.Events, SynapsePath.Tables, SynapsePath.TableGradient })
            {
                layer.Path = path;
                var other = Run(layer, x, steps, g, rng.Next(1, 3));
                Assert.Equal(path, layer.LastPath);
                Assert.Equal(path == SynapsePath.Events, layer.LastUsedEvents);
                // Sums in another order: the currents agree to rounding, so spikes agree unless H lands within rounding of θ.
                Assert.Equal(dense.Y, other.Y);
                LayerTestKit.AssertClose(dense.Dx, other.Dx, 1e-4, $"∂x {path}");
                LayerTestKit.AssertClose(dense.Dw, other.Dw, 1e-4, $"∂W {path}");
                LayerTestKit.AssertClose(dense.Db, other.Db, 1e-4, $"∂b {path}");
            }
        });

    [Fact]
    public void SpikeLinear_GradientMatchesFiniteDifference_ForWeightAndBias()
    {
        var rng = new Random(1);
        using var x = Tensor.From(LayerTestKit.Spikes(rng, 6 * 9, 0.3), new Shape(6, 9));
        using var w = Tensor.From(LayerTestKit.Random(rng, 4 * 9), new Shape(4, 9)).RequireGrad();
        using var b = Tensor.From(LayerTestKit.Random(rng, 4), new Shape(4)).RequireGrad();
        LayerTestKit.GradCheck(t => SpikeLinear.Forward(t, x, w, b), [w, b], 3);
    }

    [Fact]
    public void Auto_PicksEventsBelowThreshold_DenseAboveAndForAnalogueInput()
    {
        var layer = new SpikingLinear(new ParameterStore(), "fc", 100, 4, Lif, 1);
        var rng = new Random(2);
        var sparse = LayerTestKit.Spikes(rng, 2 * 100, SpikeSynapse.DensityThreshold / 4);
        var dense = LayerTestKit.Spikes(rng, 2 * 100, Math.Min(1, SpikeSynapse.DensityThreshold * 4));
        var analogue = LayerTestKit.Random(rng, 2 * 100, 0, 0.01);
        using var tape = new Tape(recording: false);
        layer.Forward(tape, Tensor.From(sparse, new Shape(2, 100)), 2);
        Assert.True(layer.LastUsedEvents);
        layer.Forward(tape, Tensor.From(dense, new Shape(2, 100)), 2);
        Assert.False(layer.LastUsedEvents);
        analogue[0] = 0.5f;
        layer.Forward(tape, Tensor.From(analogue, new Shape(2, 100)), 2);
        Assert.False(layer.LastUsedEvents);
        layer.Path = SynapsePath.Events;
        var ex = Assert.Throws<ArgumentException>(() => layer.Forward(tape, Tensor.From(analogue, new Shape(2, 100)), 2));
        Assert.Contains("'fc'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TableGradient_ForwardIsBitwiseTheDensePath()
    {
        var rng = new Random(9);
        var layer = new SpikingLinear(new ParameterStore(), "fc", 130, 40, Lif, 2);
        var x = LayerTestKit.Spikes(rng, 3 * 5 * 130, 0.5);
        using var tape = new Tape(recording: false);
        using var xt = Tensor.From(x, new Shape(15, 130));
        layer.Path = SynapsePath.Dense;
        var dense = layer.Forward(tape, xt, 3).ToArray();
        layer.Path = SynapsePath.TableGradient;
        Assert.Equal(dense, layer.Forward(tape, xt, 3).ToArray());
    }

    [Fact]
    public void SpikeLinearTables_EqualsComposedLinear_AndGradientMatchesFiniteDifference()
    {
        var rng = new Random(7);
        using var x = Tensor.From(LayerTestKit.Spikes(rng, 70 * 9, 0.5), new Shape(70, 9));
        using var w = Tensor.From(LayerTestKit.Random(rng, 5 * 9), new Shape(5, 9)).RequireGrad();
        using var b = Tensor.From(LayerTestKit.Random(rng, 5), new Shape(5)).RequireGrad();
        using (var tape = new Tape(recording: false))
            LayerTestKit.AssertClose(Ops.Linear(tape, x, w, b).ToArray(), SpikeLinear.ForwardTables(tape, x, w, b).ToArray(), 1e-5, "y");
        LayerTestKit.GradCheck(t => SpikeLinear.ForwardTables(t, x, w, b), [w, b], 3);
    }

    [Fact]
    public void Auto_PicksTablesForDenseSpikesIntoAWideLayer_DenseForANarrowOne_AndTablesRejectAnalogueInput()
    {
        var rng = new Random(3);
        var wide = new SpikingLinear(new ParameterStore(), "wide", 100, SpikingLinear.TablesMinOutFeatures, Lif, 1);
        var narrow = new SpikingLinear(new ParameterStore(), "narrow", 100, SpikingLinear.TablesMinOutFeatures - 1, Lif, 1);
        var sparse = LayerTestKit.Spikes(rng, 2 * 100, SpikeSynapse.DensityThreshold / 4);
        var dense = LayerTestKit.Spikes(rng, 2 * 100, 0.5);
        var analogue = LayerTestKit.Random(rng, 2 * 100, 0, 0.01);
        using var tape = new Tape(recording: false);
        wide.Forward(tape, Tensor.From(dense, new Shape(2, 100)), 2);
        Assert.Equal(SynapsePath.TableGradient, wide.LastPath);
        wide.Forward(tape, Tensor.From(sparse, new Shape(2, 100)), 2);
        Assert.Equal(SynapsePath.Events, wide.LastPath);
        wide.Forward(tape, Tensor.From(analogue, new Shape(2, 100)), 2);
        Assert.Equal(SynapsePath.Dense, wide.LastPath);
        narrow.Forward(tape, Tensor.From(dense, new Shape(2, 100)), 2);
        Assert.Equal(SynapsePath.Dense, narrow.LastPath);
        foreach (var path in new[] { SynapsePath.Tables, SynapsePath.TableGradient })
        {
            wide.Path = path;
            var ex = Assert.Throws<ArgumentException>(() => wide.Forward(tape, Tensor.From(analogue, new Shape(2, 100)), 2));
            Assert.Contains("'wide'", ex.Message, StringComparison.Ordinal);
            Assert.Contains("table path needs a 0/1", ex.Message, StringComparison.Ordinal);
            Assert.Contains("SynapsePath.Dense", ex.Message, StringComparison.Ordinal);
        }
        Assert.Throws<ArgumentException>(() => SpikeLinear.ForwardTables(tape, Tensor.From(analogue, new Shape(2, 100)), wide.Weight, wide.Bias));
    }

    [Theory]
    [InlineData(SynapsePath.Auto, 1)]
    [InlineData(SynapsePath.Auto, 2)]
    [InlineData(SynapsePath.Tables, 2)]
    public void TablePaths_TrainingSteadyState_AllocatesNothing(SynapsePath path, int threads)
    {
        const int T = 4, B = 8, In = 100, Out = 64;
        var store = new ParameterStore();
        var layer = new SpikingLinear(store, "fc", In, Out, Lif, 1) { Path = path };
        using var x = Tensor.From(LayerTestKit.Spikes(new Random(5), T * B * In, 0.5), new Shape(T * B, In));
        using var tape = new Tape(threads: threads);
        void Step()
        {
            tape.Reset();
            store.ZeroGrad();
            tape.Backward(Ops.Sum(tape, layer.Forward(tape, x, T)));
        }
        for (int i = 0; i < 5; i++) Step();
        Assert.Equal(path == SynapsePath.Auto ? SynapsePath.TableGradient : path, layer.LastPath);
        long best = long.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 5; i++) Step();
            best = Math.Min(best, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.Equal(0, best);
    }

    [Fact]
    public void Statistics_CountSpikesAndSynOpsFromEvents()
    {
        const int T = 3, B = 2, In = 10, Out = 5;
        var layer = new SpikingLinear(new ParameterStore(), "fc", In, Out, Lif, 1);
        var x = LayerTestKit.Spikes(new Random(4), T * B * In, 0.3);
        using var tape = new Tape(recording: false);
        var s = layer.Forward(tape, Tensor.From(x, new Shape(T * B, In)), T);
        var st = layer.Counter.Snapshot();
        Assert.Equal(B, st.Samples);
        Assert.Equal(x.Sum() * Out / B, st.SynOpsPerSample, 6);
        Assert.Equal(s.ToArray().Sum() / (T * B * Out), st.SpikeRate, 6);
        layer.Counter.Reset();
        Assert.Equal(0, layer.Counter.Snapshot().Samples);
    }

    [Fact]
    public void Forward_WrongShape_NamesLayerAndShapes()
    {
        var layer = new SpikingLinear(new ParameterStore(), "hidden", 6, 4, Lif, 1);
        using var tape = new Tape(recording: false);
        var ex = Assert.Throws<ArgumentException>(() => layer.Forward(tape, Tensor.Zeros(new Shape(5, 6)), 2));
        Assert.Contains("'hidden'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[5, 6]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[T·B (T = 2), 6]", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(NeuronKind.Lif)]
    [InlineData(NeuronKind.Alif)]
    public void Step_TwoLayers_EqualsScan_AndAllocatesNothingOver1000Steps(NeuronKind kind)
    {
        const int B = 2, In = 12, H = 16, Out = 8, T = 1000;
        var store = new ParameterStore();
        var o = Lif with { Neuron = kind };
        var l1 = new SpikingLinear(store, "fc1", In, H, o, 1);
        var l2 = new SpikingLinear(store, "fc2", H, Out, o, 2);
        var rng = new Random(6);
        var x = LayerTestKit.Spikes(rng, T * B * In, 0.3);

        float[] expected;
        using (var tape = new Tape(recording: false))
            expected = l2.Forward(tape, l1.Forward(tape, Tensor.From(x, new Shape(T * B, In)), T), T).ToArray();

        var s1 = l1.CreateState(B);
        var s2 = l2.CreateState(B);
        var h = new float[B * H];
        var y = new float[B * Out];
        var got = new float[T * B * Out];
        void Run(int steps, bool copy)
        {
            for (int t = 0; t < steps; t++)
            {
                l1.Step(x.AsSpan(t * B * In, B * In), s1, h);
                l2.Step(h, s2, y);
                if (copy) y.CopyTo(got.AsSpan(t * B * Out));
            }
        }
        Run(3, copy: false); // warm up (JIT, GEMM packing buffers)
        s1.Reset();
        s2.Reset();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(T, copy: true);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(expected, got);
        Assert.True(got.Sum() > 0, "the network never spiked; the comparison is vacuous");
    }

    [Fact]
    public void Step_ForeignStateOrWrongBatch_NamesLayerAndShapes()
    {
        var store = new ParameterStore();
        var a = new SpikingLinear(store, "a", 3, 4, Lif, 1);
        var b = new SpikingLinear(store, "b", 3, 4, Lif, 1);
        var state = b.CreateState(2);
        var ex = Assert.Throws<ArgumentException>(() => a.Step(new float[6], state, new float[8]));
        Assert.Contains("'a'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'b'", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<ArgumentException>(() => b.Step(new float[9], state, new float[12]));
        Assert.Contains("batch 2", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 3]", ex.Message, StringComparison.Ordinal);
    }
}
