using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NeuroCore.Autodiff;

namespace NeuroCore.Snn.Tests.Layers;

public sealed class ReadoutTests
{
    [Fact]
    public void LeakyIntegrator_HandComputed()
    {
        // T = 3, one neuron, β = 0.5, I = 1, 2, −4: m = 1, 2.5, −2.75; mean = 0.25, max = 2.5 (t = 1).
        using var tape = new Tape(recording: false);
        using var i = Tensor.From([1f, 2f, -4f], new Shape(3, 1));
        Assert.Equal(0.25f, LeakyIntegrator.Forward(tape, i, 3, 0.5f, max: false).Item());
        Assert.Equal(2.5f, LeakyIntegrator.Forward(tape, i, 3, 0.5f, max: true).Item());
    }

    [Property(MaxTest = 25)]
    public Property LeakyIntegrator_MeanAndMax_GradientMatchesFiniteDifference() =>
        Prop.ForAll(Gen.Choose(0, 100000).ToArbitrary(), seed =>
            {
                var rng = new Random(seed);
                int steps = rng.Next(1, 6), batch = rng.Next(1, 4), classes = rng.Next(1, 5);
                float beta = (float)(0.2 + (0.8 * rng.NextDouble()));
                bool max = seed % 2 == 0;
                var values = LayerTestKit.Random(rng, steps * batch * classes, -2, 2);
                // Max is piecewise linear: a step of h keeps the arg-max only if no other membrane is within 2h of the
                // maximum, so a draw with a near-tie (where the finite difference straddles the kink) is not checked.
                if (max && MembraneMaxGap(values, steps, batch * classes, beta) < 0.02f) return;
                using var x = Tensor.From(values, new Shape(steps * batch, classes)).RequireGrad();
                LayerTestKit.GradCheck(t => LeakyIntegrator.Forward(t, x, steps, beta, max), [x], seed, h: 1e-3, atol: 5e-3);
            });

    /// <summary>The smallest gap, over every neuron, between its largest membrane over time and its next largest.</summary>
    static float MembraneMaxGap(float[] input, int steps, int neurons, float beta)
    {
        float gap = float.PositiveInfinity;
        var m = new float[steps];
        for (int n = 0; n < neurons; n++)
        {
            float v = 0;
            for (int t = 0; t < steps; t++) m[t] = v = (beta * v) + input[(t * neurons) + n];
            Array.Sort(m);
            if (steps > 1) gap = Math.Min(gap, m[^1] - m[^2]);
        }
        return gap;
    }

    [Fact]
    public void SpikingReadout_MeanMembrane_WeightGradientMatchesFiniteDifference()
    {
        var store = new ParameterStore();
        var r = new SpikingReadout(store, "out", 5, 3, new SnnModelOptions { Beta = 0.7f }, 2);
        var rng = new Random(3);
        using var x = Tensor.From(LayerTestKit.Spikes(rng, 4 * 2 * 5, 0.4), new Shape(8, 5));
        LayerTestKit.GradCheck(t => r.Forward(t, x, 4), [r.Weight, r.Bias!], 7);
    }

    [Theory]
    [InlineData(ReadoutKind.MeanMembrane)]
    [InlineData(ReadoutKind.MaxMembrane)]
    [InlineData(ReadoutKind.SpikeCount)]
    public void SpikingReadout_Step_EqualsForward(ReadoutKind kind)
    {
        const int T = 6, B = 2, In = 7, C = 3;
        var store = new ParameterStore();
        var r = new SpikingReadout(store, "out", In, C, new SnnModelOptions { Readout = kind, Beta = 0.8f, Threshold = 0.3f }, 4);
        var x = LayerTestKit.Spikes(new Random(5), T * B * In, 0.5);
        using var tape = new Tape(recording: false);
        using var xt = Tensor.From(x, new Shape(T * B, In));
        var expected = r.Forward(tape, xt, T).ToArray();
        var state = r.CreateState(B);
        var logits = new float[B * C];
        for (int t = 0; t < T; t++) r.Step(x.AsSpan(t * B * In, B * In), state, logits);
        LayerTestKit.AssertClose(expected, logits, 1e-5, "logits");
        Assert.Throws<ArgumentException>(() => r.Step(x.AsSpan(0, In), state, logits));
    }
}
