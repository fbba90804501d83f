using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NeuroCore.Autodiff;
using NeuroCore.Kernels;
using static NeuroCore.Snn.Tests.Neurons.NeuronTestKit;

namespace NeuroCore.Snn.Tests.Neurons;

public sealed class NeuronGradientTests
{
    /// <summary>
    /// Finite differences through a straight-through smooth twin of the neuron, in double: S_t = c_t + P(H_t − θ_t)
    /// with P the surrogate's primitive and c_t = S_t(Heaviside) − P(x_t) frozen at the base point. At the base point
    /// the twin's trajectory IS the Heaviside one, and its exact gradient is the surrogate gradient the tape computes,
    /// so the check covers the kernel, the [G]→[B·F] broadcast and the reduction back. A detached reset uses the
    /// base-point S, held constant (ALIF's trace keeps the twin's S). For ALIF, ρ and κ (constants) are marked
    /// RequireGrad so their gradients are checked too.
    /// </summary>
    [Property(MaxTest = 50)]
    public Property Scan_GradientMatchesFiniteDifferenceOfStraightThroughTwin() =>
        Prop.ForAll(NeuronGens.Cases(maxSteps: 5, maxBatch: 2, maxGroups: 3, maxInner: 2), c =>
        {
            var rng = new Random(c.Seed);
            var store = new ParameterStore();
            var p = RandomParams(store, c, rng);
            var alif = p as AlifParams;
            alif?.Rho.RequireGrad();
            alif?.Kappa.RequireGrad();
            var current = Tensor.From(Uniform(rng, c.Steps * c.Neurons, -0.4, 1.2), c.CurrentShape).RequireGrad();
            float[] w = Uniform(rng, current.Size, -1, 1);
            using var tape = new Tape();
            var s = Scan(tape, current, c.Steps, p);
            tape.Backward(s, w);

            var sg = Of(c.Surrogate);
            float[] spikes = s.ToArray();
            static double[] D(Tensor t) => [.. t.ToArray().Select(x => (double)x)];
            double[] input = D(current), beta = D(p.Beta), theta0 = D(p.Threshold);
            double[] rho = alif is null ? new double[c.Groups] : D(alif.Rho), kappa = alif is null ? new double[c.Groups] : D(alif.Kappa);
            var offsets = new double[spikes.Length];
            Twin(null); // records x_t at the base point into offsets, then turns them into c_t
            for (int i = 0; i < offsets.Length; i++) offsets[i] = spikes[i] - sg.Primitive(offsets[i]);

            double Twin(double[]? c0)
            {
                int n = c.Neurons;
                double loss = 0;
                for (int j = 0; j < n; j++)
                {
                    int g = j % c.Features / c.Inner;
                    double v = 0, a = 0;
                    for (int t = 0; t < c.Steps; t++)
                    {
                        int i = t * n + j;
                        double h = beta[g] * v + input[i], th = theta0[g] + kappa[g] * a, x = h - th;
                        double sv = c0 is null ? spikes[i] : c0[i] + sg.Primitive(x);
                        if (c0 is null) offsets[i] = x;
                        double sr = c.Detach ? spikes[i] : sv;
                        v = c.Reset == LifReset.Soft ? h - sr * th : h * (1 - sr);
                        a = rho[g] * a + (1 - rho[g]) * sv;
                        loss += w[i] * sv;
                    }
                }
                return loss;
            }

            void Check(string name, double[] x, ReadOnlySpan<float> grad) =>
                NeuronTestKit.AssertFiniteDifferences(name, x, grad, () => Twin(offsets), c);
            Check("∂input", input, current.Grad!.Span);
            Check("∂β", beta, p.Beta.Grad!.Span);
            Check("∂θ", theta0, p.Threshold.Grad!.Span);
            if (alif is not null)
            {
                Check("∂ρ", rho, alif.Rho.Grad!.Span);
                Check("∂κ", kappa, alif.Kappa.Grad!.Span);
            }
        });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Scan_AnyThreadCount_BitwiseEqual(bool adaptive)
    {
        // B·F = 2200 neurons: three kernel tiles, so several threads really split the work.
        var c = new NeuronCase(3, 2, 550, 2, LifReset.Soft, false, SurrogateSpec.Default(SurrogateKind.ATan), false, adaptive, 7);
        float[]? first = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var rng = new Random(c.Seed);
            var store = new ParameterStore();
            var p = RandomParams(store, c, rng);
            var current = Tensor.From(Uniform(rng, c.Steps * c.Neurons, -0.4, 1.2), c.CurrentShape).RequireGrad();
            using var tape = new Tape(threads: threads);
            var s = Scan(tape, current, c.Steps, p);
            tape.Backward(s, Uniform(rng, s.Size, -1, 1));
            float[] all = [.. s.ToArray(), .. current.Grad!.ToArray(), .. store.Grads.ToArray()];
            first ??= all;
            Assert.Equal(first, all);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void LifScan_FixedBetaAndThreshold_SameInputGradientAsLearnable(int threads)
    {
        // With β and θ not learnable the backward skips their reductions (and V0): the input's gradient must be
        // bitwise the learnable case's, and β, θ get no gradient.
        var c = new NeuronCase(3, 2, 550, 2, LifReset.Soft, false, SurrogateSpec.Default(SurrogateKind.FastSigmoid), false, false, 5);
        float[]? learnableGrad = null;
        foreach (bool learn in new[] { true, false })
        {
            var rng = new Random(c.Seed);
            var store = new ParameterStore();
            var p = LifParams.Create(store, "lif", c.Groups, c.Inner, 0.5f, 1f, learn, learn, c.Reset, c.Detach, c.Surrogate);
            Uniform(rng, c.Groups, 0.3, 1.0).CopyTo(p.Beta.Span);
            Uniform(rng, c.Groups, 0.5, 1.5).CopyTo(p.Threshold.Span);
            var x = Tensor.From(Uniform(rng, c.Steps * c.Neurons, -0.4, 1.2), c.CurrentShape).RequireGrad();
            using var tape = new Tape(threads: threads);
            var s = LifNeuron.Scan(tape, x, c.Steps, p);
            tape.Backward(s, Uniform(rng, s.Size, -1, 1));
            float[] grad = x.Grad!.ToArray();
            if (learn)
            {
                learnableGrad = grad;
                Assert.Contains(p.Beta.Grad!.ToArray(), g => g != 0f);
            }
            else
            {
                Assert.Equal(learnableGrad, grad);
                Assert.Null(p.Beta.Grad);
                Assert.Null(p.Threshold.Grad);
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void LifScan_RecordedInput_GradientTakesTheSavedMembrane_SameAsLeafInput(int threads)
    {
        // A recorded current (here x + 0) gets its gradient written over the scan's saved H instead of a new buffer;
        // the values must be bitwise those of the leaf path (which writes a separate buffer), at 1 and 2 threads.
        var c = new NeuronCase(3, 2, 550, 2, LifReset.Soft, false, SurrogateSpec.Default(SurrogateKind.FastSigmoid), false, false, 5);
        float[]? leafGrad = null;
        foreach (bool recorded in new[] { false, true })
        {
            var rng = new Random(c.Seed);
            var store = new ParameterStore();
            var p = RandomParams(store, c, rng);
            var x = Tensor.From(Uniform(rng, c.Steps * c.Neurons, -0.4, 1.2), c.CurrentShape).RequireGrad();
            using var zero = Tensor.Zeros(c.CurrentShape);
            using var tape = new Tape(threads: threads);
            var current = recorded ? Ops.Add(tape, x, zero) : x;
            var s = Scan(tape, current, c.Steps, p);
            tape.Backward(s, Uniform(rng, s.Size, -1, 1));
            float[] grad = [.. x.Grad!.ToArray(), .. store.Grads.ToArray()];
            if (!recorded)
            {
                leafGrad = grad;
                continue;
            }
            var saved = tape.Entries[^1].Saved0!;
            Assert.True(tape.GradOf(current)!.Span.Overlaps(saved.Span), "the recorded current's gradient should reuse the saved H");
            Assert.Equal(leafGrad, grad);

            // The adopting path keeps the steady state allocation-free.
            float[] seed = Uniform(rng, s.Size, -1, 1);
            void Step()
            {
                tape.Reset();
                tape.Backward(Scan(tape, Ops.Add(tape, x, zero), c.Steps, p), seed);
            }
            for (int i = 0; i < 3; i++) Step();
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++) Step();
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ScanAndBackward_SteadyState_AllocateNothing(bool adaptive)
    {
        var c = new NeuronCase(4, 3, 8, 2, LifReset.Hard, false, SurrogateSpec.Default(SurrogateKind.FastSigmoid), true, adaptive, 3);
        var rng = new Random(c.Seed);
        var store = new ParameterStore();
        var p = RandomParams(store, c, rng);
        var current = Tensor.From(Uniform(rng, c.Steps * c.Neurons, -0.4, 1.2), c.CurrentShape).RequireGrad();
        var state = NewState(p, c.Batch);
        float[] seed = Uniform(rng, current.Size, -1, 1);
        using var tape = new Tape();
        void Step()
        {
            tape.Reset();
            tape.Backward(Scan(tape, current, c.Steps, p), seed);
            tape.Reset();
            tape.Backward(Scan(tape, current, c.Steps, p, state), seed);
        }
        for (int i = 0; i < 3; i++) Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
