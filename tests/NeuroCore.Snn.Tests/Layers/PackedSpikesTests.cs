using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NeuroCore.Autodiff;
using NeuroCore.Kernels;
using NeuroCore.Snn.Tests.Neurons;
using static NeuroCore.Snn.Tests.Neurons.NeuronTestKit;

namespace NeuroCore.Snn.Tests.Layers;

/// <summary>The bit-packed inference forms: LifNeuron.ScanPacked/Step and SpikingLinear consuming packed spikes.</summary>
public sealed class PackedSpikesTests
{
    static readonly SnnModelOptions Lif = new() { Beta = 0.8f, Threshold = 0.4f, Surrogate = SurrogateSpec.Parse("fast-sigmoid:5") };

    static float[] Unpacked(PackedSpikes s)
    {
        var f = new float[s.Steps * s.Batch * s.Features];
        s.CopyTo(f);
        return f;
    }

    [Property(MaxTest = 40)]
    public Property ScanPacked_EqualsFloatScan_AndStepPackedEqualsStep() =>
        Prop.ForAll(NeuronGens.Cases(maxSteps: 12, maxGroups: 40, maxInner: 5), c0 =>
        {
            var c = c0 with { Adaptive = false };
            var rng = new Random(c.Seed);
            var p = (LifParams)RandomParams(new ParameterStore(), c, rng);
            var current = Tensor.From(Uniform(rng, c.Steps * c.Neurons, -0.4, 1.2), c.CurrentShape);
            using var tape = new Tape(recording: false);
            var floatState = new LifState(p, c.Batch);
            float[] expected = LifNeuron.Scan(tape, current, c.Steps, p, floatState).ToArray();

            var state = new LifState(p, c.Batch);
            var packed = new PackedSpikes(c.Steps, c.Batch, c.Features);
            packed.Bits.Fill(ulong.MaxValue);
            LifNeuron.ScanPacked(p, current, state, packed, threads: 1 + c.Seed % 2);
            Assert.Equal(expected, Unpacked(packed));
            Assert.Equal(floatState.V.ToArray(), state.V.ToArray());
            Assert.Equal((long)expected.Sum(), packed.Count());

            // Step by step with packed output: the same bits, step by step.
            state.Reset();
            var bits = new ulong[c.Batch * packed.WordsPerRow];
            for (int t = 0; t < c.Steps; t++)
            {
                LifNeuron.Step(p, current.Span.Slice(t * c.Neurons, c.Neurons), state, bits);
                Assert.Equal(packed.StepBits(t).ToArray(), bits);
            }
            Assert.Equal(floatState.V.ToArray(), state.V.ToArray());
        });

    [Theory]
    [InlineData(SynapsePath.Events, NeuronKind.Lif, 70, 0.1)]
    [InlineData(SynapsePath.Events, NeuronKind.Alif, 128, 0.05)]
    [InlineData(SynapsePath.Dense, NeuronKind.Lif, 64, 0.5)]
    [InlineData(SynapsePath.Auto, NeuronKind.Lif, 200, 0.02)]
    [InlineData(SynapsePath.Auto, NeuronKind.Alif, 33, 0.6)]
    public void SpikingLinear_PackedForward_EqualsFloatForwardAndStep(SynapsePath path, NeuronKind kind, int inF, double density)
    {
        const int T = 7, B = 3, Out = 90;
        var store = new ParameterStore();
        var layer = new SpikingLinear(store, "fc", inF, Out, Lif with { Neuron = kind }, 5) { Path = path };
        var rng = new Random(inF);
        var x = LayerTestKit.Spikes(rng, T * B * inF, density);

        // The float forms: the tape forward (time-batched; the same event sums per row) and the float Step (the same
        // dense product per step), each bitwise what the packed form computes on its path.
        float[] viaTape;
        using (var tape = new Tape(recording: false))
            viaTape = layer.Forward(tape, Tensor.From(x, new Shape(T * B, inF)), T).ToArray();
        var floatState = layer.CreateState(B);
        var viaStep = new float[T * B * Out];
        for (int t = 0; t < T; t++)
            layer.Step(x.AsSpan(t * B * inF, B * inF), floatState, viaStep.AsSpan(t * B * Out, B * Out));
        bool events = path == SynapsePath.Events || (path == SynapsePath.Auto && density < 0.1);
        float[] expected = events ? viaTape : viaStep;
        Assert.True(expected.Sum() > 0, "the layer never spiked; the comparison is vacuous");

        var input = new PackedSpikes(T, B, inF);
        input.CopyFrom(x);
        var output = new PackedSpikes(T, B, Out);
        var state = layer.CreateState(B);
        layer.Forward(input, state, output, threads: 2);
        Assert.Equal(expected, Unpacked(output));

        // One packed step at a time gives the same bits.
        state.Reset();
        var bits = new ulong[B * output.WordsPerRow];
        for (int t = 0; t < T; t++)
        {
            layer.Step(input.StepBits(t), state, bits);
            Assert.Equal(output.StepBits(t).ToArray(), bits);
        }
    }

