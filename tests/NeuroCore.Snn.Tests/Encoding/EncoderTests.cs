using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NeuroCore.Autodiff;

namespace NeuroCore.Snn.Tests.Encoding;

public sealed class EncoderTests
{
    [Fact]
    public void Rate_SpikeFrequency_MatchesIntensity()
    {
        var store = new ParameterStore();
        var enc = new RateEncoder(store, "enc", steps: 400, seed: 9);
        float[] p = [0f, 0.05f, 0.25f, 0.5f, 0.9f, 1f];
        using var tape = new Tape(recording: false);
        using var x = Tensor.From(p, new Shape(1, p.Length));
        var s = enc.Encode(tape, x).Span;
        for (int i = 0; i < p.Length; i++)
        {
            int count = 0;
            for (int t = 0; t < 400; t++) count += (int)s[(t * p.Length) + i];
            double rate = count / 400.0, sd = Math.Sqrt(p[i] * (1 - p[i]) / 400);
            Assert.InRange(rate, p[i] - (5 * sd) - 1e-9, p[i] + (5 * sd) + 1e-9); // 5σ: fails by chance < 1e-6
        }
    }

    [Fact]
    public void Rate_TrainingAdvancesStream_EvaluationIsFixed_ResumeMatches()
    {
        var store = new ParameterStore();
        var enc = new RateEncoder(store, "enc", steps: 3, seed: 4);
        using var tape = new Tape(recording: false);
        using var x = Tensor.Full(new Shape(2, 50), 0.5f);
        var first = enc.Encode(tape, x).ToArray();
        var second = enc.Encode(tape, x).ToArray();
        Assert.NotEqual(first, second);
        Assert.Equal(2UL, enc.Calls);

        // A fresh encoder restored from the counter buffer (as a checkpoint does) continues the same sequence.
        var third = enc.Encode(tape, x).ToArray();
        var resumedStore = new ParameterStore();
        var resumed = new RateEncoder(resumedStore, "enc", steps: 3, seed: 4);
        store["enc.calls"].Span.CopyTo(resumedStore["enc.calls"].Span);
        resumedStore["enc.calls"].Span[0] -= 1; // the state before the third call
        Assert.Equal(third, resumed.Encode(tape, x).ToArray());

        enc.Training = false;
        var e1 = enc.Encode(tape, x).ToArray();
        var e2 = enc.Encode(tape, x).ToArray();
        Assert.Equal(e1, e2);
        Assert.Equal(3UL, enc.Calls);
    }

    [Property(MaxTest = 30)]
    public Property Rate_SameKeyAnyThreads_IdenticalSpikes() =>
        Prop.ForAll(Gen.Choose(1, 300).ToArbitrary(), Gen.Choose(1, 5).ToArbitrary(), (n, steps) =>
        {
            var rng = new Random(n * 31 + steps);
            var x = new float[n];
            for (int i = 0; i < n; i++) x[i] = (float)rng.NextDouble();
            var whole = new float[steps * n];
            RateEncoder.Encode("r", x, steps, 7, 3, whole);
            // The value at flat index k depends on k only: encoding two halves separately at their offsets
            // (what a thread split would do) reproduces it.
            for (int t = 0; t < steps; t++)
            {
                int half = n / 2;
                var a = new float[half];
                var b = new float[n - half];
                NeuroCore.Kernels.Philox.Bernoulli(7, 3, (ulong)(t * n), x.AsSpan(0, half), a);
                NeuroCore.Kernels.Philox.Bernoulli(7, 3, (ulong)((t * n) + half), x.AsSpan(half), b);
                Assert.Equal(whole.AsSpan(t * n, half).ToArray(), a);
                Assert.Equal(whole.AsSpan((t * n) + half, n - half).ToArray(), b);
            }
            // And a 2-thread tape gives the same as a 1-thread one.
            var s1 = new ParameterStore();
            var s2 = new ParameterStore();
            using var t1 = new Tape(recording: false, threads: 1);
            using var t2 = new Tape(recording: false, threads: 2);
            using var xt = Tensor.From(x, new Shape(1, n));
            Assert.Equal(new RateEncoder(s1, "e", steps, 1).Encode(t1, xt).ToArray(), new RateEncoder(s2, "e", steps, 1).Encode(t2, xt).ToArray());
        });

