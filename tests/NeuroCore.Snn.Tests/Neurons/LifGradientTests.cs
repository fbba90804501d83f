using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NeuroCore.Autodiff;
using NeuroCore.Kernels;
using static NeuroCore.Snn.Tests.Neurons.NeuronTestKit;

namespace NeuroCore.Snn.Tests.Neurons;

public sealed class LifGradientTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Scan_HandComputedTrajectory_MatchesGolden(bool detach)
    {
        // One neuron, β = ½, θ = 1, soft reset, V0 = 0; dyadic inputs so every value is exact in float.
        //   t0 H = 0.75 → S 0, V 0.75;  t1 H = 0.375 + 0.875 = 1.25 → S 1, V 0.25;  t2 H = 0.125 + 0.5 = 0.625 → S 0,
        //   V 0.625;  t3 H = 0.3125 + 1 = 1.3125 → S 1, V 0.3125;  t4 H = 0.15625 + 0.84375 = 1 (exactly θ) → S 1, V 0.
        // Gradient of L = S_1 with the rectangular surrogate of width 1 (g(x) = 1 for |x| < ½): g1 = g(1.25 − 1) = 1,
        // g0 = g(0.75 − 1) = 1.  H1 = β·V0' + I1 with V0' = H0 − S0·θ, H0 = I0 (S0 = 0, V0' = 0.75), so
        //   ∂L/∂I1 = g1 = 1,  ∂L/∂β = g1·V0' = 0.75,  ∂L/∂I0 = g1·β·∂V0'/∂H0,  ∂L/∂θ = g1·(−1 + β·∂V0'/∂θ):
        //   attached reset: ∂V0'/∂H0 = 1 − θ·g0 = 0 and ∂V0'/∂θ = −S0 + θ·g0 = 1 → ∂I0 = 0, ∂θ = −0.5;
        //   detached reset: ∂V0'/∂H0 = 1 and ∂V0'/∂θ = −S0 = 0 → ∂I0 = 0.5, ∂θ = −1.
        //   Steps 2..4 do not reach S_1 (causality): their input gradients are 0.
        var store = new ParameterStore();
        var p = LifParams.Create(store, "golden", 1, 1, 0.5f, 1f, learnBeta: true, learnThreshold: true, LifReset.Soft,
            detach, new SurrogateSpec(SurrogateKind.Rectangular, 1f));
        var current = Tensor.From([0.75f, 0.875f, 0.5f, 1f, 0.84375f], new Shape(5, 1)).RequireGrad();
        var state = new LifState(p, 1);
        using var tape = new Tape();
        var s = LifNeuron.Scan(tape, current, 5, p, state);
        Assert.Equal([0f, 1f, 0f, 1f, 1f], s.ToArray());
        Assert.Equal(0f, state.V[0]);
        tape.Backward(s, [0f, 1f, 0f, 0f, 0f]);
        Assert.Equal([detach ? 0.5f : 0f, 1f, 0f, 0f, 0f], current.Grad!.ToArray());
        Assert.Equal(0.75f, p.Beta.Grad!.Span[0]);
        Assert.Equal(detach ? -1f : -0.5f, p.Threshold.Grad!.Span[0]);
    }

    /// <summary>
    /// Finite differences through a straight-through smooth twin of the neuron, in double: S_t = c_t + P(H_t − θ)
    /// with P the surrogate's primitive and c_t = S_t(Heaviside) − P(x_t) frozen at the base point. At the base point
    /// the twin's trajectory IS the Heaviside one, and its exact gradient is the surrogate gradient the tape computes,
    /// so the check covers the kernel, the [G]→[B·F] broadcast and the reduction back. A detached reset uses the
    /// base-point S, held constant.
    /// </summary>
    [Property(MaxTest = 40)]
    public Property Scan_GradientMatchesFiniteDifferenceOfStraightThroughTwin() =>
        Prop.ForAll(NeuronGens.Cases(maxSteps: 5, maxBatch: 2, maxGroups: 3, maxInner: 2), c =>
        {
            var rng = new Random(c.Seed);
            var store = new ParameterStore();
            var p = RandomLif(store, c, rng);
            var current = Tensor.From(Uniform(rng, c.Steps * c.Neurons, -0.4, 1.2), c.CurrentShape).RequireGrad();
            float[] w = Uniform(rng, current.Size, -1, 1);
            using var tape = new Tape();
            var s = LifNeuron.Scan(tape, current, c.Steps, p);
            tape.Backward(s, w);

            var sg = Of(c.Surrogate);
            float[] spikes = s.ToArray();
            double[] input = [.. current.Span.ToArray().Select(x => (double)x)];
            double[] beta = [.. p.Beta.Span.ToArray().Select(x => (double)x)];
            double[] theta = [.. p.Threshold.Span.ToArray().Select(x => (double)x)];
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
                    double v = 0;
                    for (int t = 0; t < c.Steps; t++)
                    {
                        int i = t * n + j;
                        double h = beta[g] * v + input[i], x = h - theta[g];
                        double sv = c0 is null ? spikes[i] : c0[i] + sg.Primitive(x);
                        if (c0 is null) offsets[i] = x;
                        double sr = c.Detach ? spikes[i] : sv;
                        v = c.Reset == LifReset.Soft ? h - sr * theta[g] : h * (1 - sr);
                        loss += w[i] * sv;
                    }
                }
                return loss;
            }

            void Check(string name, double[] a, ReadOnlySpan<float> grad)
            {
                const double eps = 1e-5;
                for (int k = 0; k < a.Length; k++)
                {
                    double keep = a[k];
                    a[k] = keep + eps;
                    double up = Twin(offsets);
                    a[k] = keep - eps;
                    double down = Twin(offsets);
                    a[k] = keep;
                    double fd = (up - down) / (2 * eps);
                    Assert.True(Math.Abs(grad[k] - fd) <= 5e-4 + 5e-4 * Math.Abs(fd),
                        $"{name}[{k}] = {grad[k]:R}, finite difference {fd:R} ({c})");
                }
            }
            Check("∂input", input, current.Grad!.Span);
            Check("∂β", beta, p.Beta.Grad!.Span);
            Check("∂θ", theta, p.Threshold.Grad!.Span);
        });

    [Fact]
    public void Scan_AnyThreadCount_BitwiseEqual()
    {
        // B·F = 2200 neurons: three kernel tiles, so two threads really split the work.
        var c = new NeuronCase(3, 2, 550, 2, LifReset.Soft, false, SurrogateSpec.Default(SurrogateKind.ATan), false, 7);
        float[]? first = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var rng = new Random(c.Seed);
            var store = new ParameterStore();
            var p = RandomLif(store, c, rng);
            var current = Tensor.From(Uniform(rng, c.Steps * c.Neurons, -0.4, 1.2), c.CurrentShape).RequireGrad();
            using var tape = new Tape(threads: threads);
            var s = LifNeuron.Scan(tape, current, c.Steps, p);
            tape.Backward(s, Uniform(rng, s.Size, -1, 1));
            float[] all = [.. s.ToArray(), .. current.Grad!.ToArray(), .. store.Grads.ToArray()];
            first ??= all;
            Assert.Equal(first, all);
        }
    }

    [Fact]
    public void ScanAndBackward_SteadyState_AllocateNothing()
    {
        var c = new NeuronCase(4, 3, 8, 2, LifReset.Hard, false, SurrogateSpec.Default(SurrogateKind.FastSigmoid), true, 3);
        var rng = new Random(c.Seed);
        var store = new ParameterStore();
        var p = RandomLif(store, c, rng);
        var current = Tensor.From(Uniform(rng, c.Steps * c.Neurons, -0.4, 1.2), c.CurrentShape).RequireGrad();
        float[] seed = Uniform(rng, current.Size, -1, 1);
        using var tape = new Tape();
        void Step()
        {
            tape.Reset();
            tape.Backward(LifNeuron.Scan(tape, current, c.Steps, p), seed);
        }
        Step();
        Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