    [Fact]
    public void PackedChain_SteadyState_AllocatesNothing_AndEqualsFloatChain()
    {
        const int T = 20, B = 4, In = 96, H = 130, Out = 10;
        var store = new ParameterStore();
        var o = Lif with { Beta = 0.9f, Threshold = 1f };
        var lif = LifParams.Create(store, "in.lif", In, 1, 0.9f, 1f, false, false, LifReset.Soft, false, o.Surrogate);
        var l1 = new SpikingLinear(store, "fc1", In, H, o, 1) { Path = SynapsePath.Events };
        var l2 = new SpikingLinear(store, "fc2", H, Out, o, 2) { Path = SynapsePath.Events };
        var rng = new Random(7);
        var current = Tensor.From(Uniform(rng, T * B * In, -0.2, 0.9), new Shape(T * B, In));

        float[] expected;
        using (var tape = new Tape(recording: false))
            expected = l2.Forward(tape, l1.Forward(tape, LifNeuron.Scan(tape, current, T, lif), T), T).ToArray();

        var s0 = new LifState(lif, B);
        var s1 = l1.CreateState(B);
        var s2 = l2.CreateState(B);
        var p0 = new PackedSpikes(T, B, In);
        var p1 = new PackedSpikes(T, B, H);
        var p2 = new PackedSpikes(T, B, Out);
        void Run()
        {
            s0.Reset();
            s1.Reset();
            s2.Reset();
            LifNeuron.ScanPacked(lif, current, s0, p0);
            l1.Forward(p0, s1, p1);
            l2.Forward(p1, s2, p2);
        }
        Run(); // first packed call: the states' scratch
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 3; i++) Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(expected, Unpacked(p2));
        Assert.True(p1.Count() > 0 && p2.Count() > 0, "a layer never spiked; the comparison is vacuous");
    }

    [Fact]
    public void Packed_WrongShapesOrState_NameTheLayerAndShapes()
    {
        var store = new ParameterStore();
        var lif = LifParams.Create(store, "l", 10, 1, 0.9f, 1f, false, false, LifReset.Soft, false, Lif.Surrogate);
        var state = new LifState(lif, 2);
        var ex = Assert.Throws<ArgumentException>(() => LifNeuron.ScanPacked(lif, Tensor.Zeros(new Shape(6, 10)), state, new PackedSpikes(3, 2, 11)));
        Assert.Contains("[3, 2, 11]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[3, 2, 10]", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => LifNeuron.ScanPacked(lif, Tensor.Zeros(new Shape(9, 10)), state, new PackedSpikes(3, 2, 10))); // batch 3
        Assert.Throws<ArgumentException>(() => LifNeuron.Step(lif, new float[20], state, new ulong[1]));

        var a = new SpikingLinear(store, "a", 3, 4, Lif, 1);
        var b = new SpikingLinear(store, "b", 3, 4, Lif, 1);
        var sb = b.CreateState(2);
        ex = Assert.Throws<ArgumentException>(() => a.Step(new ulong[2], sb, new ulong[2]));
        Assert.Contains("'a'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'b'", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<ArgumentException>(() => b.Step(new ulong[1], sb, new ulong[2]));
        Assert.Contains("batch 2", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<ArgumentException>(() => b.Forward(new PackedSpikes(4, 2, 5), sb, new PackedSpikes(4, 2, 4)));
        Assert.Contains("[4, 2, 3]", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => b.Forward(new PackedSpikes(4, 2, 3), sb, new PackedSpikes(5, 2, 4)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PackedSpikes(0, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PackedSpikes(2, 1, 1).StepBits(2));
        Assert.Throws<ArgumentException>(() => new PackedSpikes(2, 1, 3).CopyFrom(new float[5]));
    }
}
