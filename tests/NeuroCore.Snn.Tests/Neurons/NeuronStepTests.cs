using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NeuroCore.Autodiff;
using NeuroCore.Kernels;
using static NeuroCore.Snn.Tests.Neurons.NeuronTestKit;

namespace NeuroCore.Snn.Tests.Neurons;

public sealed class NeuronStepTests
{
    [Property(MaxTest = 40)]
    public Property Step_OverManySteps_EqualsScan() =>
        Prop.ForAll(NeuronGens.Cases(maxSteps: 12), c =>
        {
            var rng = new Random(c.Seed);
            var p = RandomParams(new ParameterStore(), c, rng);
            var current = Tensor.From(Uniform(rng, c.Steps * c.Neurons, -0.4, 1.2), c.CurrentShape);
            using var tape = new Tape(recording: false);
            var scanState = NewState(p, c.Batch);
            float[] expected = Scan(tape, current, c.Steps, p, scanState).ToArray();

            var state = NewState(p, c.Batch);
            var spikes = new float[c.Neurons];
            for (int t = 0; t < c.Steps; t++)
            {
                Step(p, current.Span.Slice(t * c.Neurons, c.Neurons), state, spikes);
                Assert.Equal(expected.AsSpan(t * c.Neurons, c.Neurons).ToArray(), spikes);
                if (t == 0)
                {
                    // T = 1: one step is a scan of length one.
                    var one = Scan(tape, Tensor.From(current.Span[..c.Neurons], new Shape(c.Batch, c.Features)), 1, p);
                    Assert.Equal(one.ToArray(), spikes);
                }
            }
            Assert.Equal(scanState.V.ToArray(), state.V.ToArray());
            if (state is AlifState a) Assert.Equal(((AlifState)scanState).A.ToArray(), a.A.ToArray());
            state.Reset();
            Assert.All(state.V.ToArray(), v => Assert.Equal(0f, v));
            if (state is AlifState a2) Assert.All(a2.A.ToArray(), v => Assert.Equal(0f, v));
        });

    [Property(MaxTest = 40)]
    public Property ScanInChunks_WithState_EqualsWholeScan_AndChunkGradientUsesItsStartState() =>
        Prop.ForAll(NeuronGens.Cases(maxSteps: 8), c =>
        {
            var rng = new Random(c.Seed);
            var store = new ParameterStore();
            var p = RandomParams(store, c, rng);
            int n = c.Neurons, t1 = rng.Next(0, c.Steps + 1), t2 = c.Steps - t1;
            float[] data = Uniform(rng, c.Steps * n, -0.4, 1.2);
            using var tape = new Tape();
            var wholeState = NewState(p, c.Batch);
            float[] whole = Scan(tape, Tensor.From(data, new Shape(c.Steps * c.Batch, c.Features)), c.Steps, p, wholeState).ToArray();

            var state = NewState(p, c.Batch);
            float[] chunks = new float[data.Length];
            if (t1 > 0)
                Scan(tape, Tensor.From(data.AsSpan(0, t1 * n), new Shape(t1 * c.Batch, c.Features)), t1, p, state).Span.CopyTo(chunks);
            float[] v0 = state.V.ToArray(), a0 = state is AlifState sa ? sa.A.ToArray() : new float[n];
            if (t2 == 0) return;
            tape.Reset();
            var second = Tensor.From(data.AsSpan(t1 * n), new Shape(t2, c.Batch, c.Features)).RequireGrad();
            var s2 = Scan(tape, second, t2, p, state);
            s2.Span.CopyTo(chunks.AsSpan(t1 * n));
            Assert.Equal(whole, chunks);
            Assert.Equal(wholeState.V.ToArray(), state.V.ToArray());

            // The second chunk's backward starts from its V0 and A_{−1} (∂β, ∂κ at its first step use them).
            float[] w = Uniform(rng, s2.Size, -1, 1);
            tape.Backward(s2, w);
            var r = RunReference(c, p, second.Span, t2, v0, a0, w);
            AssertClose(r.S, s2.Span, 0, 0, $"{c} t1={t1} spikes");
            AssertClose(r.GradInput, second.Grad!.Span, 1e-7, 1e-6, $"{c} t1={t1} ∂input");
            AssertClose(ToGroups(r.GradBeta, c), p.Beta.Grad!.Span, 1e-6, 1e-5, $"{c} t1={t1} ∂β");
            AssertClose(ToGroups(r.GradTheta0, c), p.Threshold.Grad!.Span, 1e-6, 1e-5, $"{c} t1={t1} ∂θ");
        });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Step_Over1000Steps_AllocatesNothing(bool adaptive)
    {
        var store = new ParameterStore();
        var sg = SurrogateSpec.Default(SurrogateKind.ATan);
        NeuronParams p = adaptive
            ? AlifParams.Create(store, "stream", 64, 4, 0.9f, 1f, 0.95f, 0.3f, true, false, LifReset.Soft, false, sg)
            : LifParams.Create(store, "stream", 64, 4, 0.9f, 1f, true, false, LifReset.Soft, false, sg);
        var state = NewState(p, 3);
        float[] current = Uniform(new Random(5), state.Neurons, -0.2, 0.6), spikes = new float[state.Neurons];
        Step(p, current, state, spikes);
        long before = GC.GetAllocatedBytesForCurrentThread();
        float total = 0;
        for (int i = 0; i < 1000; i++)
        {
            Step(p, current, state, spikes);
            total += spikes[i % spikes.Length];
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(total > 0, "the layer never spiked: the test input is too weak to exercise the reset");
    }
}
