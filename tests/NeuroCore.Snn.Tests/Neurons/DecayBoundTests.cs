using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NeuroCore.Autodiff;
using NeuroCore.Kernels;
using static NeuroCore.Snn.Tests.Neurons.NeuronTestKit;

namespace NeuroCore.Snn.Tests.Neurons;

/// <summary>
/// <see cref="DecayBound.Sigmoid"/>: β = σ(logit) with the logit the learnable parameter. The bounded layer must run
/// exactly the unbounded layer whose β holds σ(logit) (the scan's ∂β is finite-difference checked in
/// <see cref="NeuronGradientTests"/>, σ's in the core's op tests), and its logit gradient must be ∂β·σ'(logit).
/// </summary>
public sealed class DecayBoundTests
{
    static NeuronParams Create(ParameterStore store, NeuronCase c, DecayBound bound) => c.Adaptive
        ? AlifParams.Create(store, "layer", c.Groups, c.Inner, 0.5f, 1f, 0.8f, 0.5f, true, true, c.Reset, c.Detach, c.Surrogate, bound)
        : LifParams.Create(store, "layer", c.Groups, c.Inner, 0.5f, 1f, true, true, c.Reset, c.Detach, c.Surrogate, bound);

    /// <summary>The bounded layer with random logits, and the unbounded twin with β = σ(logit) and the same θ, ρ, κ.</summary>
    static (NeuronParams Bounded, NeuronParams Plain) Pair(NeuronCase c, Random rng)
    {
        var bounded = Create(new ParameterStore(), c, DecayBound.Sigmoid);
        Uniform(rng, c.Groups, -1.5, 3.5).CopyTo(bounded.BetaLogit!.Span);   // β ≈ 0.18 .. 0.97
        Uniform(rng, c.Groups, 0.5, 1.5).CopyTo(bounded.Threshold.Span);
        var plain = Create(new ParameterStore(), c, DecayBound.None);
        Elementwise.Map<SigmoidOp>(bounded.BetaLogit.Span, plain.Beta.Span);
        bounded.Threshold.Span.CopyTo(plain.Threshold.Span);
        if (bounded is AlifParams a && plain is AlifParams b)
        {
            Uniform(rng, c.Groups, 0.3, 0.95).CopyTo(a.Rho.Span);
            a.Rho.Span.CopyTo(b.Rho.Span);
            Uniform(rng, c.Groups, 0.0, 1.5).CopyTo(a.Kappa.Span);
            a.Kappa.Span.CopyTo(b.Kappa.Span);
        }
        return (bounded, plain);
    }

    [Property(MaxTest = 40)]
    public Property Scan_Bounded_EqualsPlainWithSigmoidBeta_AndLogitGradientIsChainRule() =>
        Prop.ForAll(NeuronGens.Cases(maxSteps: 6, maxBatch: 2, maxGroups: 3, maxInner: 2), c =>
        {
            var rng = new Random(c.Seed);
            var (bounded, plain) = Pair(c, rng);
            float[] data = Uniform(rng, c.Steps * c.Neurons, -0.4, 1.2);
            float[] w = Uniform(rng, data.Length, -1, 1);
            (float[] S, float[] GradX) Run(NeuronParams p)
            {
                var x = Tensor.From(data, c.CurrentShape).RequireGrad();
                using var tape = new Tape();
                var s = Scan(tape, x, c.Steps, p);
                tape.Backward(s, w);
                return (s.ToArray(), x.Grad!.ToArray());
            }
            var b = Run(bounded);
            var u = Run(plain);
            Assert.Equal(u.S, b.S);
            Assert.Equal(u.GradX, b.GradX);
            Assert.Equal(plain.Threshold.Grad!.ToArray(), bounded.Threshold.Grad!.ToArray());
            Assert.Equal(plain.Beta.ToArray(), bounded.Beta.ToArray());   // Beta holds σ(logit) after the scan
            float[] beta = plain.Beta.ToArray(), gBeta = plain.Beta.Grad!.ToArray();
            float[] expected = [.. gBeta.Select((g, i) => g * beta[i] * (1f - beta[i]))];
            AssertClose(expected, bounded.BetaLogit!.Grad!.Span, 1e-6, 1e-5, "∂logit");
        });

