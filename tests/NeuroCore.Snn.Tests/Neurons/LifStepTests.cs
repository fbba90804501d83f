using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NeuroCore.Autodiff;
using NeuroCore.Kernels;
using static NeuroCore.Snn.Tests.Neurons.NeuronTestKit;

namespace NeuroCore.Snn.Tests.Neurons;

public sealed class LifStepTests
{
    [Property(MaxTest = 30)]
    public Property Step_OverManySteps_EqualsScan() =>
        Prop.ForAll(NeuronGens.Cases(maxSteps: 12), c =>
        {
            var rng = new Random(c.Seed);
            var p = RandomLif(new ParameterStore(), c, rng);
            var current = Tensor.From(Uniform(rng, c.Steps * c.Neurons, -0.4, 1.2), c.CurrentShape);
            using var tape = new Tape(recording: false);
            var scanState = new LifState(p, c.Batch);
            float[] expected = LifNeuron.Scan(tape, current, c.Steps, p, scanState).ToArray();

            var state = new LifState(p, c.Batch);
            var spikes = new float[c.Neurons];
            for (int t = 0; t < c.Steps; t++)
            {
                LifNeuron.Step(p, current.Span.Slice(t * c.Neurons, c.Neurons), state, spikes);
                Assert.Equal(expected.AsSpan(t * c.Neurons, c.Neurons).ToArray(), spikes);
                if (t == 0)
                {
                    // T = 1: one step is a scan of length one.
                    var one = LifNeuron.Scan(tape, Tensor.From(current.Span[..c.Neurons], new Shape(c.Batch, c.Features)), 1, p);
                    Assert.Equal(one.ToArray(), spikes);
                }
            }
            Assert.Equal(scanState.V.ToArray(), state.V.ToArray());
            state.Reset();
            Assert.All(state.V.ToArray(), v => Assert.Equal(0f, v));
        });

    [Property(MaxTest = 30)]
    public Property ScanInChunks_WithState_EqualsWholeScan_AndChunkGradientUsesV0() =>
        Prop.ForAll(NeuronGens.Cases(maxSteps: 8), c =>
        {
            var rng = new Random(c.Seed);
            var store = new ParameterStore();
            var p = RandomLif(store, c, rng);
            int n = c.Neurons, t1 = rng.Next(0, c.Steps + 1), t2 = c.Steps - t1;
            float[] data = Uniform(rng, c.Steps * n, -0.4, 1.2);
            using var tape = new Tape();
            var wholeState = new LifState(p, c.Batch);
            float[] whole = LifNeuron.Scan(tape, Tensor.From(data, new Shape(c.Steps * c.Batch, c.Features)), c.Steps, p, wholeState).ToArray();

            var state = new LifState(p, c.Batch);
            float[] chunks = new float[data.Length];
            if (t1 > 0)
                LifNeuron.Scan(tape, Tensor.From(data.AsSpan(0, t1 * n), new Shape(t1 * c.Batch, c.Features)), t1, p, state)
                    .Span.CopyTo(chunks);
            float[] v0 = state.V.ToArray();
            if (t2 == 0) return;
            tape.Reset();
            var second = Tensor.From(data.AsSpan(t1 * n), new Shape(t2, c.Batch, c.Features)).RequireGrad();
            var s2 = LifNeuron.Scan(tape, second, t2, p, state);
            s2.Span.CopyTo(chunks.AsSpan(t1 * n));
            Assert.Equal(whole, chunks);
            Assert.Equal(wholeState.V.ToArray(), state.V.ToArray());

            // The second chunk's backward starts from its V0 (∂β at its first step uses it), and matches the twin.
            float[] w = Uniform(rng, s2.Size, -1, 1);
            tape.Backward(s2, w);
            float[] beta = new float[n], theta = new float[n];
            for (int i = 0; i < n; i++)
            {
                beta[i] = p.Beta.Span[i % c.Features / c.Inner];
                theta[i] = p.Threshold.Span[i % c.Features / c.Inner];
            }
            float[] v = (float[])v0.Clone(), sR = new float[t2 * n], hR = new float[t2 * n];
            Reference.LifScanForward(second.Span, t2, n, beta, theta, c.Reset, v, sR, hR);
            var call = new RefCall(v0, hR, sR, w, t2, c, beta, theta);
            SurrogateDispatch.Run(c.Surrogate, ref call);
            AssertClose(call.GradInput, second.Grad!.Span, 1e-7, 1e-6, $"{c} t1={t1} ∂input");
            var gb = new double[c.Groups];
            for (int i = 0; i < n; i++) gb[i % c.Features / c.Inner] += call.GradBeta[i];
            AssertClose([.. gb.Select(x => (float)x)], p.Beta.Grad!.Span, 1e-6, 1e-5, $"{c} t1={t1} ∂β");
        });

    readonly ref struct RefCall(float[] v0, float[] h, float[] s, float[] gs, int steps, NeuronCase c, float[] beta, float[] theta) : ISurrogateCall
    {
        public float[] GradInput { get; } = new float[h.Length];
        public float[] GradBeta { get; } = new float[beta.Length];

        public void Invoke<TSurrogate>(in TSurrogate sg) where TSurrogate : struct, ISurrogate =>
            Reference.LifScanBackward(sg, v0, h, s, gs, default, steps, beta.Length, beta, theta, c.Reset, c.Detach,
                GradInput, GradBeta, new float[beta.Length], default);
    }

    [Fact]
    public void Step_Over1000Steps_AllocatesNothing()
    {
        var store = new ParameterStore();
        var p = LifParams.Create(store, "stream", 64, 4, 0.9f, 1f, true, false, LifReset.Soft, false, SurrogateSpec.Default(SurrogateKind.ATan));
        var state = new LifState(p, 3);
        float[] current = Uniform(new Random(5), state.Neurons, -0.2, 0.6), spikes = new float[state.Neurons];
        LifNeuron.Step(p, current, state, spikes);
        long before = GC.GetAllocatedBytesForCurrentThread();
        float total = 0;
        for (int i = 0; i < 1000; i++)
        {
            LifNeuron.Step(p, current, state, spikes);
            total += spikes[i % spikes.Length];
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(total > 0, "the layer never spiked: the test input is too weak to exercise the reset");
    }
}