    [Theory]
    [InlineData(-0.01f)]
    [InlineData(1.5f)]
    [InlineData(float.NaN)]
    public void RateAndLatency_OutOfRange_NameEncoderAndValue(float bad)
    {
        using var tape = new Tape(recording: false);
        using var x = Tensor.From([0.2f, bad, 0.3f], new Shape(1, 3));
        var ex = Assert.Throws<ArgumentException>(() => new RateEncoder(new ParameterStore(), "enc", 2, 1).Encode(tape, x));
        Assert.Contains("RateEncoder 'enc'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("index 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains(bad.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<ArgumentException>(() => LatencyEncoder.Encode(tape, x, 4));
        Assert.Contains("LatencyEncoder", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Latency_BrighterEarlier_OneSpikeEach_DimSilent()
    {
        float[] x = [1f, 0.75f, 0.5f, 0.25f, 0.005f, 0f];
        using var tape = new Tape(recording: false);
        using var xt = Tensor.From(x, new Shape(1, x.Length));
        var s = LatencyEncoder.Encode(tape, xt, steps: 5).Span;
        int[] expected = [0, 1, 2, 3, -1, -1]; // t = round((1 − x)·4); below the 0.01 cut-off: never
        for (int i = 0; i < x.Length; i++)
        {
            int first = -1, count = 0;
            for (int t = 0; t < 5; t++)
            {
                if (s[(t * x.Length) + i] == 0f) continue;
                count++;
                if (first < 0) first = t;
            }
            Assert.Equal(expected[i], first);
            Assert.Equal(expected[i] < 0 ? 0 : 1, count);
        }
    }

    [Property(MaxTest = 50)]
    public Property Latency_Order_BrighterNeverLater() =>
        Prop.ForAll(Gen.Choose(0, 1000).ToArbitrary(), Gen.Choose(0, 1000).ToArbitrary(), Gen.Choose(1, 30).ToArbitrary(), (a, b, steps) =>
        {
            float xa = a / 1000f, xb = b / 1000f;
            int ta = LatencyEncoder.SpikeTime(xa, steps), tb = LatencyEncoder.SpikeTime(xb, steps);
            if (xa >= xb && tb >= 0) Assert.True(ta >= 0 && ta <= tb, $"x {xa} → t {ta}, x {xb} → t {tb}");
            Assert.True(ta < steps);
        });

    [Fact]
    public void Delta_EmitsOnAndOffWhereTheChangeExceedsThreshold()
    {
        // T = 4, B = 1, F = 2: feature 0 rises then falls, feature 1 drifts below the threshold.
        float[] x = [0.0f, 0.1f, 0.6f, 0.2f, 0.7f, 0.3f, 0.1f, 0.35f];
        using var tape = new Tape(recording: false);
        using var xt = Tensor.From(x, new Shape(4, 1, 2));
        var y = DeltaEncoder.Encode(tape, xt, 0.3f);
        Assert.Equal(new Shape(4, 1, 4), y.Shape);
        float[] expected =
        [
            0, 0, 0, 0,   // t0: changes 0.0, 0.1 from zero
            1, 0, 0, 0,   // t1: +0.6, +0.1
            0, 0, 0, 0,   // t2: +0.1, +0.1
            0, 0, 1, 0,   // t3: −0.6, +0.05
        ];
        Assert.Equal(expected, y.ToArray());
        Assert.Throws<ArgumentException>(() => DeltaEncoder.Encode(tape, Tensor.Zeros(new Shape(4, 2)), 0.3f));
        Assert.Throws<ArgumentOutOfRangeException>(() => DeltaEncoder.Encode(tape, xt, 0f));
    }

    [Fact]
    public void Direct_RepeatsInput_AndSumsGradientOverTime()
    {
        using var tape = new Tape();
        using var x = Tensor.From([1f, 2f, 3f, 4f], new Shape(2, 2)).RequireGrad();
        var y = DirectEncoder.Encode(tape, x, 3);
        Assert.Equal(new Shape(6, 2), y.Shape);
        Assert.Equal([1f, 2f, 3f, 4f, 1f, 2f, 3f, 4f, 1f, 2f, 3f, 4f], y.ToArray());
        var w = Tensor.From(Enumerable.Range(1, 12).Select(i => (float)i).ToArray(), new Shape(6, 2));
        tape.Backward(Ops.Sum(tape, Ops.Mul(tape, y, w)));
        Assert.Equal([1f + 5 + 9, 2f + 6 + 10, 3f + 7 + 11, 4f + 8 + 12], x.Grad!.ToArray());
    }
}
