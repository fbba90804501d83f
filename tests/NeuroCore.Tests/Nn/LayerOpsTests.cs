using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NeuroCore.Autodiff;
using NeuroCore.Tests.Autodiff;
using Xunit;

namespace NeuroCore.Tests.Nn;

/// <summary>A layer-op case: input [B, C, H, W], O output channels, a square window, stride, padding; printed on failure.</summary>
public sealed record LayerCase(int B, int C, int H, int W, int O, int K, int Stride, int Pad, bool Bias, int Seed)
{
    /// <inheritdoc/>
    public override string ToString() => $"x [{B},{C},{H},{W}], O {O}, k {K}, stride {Stride}, pad {Pad}, bias {Bias}, seed {Seed}";
}

/// <summary>
/// Conv2d, MaxPool2d, AvgPool2d, BatchNorm, Dropout and Flatten: forward against plain loops written from the
/// definitions, and the tape's gradients against central finite differences on FsCheck-generated shapes.
/// </summary>
public class LayerOpsTests
{
    const int Runs = 20;

    static Arbitrary<LayerCase> Cases(bool poolPadding) =>
        (from b in Gen.Choose(1, 2)
         from c in Gen.Choose(1, 3)
         from k in Gen.Choose(1, 3)
         from pad in Gen.Choose(0, poolPadding ? k / 2 : 1)
         from h in Gen.Choose(Math.Max(1, k - 2 * pad), 6)
         from w in Gen.Choose(Math.Max(1, k - 2 * pad), 6)
         from o in Gen.Choose(1, 3)
         from stride in Gen.Choose(1, 2)
         from bias in Gen.Elements(true, false)
         from seed in Gen.Choose(0, 1_000_000)
         select new LayerCase(b, c, h, w, o, k, stride, pad, bias, seed)).ToArbitrary();

    static int Out(int n, int k, int s, int p) => ((n + (2 * p) - k) / s) + 1;

    // ---- Conv2d ----

    static float[] ConvReference(LayerCase c, float[] x, float[] w, float[]? b)
    {
        int oh = Out(c.H, c.K, c.Stride, c.Pad), ow = Out(c.W, c.K, c.Stride, c.Pad);
        var y = new float[c.B * c.O * oh * ow];
        for (int n = 0; n < c.B; n++)
            for (int o = 0; o < c.O; o++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++)
                    {
                        double s = b?[o] ?? 0;
                        for (int ch = 0; ch < c.C; ch++)
                            for (int u = 0; u < c.K; u++)
                                for (int v = 0; v < c.K; v++)
                                {
                                    int yy = (i * c.Stride) - c.Pad + u, xx = (j * c.Stride) - c.Pad + v;
                                    if (yy < 0 || yy >= c.H || xx < 0 || xx >= c.W) continue;
                                    s += (double)w[(((o * c.C) + ch) * c.K + u) * c.K + v] * x[(((n * c.C) + ch) * c.H + yy) * c.W + xx];
                                }
                        y[(((n * c.O) + o) * oh + i) * ow + j] = (float)s;
                    }
        return y;
    }

    [Property(MaxTest = Runs)]
    public Property Conv2d_Forward_MatchesDirectLoops() =>
        Prop.ForAll(Cases(false), c =>
        {
            var rng = new Random(c.Seed);
            using var x = GradCheck.Random(rng, new Shape(c.B, c.C, c.H, c.W));
            using var w = GradCheck.Random(rng, new Shape(c.O, c.C, c.K, c.K));
            using var b = GradCheck.Random(rng, new Shape(c.O));
            using var tape = new Tape(recording: false);
            var y = NeuroCore.Ops.Conv2d(tape, x, w, c.Bias ? b : null, c.Stride, c.Pad);
            Assert.Equal(new Shape(c.B, c.O, Out(c.H, c.K, c.Stride, c.Pad), Out(c.W, c.K, c.Stride, c.Pad)), y.Shape);
            AssertClose(ConvReference(c, x.ToArray(), w.ToArray(), c.Bias ? b.ToArray() : null), y.ToArray());
        });