    [Property(MaxTest = 30)]
    public Property Step_Bounded_EqualsScan_AndFollowsALogitChange() =>
        Prop.ForAll(NeuronGens.Cases(maxSteps: 8), c =>
        {
            var rng = new Random(c.Seed);
            var (p, _) = Pair(c, rng);
            var current = Tensor.From(Uniform(rng, c.Steps * c.Neurons, -0.4, 1.2), c.CurrentShape);
            using var tape = new Tape(recording: false);
            float[] expected = Scan(tape, current, c.Steps, p).ToArray();
            var state = NewState(p, c.Batch);
            var spikes = new float[c.Neurons];
            for (int t = 0; t < c.Steps; t++)
            {
                Step(p, current.Span.Slice(t * c.Neurons, c.Neurons), state, spikes);
                Assert.Equal(expected.AsSpan(t * c.Neurons, c.Neurons).ToArray(), spikes);
            }
            // A new logit (an optimizer step, a checkpoint load) is seen by the next Step without a scan in between.
            p.BetaLogit!.Span.Fill(-2f);
            Step(p, current.Span[..c.Neurons], state, spikes);
            Assert.All(p.Beta.ToArray(), v => Assert.Equal(1f / (1f + MathF.Exp(2f)), v, 6));
        });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Create_Bounded_StoresTheLogitNotBeta_AndKeepsBetaBelowOne(bool adaptive)
    {
        var c = new NeuronCase(2, 1, 3, 1, LifReset.Soft, false, SurrogateSpec.Default(SurrogateKind.FastSigmoid), false, adaptive, 1);
        var store = new ParameterStore();
        var p = Create(store, c, DecayBound.Sigmoid);
        Assert.Equal(DecayBound.Sigmoid, p.DecayBound);
        Assert.True(store.TryGet("layer.beta_logit", out _));
        Assert.False(store.TryGet("layer.beta", out _));
        Assert.All(p.BetaLogit!.ToArray(), v => Assert.Equal(MathF.Log(0.5f / 0.5f), v));
        // However far an optimizer pushes the logit, β stays ≤ 1 (σ saturates; it never exceeds 1).
        p.BetaLogit.Span.Fill(12f);
        using var tape = new Tape(recording: false);
        Scan(tape, Tensor.From(new float[2 * 3], new Shape(2, 3)), 2, p);
        Assert.All(p.Beta.ToArray(), v => Assert.InRange(v, 0.99999f, 1f));
        Assert.All(p.Beta.ToArray(), v => Assert.True(v < 1f, $"β = {v}"));
    }

    [Fact]
    public void Create_BadBounds_AreRejectedNamingTheLayer()
    {
        var store = new ParameterStore();
        var sg = SurrogateSpec.Default(SurrogateKind.FastSigmoid);
        var e = Assert.Throws<ArgumentException>(() =>
            LifParams.Create(store, "fc1", 4, 1, 1f, 1f, true, true, LifReset.Soft, false, sg, DecayBound.Sigmoid));
        Assert.Contains("LIF layer 'fc1'", e.Message, StringComparison.Ordinal);
        Assert.Contains("< 1 with DecayBound.Sigmoid", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() =>
            AlifParams.Create(store, "fc2", 4, 1, 0.9f, 1f, 0.9f, 1f, true, true, LifReset.Soft, false, sg, (DecayBound)7));
        // A fixed β has nothing to bound: the option is ignored and β stays the constant.
        var fixedBeta = LifParams.Create(store, "fc3", 4, 1, 0.9f, 1f, false, true, LifReset.Soft, false, sg, DecayBound.Sigmoid);
        Assert.Equal(DecayBound.None, fixedBeta.DecayBound);
        Assert.Null(fixedBeta.BetaLogit);
    }
}