    [Property(MaxTest = Runs)]
    public Property Conv2d_Gradients_MatchFiniteDifferences() =>
        Prop.ForAll(Cases(false), c =>
        {
            var rng = new Random(c.Seed);
            var x = GradCheck.Random(rng, new Shape(c.B, c.C, c.H, c.W));
            var w = GradCheck.Random(rng, new Shape(c.O, c.C, c.K, c.K));
            var b = GradCheck.Random(rng, new Shape(c.O));
            if (c.Bias) GradCheck.Check((t, v) => NeuroCore.Ops.Conv2d(t, v[0], v[1], v[2], c.Stride, c.Pad), [x, w, b], c.Seed);
            else GradCheck.Check((t, v) => NeuroCore.Ops.Conv2d(t, v[0], v[1], null, c.Stride, c.Pad), [x, w], c.Seed);
        });

    /// <summary>
    /// 43 samples: more than the 32 weight-gradient groups, so groups hold one or two samples and workers get uneven
    /// shares. Forward against direct loops, gradients against the sum of single-sample convolutions, and outputs and
    /// all gradients bitwise identical for 1, 2 and 3 threads. C = 1 takes the row-dot weight gradient; stride 1 with
    /// padding 1 the one-run im2col/col2im.
    /// </summary>
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 1, 1)]
    [InlineData(3, 2, 0)]
    public void Conv2d_BatchInGroups_MatchesSingleSamples_BitwiseAcrossThreads(int channels, int stride, int pad)
    {
        var c = new LayerCase(43, channels, 9, 8, 5, 3, stride, pad, true, 17);
        var rng = new Random(c.Seed);
        var x0 = GradCheck.Random(rng, new Shape(c.B, c.C, c.H, c.W));
        var w0 = GradCheck.Random(rng, new Shape(c.O, c.C, c.K, c.K), -0.3f, 0.3f);
        var b0 = GradCheck.Random(rng, new Shape(c.O));
        int outPer = c.O * Out(c.H, c.K, stride, pad) * Out(c.W, c.K, stride, pad);
        var seed = new float[c.B * outPer];
        for (int i = 0; i < seed.Length; i++) seed[i] = MathF.Sin(i);

        (float[] Y, float[] Dx, float[] Dw, float[] Db) Run(int threads)
        {
            var x = Tensor.From(x0.Span, x0.Shape).RequireGrad();
            var w = Tensor.From(w0.Span, w0.Shape).RequireGrad();
            var b = Tensor.From(b0.Span, b0.Shape).RequireGrad();
            using var tape = new Tape(threads: threads);
            var y = NeuroCore.Ops.Conv2d(tape, x, w, b, stride, pad);
            var ys = y.ToArray();
            tape.Backward(y, seed);
            return (ys, x.Grad!.ToArray(), w.Grad!.ToArray(), b.Grad!.ToArray());
        }

        var one = Run(1);
        AssertClose(ConvReference(c, x0.ToArray(), w0.ToArray(), b0.ToArray()), one.Y, 1e-4f);
        foreach (int threads in new[] { 2, 3 })
        {
            var other = Run(threads);
            Assert.Equal(one.Y, other.Y);
            Assert.Equal(one.Dx, other.Dx);
            Assert.Equal(one.Dw, other.Dw);
            Assert.Equal(one.Db, other.Db);
        }

        var dw = new float[w0.Size];
        var db = new float[b0.Size];
        int per = c.C * c.H * c.W;
        for (int n = 0; n < c.B; n++)
        {
            var xn = Tensor.From(x0.Span.Slice(n * per, per), new Shape(1, c.C, c.H, c.W)).RequireGrad();
            var wn = Tensor.From(w0.Span, w0.Shape).RequireGrad();
            var bn = Tensor.From(b0.Span, b0.Shape).RequireGrad();
            using var t = new Tape();
            t.Backward(NeuroCore.Ops.Conv2d(t, xn, wn, bn, stride, pad), seed.AsSpan(n * outPer, outPer));
            Assert.Equal(xn.Grad!.ToArray(), one.Dx.AsSpan(n * per, per).ToArray());
            for (int i = 0; i < dw.Length; i++) dw[i] += wn.Grad!.Span[i];
            for (int i = 0; i < db.Length; i++) db[i] += bn.Grad!.Span[i];
        }
        AssertClose(dw, one.Dw, 1e-4f);
        AssertClose(db, one.Db, 1e-4f);
    }

    /// <summary>
    /// 20 channels of 28×28 with a 3×3 kernel (the GEMM weight gradient and the one-run im2col/col2im), and 5 channels
    /// with stride 2: input, weight and bias gradients against direct loops, and bitwise identical for 1, 2 and 3 threads.
    /// </summary>
    [Theory]
    [InlineData(20, 1, 1)]
    [InlineData(5, 2, 0)]
    public void Conv2d_ManyChannels_Backward_MatchesDirectLoops_BitwiseAcrossThreads(int channels, int stride, int pad)
    {
        const int B = 3, O = 4, K = 3, H = 28, W = 28;
        int oh = Out(H, K, stride, pad), ow = Out(W, K, stride, pad);
        var rng = new Random(5);
        var x0 = GradCheck.Random(rng, new Shape(B, channels, H, W)).ToArray();
        var w0 = GradCheck.Random(rng, new Shape(O, channels, K, K), -0.3f, 0.3f).ToArray();
        var dy = new float[B * O * oh * ow];
        for (int i = 0; i < dy.Length; i++) dy[i] = MathF.Cos(i * 0.37f);

        (float[] Dx, float[] Dw, float[] Db) Run(int threads)
        {
            var x = Tensor.From(x0, new Shape(B, channels, H, W)).RequireGrad();
            var w = Tensor.From(w0, new Shape(O, channels, K, K)).RequireGrad();
            var b = Tensor.Zeros(new Shape(O)).RequireGrad();
            using var tape = new Tape(threads: threads);
            tape.Backward(NeuroCore.Ops.Conv2d(tape, x, w, b, stride, pad), dy);
            return (x.Grad!.ToArray(), w.Grad!.ToArray(), b.Grad!.ToArray());
        }

        var one = Run(1);
        var dx = new double[x0.Length];
        var dw = new double[w0.Length];
        var db = new double[O];
        for (int n = 0; n < B; n++)
            for (int o = 0; o < O; o++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++)
                    {
                        double g = dy[(((n * O) + o) * oh + i) * ow + j];
                        db[o] += g;
                        for (int c = 0; c < channels; c++)
                            for (int u = 0; u < K; u++)
                                for (int v = 0; v < K; v++)
                                {
                                    int iy = (i * stride) - pad + u, ix = (j * stride) - pad + v;
                                    if ((uint)iy >= H || (uint)ix >= W) continue;
                                    int xi = (((n * channels) + c) * H + iy) * W + ix, wi = (((o * channels) + c) * K + u) * K + v;
                                    dx[xi] += g * w0[wi];
                                    dw[wi] += g * x0[xi];
                                }
                    }
        AssertClose(dx.Select(v => (float)v).ToArray(), one.Dx, 1e-4f);
        AssertClose(dw.Select(v => (float)v).ToArray(), one.Dw, 1e-4f);
        AssertClose(db.Select(v => (float)v).ToArray(), one.Db, 1e-4f);
        foreach (int threads in new[] { 2, 3 })
        {
            var other = Run(threads);
            Assert.Equal(one.Dx, other.Dx);
            Assert.Equal(one.Dw, other.Dw);
            Assert.Equal(one.Db, other.Db);
        }
    }

    [Fact]
    public void Conv2d_ChannelMismatch_NamesOpAndBothShapes()
    {
        using var tape = new Tape();
        using var x = Tensor.Zeros(new Shape(1, 3, 5, 5));
        using var w = Tensor.Zeros(new Shape(4, 2, 3, 3));
        var ex = Assert.Throws<ArgumentException>(() => NeuroCore.Ops.Conv2d(tape, x, w));
        Assert.Contains("Ops.Conv2d", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[1, 3, 5, 5]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[4, 2, 3, 3]", ex.Message, StringComparison.Ordinal);
    }

    // ---- pooling ----

    /// <summary>Distinct values 0.1 apart in random order, so no window has a near-tie that a finite-difference step could flip.</summary>
    static Tensor Distinct(Random rng, Shape shape)
    {
        var t = Tensor.Uninitialized(shape);
        var order = Enumerable.Range(0, shape.Size).OrderBy(_ => rng.Next()).ToArray();
        for (int i = 0; i < order.Length; i++) t.Span[i] = (order[i] - (shape.Size / 2f)) * 0.1f;
        return t;
    }

    static float[] PoolReference(LayerCase c, float[] x, bool max)
    {
        int oh = Out(c.H, c.K, c.Stride, c.Pad), ow = Out(c.W, c.K, c.Stride, c.Pad);
        var y = new float[c.B * c.C * oh * ow];
        for (int p = 0; p < c.B * c.C; p++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    double acc = max ? double.NegativeInfinity : 0;
                    for (int u = 0; u < c.K; u++)
                        for (int v = 0; v < c.K; v++)
                        {
                            int yy = (i * c.Stride) - c.Pad + u, xx = (j * c.Stride) - c.Pad + v;
                            if (yy < 0 || yy >= c.H || xx < 0 || xx >= c.W) continue; // padding: −∞ for max, 0 for average
                            float val = x[((p * c.H) + yy) * c.W + xx];
                            acc = max ? Math.Max(acc, val) : acc + val;
                        }
                    y[((p * oh) + i) * ow + j] = (float)(max ? acc : acc / (c.K * c.K)); // count_include_pad
                }
        return y;
    }

    [Property(MaxTest = Runs)]
    public Property MaxPool2d_Forward_MatchesDirectLoops() =>
        Prop.ForAll(Cases(true), c =>
        {
            using var x = GradCheck.Random(new Random(c.Seed), new Shape(c.B, c.C, c.H, c.W));
            using var tape = new Tape(recording: false);
            var y = NeuroCore.Ops.MaxPool2d(tape, x, c.K, c.Stride, c.Pad);
            AssertClose(PoolReference(c, x.ToArray(), max: true), y.ToArray());
        });

    [Property(MaxTest = Runs)]
    public Property MaxPool2d_Gradient_MatchesFiniteDifferences() =>
        Prop.ForAll(Cases(true), c =>
        {
            var x = Distinct(new Random(c.Seed), new Shape(c.B, c.C, c.H, c.W));
            GradCheck.Check((t, v) => NeuroCore.Ops.MaxPool2d(t, v[0], c.K, c.Stride, c.Pad), [x], c.Seed);
        });

    [Property(MaxTest = Runs)]
    public Property AvgPool2d_Forward_MatchesDirectLoops() =>
        Prop.ForAll(Cases(true), c =>
        {
            using var x = GradCheck.Random(new Random(c.Seed), new Shape(c.B, c.C, c.H, c.W));
            using var tape = new Tape(recording: false);
            var y = NeuroCore.Ops.AvgPool2d(tape, x, c.K, c.Stride, c.Pad);
            AssertClose(PoolReference(c, x.ToArray(), max: false), y.ToArray());
        });

    [Property(MaxTest = Runs)]
    public Property AvgPool2d_Gradient_MatchesFiniteDifferences() =>
        Prop.ForAll(Cases(true), c =>
        {
            var x = GradCheck.Random(new Random(c.Seed), new Shape(c.B, c.C, c.H, c.W));
            GradCheck.Check((t, v) => NeuroCore.Ops.AvgPool2d(t, v[0], c.K, c.Stride, c.Pad), [x], c.Seed);
        });

    [Fact]
    public void MaxPool2d_DefaultStride_IsKernel()
    {
        using var tape = new Tape(recording: false);
        using var x = Tensor.From([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], new Shape(1, 1, 4, 4));
        var y = NeuroCore.Ops.MaxPool2d(tape, x, 2);
        Assert.Equal([6f, 8f, 14f, 16f], y.ToArray());
    }

    // ---- BatchNorm ----

    [Property(MaxTest = Runs)]
    public Property BatchNorm_Training_ForwardAndRunningStatsMatchDefinition() =>
        Prop.ForAll(Cases(false), c =>
        {
            var rng = new Random(c.Seed);
            int inner = c.H * c.W, n = c.B * inner;
            if (n < 2) return;
            using var x = GradCheck.Random(rng, new Shape(c.B, c.C, c.H, c.W));
            using var gamma = GradCheck.Random(rng, new Shape(c.C));
            using var beta = GradCheck.Random(rng, new Shape(c.C));
            var rm = new float[c.C];
            var rv = Enumerable.Repeat(1f, c.C).ToArray();
            using var tape = new Tape(recording: false);
            var y = NeuroCore.Ops.BatchNorm(tape, x, gamma, beta, rm, rv, training: true, momentum: 0.1f, eps: 1e-5f);
            var xs = x.ToArray();
            for (int ch = 0; ch < c.C; ch++)
            {
                var vals = Enumerable.Range(0, c.B).SelectMany(b => Enumerable.Range(0, inner).Select(i => (double)xs[((b * c.C) + ch) * inner + i])).ToArray();
                double mean = vals.Average(), var = vals.Select(v => (v - mean) * (v - mean)).Sum() / n;
                Assert.Equal(0.1 * mean, rm[ch], 4);
                Assert.Equal((0.9 * 1) + (0.1 * var * n / (n - 1)), rv[ch], 4);
                for (int b = 0; b < c.B; b++)
                    for (int i = 0; i < inner; i++)
                    {
                        int at = ((b * c.C) + ch) * inner + i;
                        double expected = (gamma.Span[ch] * (xs[at] - mean) / Math.Sqrt(var + 1e-5)) + beta.Span[ch];
                        Assert.True(Math.Abs(expected - y.Span[at]) <= 1e-3 * (1 + Math.Abs(expected)), $"at {at}: {expected} vs {y.Span[at]}");
                    }
            }
        });

    [Property(MaxTest = Runs)]
    public Property BatchNorm_TrainingAndEval_GradientsMatchFiniteDifferences() =>
        Prop.ForAll(Cases(false), c =>
        {
            var rng = new Random(c.Seed);
            bool training = c.Bias; // reuse the generated flag to cover both modes
            bool image = c.Stride == 1;
            var shape = image ? new Shape(c.B + 1, c.C, c.H, c.W) : new Shape(c.B + 2, c.C);
            var x = GradCheck.Random(rng, shape);
            var gamma = GradCheck.Random(rng, new Shape(c.C), 0.5f, 1.5f);
            var beta = GradCheck.Random(rng, new Shape(c.C));
            var rm = new float[c.C];
            var rv = new float[c.C];
            for (int i = 0; i < c.C; i++) { rm[i] = (float)rng.NextDouble() - 0.5f; rv[i] = 0.5f + (float)rng.NextDouble(); }
            GradCheck.Check((t, v) =>
            {
                // Fresh copies so the running-stat update of each forward does not change the next one in eval mode.
                var m = (float[])rm.Clone();
                var s = (float[])rv.Clone();
                return NeuroCore.Ops.BatchNorm(t, v[0], v[1], v[2], m, s, training, 0.1f, 1e-5f);
            }, [x, gamma, beta], c.Seed, eps: 1e-2f, rtol: 3e-2, atol: 3e-3);
        });

    [Fact]
    public void BatchNorm_Eval_UsesRunningStatsAndLeavesThem()
    {
        using var tape = new Tape(recording: false);
        using var x = Tensor.From([1, 2, 3, 4], new Shape(2, 2));
        using var gamma = Tensor.From([2, 1], new Shape(2));
        using var beta = Tensor.From([0, 1], new Shape(2));
        float[] rm = [1, 2], rv = [4, 1];
        var y = NeuroCore.Ops.BatchNorm(tape, x, gamma, beta, rm, rv, training: false, 0.1f, 0f + 1e-6f);
        // channel 0: 2·(x − 1)/2 → x = 1, 3 give 0, 2; channel 1: (x − 2)/1 + 1 → x = 2, 4 give 1, 3.
        AssertClose([0f, 1f, 2f, 3f], y.ToArray());
        Assert.Equal([1f, 2f], rm);
        Assert.Equal([4f, 1f], rv);
    }

    // ---- Dropout ----

    [Property(MaxTest = Runs)]
    public Property Dropout_Gradient_MatchesFiniteDifferences() =>
        Prop.ForAll(Cases(false), c =>
        {
            var x = GradCheck.Random(new Random(c.Seed), new Shape(c.B, c.C, c.H, c.W));
            float p = 0.1f * (1 + (c.Seed % 7));
            GradCheck.Check((t, v) => NeuroCore.Ops.Dropout(t, v[0], p, training: true, (ulong)c.Seed, 3), [x], c.Seed);
        });

    [Fact]
    public void Dropout_Training_DropsAboutPAndScalesTheRest()
    {
        using var tape = new Tape(recording: false);
        using var x = Tensor.Full(new Shape(100_000), 2f);
        var y = NeuroCore.Ops.Dropout(tape, x, 0.3f, training: true, seed: 42, stream: 7).ToArray();
        double zeros = y.Count(v => v == 0f) / (double)y.Length;
        Assert.InRange(zeros, 0.29, 0.31);
        Assert.All(y, v => Assert.True(v == 0f || Math.Abs(v - (2f / 0.7f)) < 1e-5f));
        // The mask is a function of (seed, stream, index): the same call gives the same mask, another stream another.
        var again = NeuroCore.Ops.Dropout(tape, x, 0.3f, true, 42, 7).ToArray();
        var other = NeuroCore.Ops.Dropout(tape, x, 0.3f, true, 42, 8).ToArray();
        Assert.Equal(y, again);
        Assert.NotEqual(y, other);
    }

    [Fact]
    public void Dropout_EvalOrZeroP_IsIdentity()
    {
        using var tape = new Tape();
        using var x = Tensor.Full(new Shape(10), 1f);
        Assert.Same(x, NeuroCore.Ops.Dropout(tape, x, 0.5f, training: false, 1, 1));
        Assert.Same(x, NeuroCore.Ops.Dropout(tape, x, 0f, training: true, 1, 1));
        Assert.All(NeuroCore.Ops.Dropout(tape, x, 1f, training: true, 1, 1).ToArray(), v => Assert.Equal(0f, v));
    }

    // ---- Flatten ----

    [Property(MaxTest = Runs)]
    public Property Flatten_ShapeAndGradient() =>
        Prop.ForAll(Cases(false), c =>
        {
            var x = GradCheck.Random(new Random(c.Seed), new Shape(c.B, c.C, c.H, c.W));
            using (var tape = new Tape(recording: false))
            {
                var y = NeuroCore.Ops.Flatten(tape, x);
                Assert.Equal(new Shape(c.B, c.C * c.H * c.W), y.Shape);
                Assert.Equal(x.ToArray(), y.ToArray());
            }
            // Through a nonlinearity, so the flattened view's gradient must reach x in the right order.
            GradCheck.Check((t, v) => NeuroCore.Ops.Tanh(t, NeuroCore.Ops.Flatten(t, v[0])), [x], c.Seed);
        });

    static void AssertClose(float[] expected, float[] actual, float tol = 1e-4f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * (1 + Math.Abs(expected[i])), $"element {i}: expected {expected[i]}, got {actual[i]}");
    }
}
