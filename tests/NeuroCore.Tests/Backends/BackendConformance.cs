using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NeuroCore.Backends;
using Xunit;

namespace NeuroCore.Tests.Backends;

/// <summary>
/// The one conformance suite every <see cref="IBackend"/> runs (STYLE.md habit 7): each primitive against plain loops
/// written from its definition. A device backend derives from this class and skips (never fails) when no device is present.
/// </summary>
public abstract class BackendConformance
{
    /// <summary>The backend under test.</summary>
    protected abstract IBackend CreateBackend();

    static float[] RandomArray(Random rng, int n, float lo = -3f, float hi = 3f)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = lo + ((hi - lo) * (float)rng.NextDouble());
        return a;
    }

    static DeviceBuffer Upload(IBackend be, float[] data)
    {
        var b = be.Allocate(data.Length);
        be.CopyFromHost(data, b);
        return b;
    }

    static float[] Download(IBackend be, DeviceBuffer b)
    {
        var a = new float[b.Length];
        be.CopyToHost(b, a);
        return a;
    }

    static void Close(float[] expected, float[] actual, float tol = 1e-5f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (float.IsNaN(expected[i])) { Assert.True(float.IsNaN(actual[i]), $"element {i}: expected NaN, got {actual[i]}"); continue; }
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * (1 + Math.Abs(expected[i])), $"element {i}: expected {expected[i]}, got {actual[i]}");
        }
    }

    [Fact]
    public void Supports_EveryOpKindIsAnswered()
    {
        var be = CreateBackend();
        foreach (var op in Enum.GetValues<OpKind>()) _ = be.Supports(op);
        Assert.False(string.IsNullOrEmpty(be.Name));
    }

    [Property(MaxTest = 30)]
    public Property Map_EveryUnaryOp_MatchesDefinition() =>
        Prop.ForAll(Gen.Choose(0, 257).ToArbitrary(), Gen.Choose(0, 100000).ToArbitrary(), (n, seed) =>
        {
            var be = CreateBackend();
            if (!be.Supports(OpKind.Map)) return;
            var x = RandomArray(new Random(seed), n);
            foreach (var op in Enum.GetValues<UnaryOp>())
            {
                var input = op == UnaryOp.Log ? x.Select(Math.Abs).Select(v => v + 0.01f).ToArray() : x;
                using var bx = Upload(be, input);
                using var by = be.Allocate(n);
                be.Map(op, bx, by);
                Func<double, double> f = op switch
                {
                    UnaryOp.Relu => v => Math.Max(v, 0),
                    UnaryOp.Sigmoid => v => 1 / (1 + Math.Exp(-v)),
                    UnaryOp.Tanh => Math.Tanh,
                    UnaryOp.Exp => Math.Exp,
                    _ => Math.Log,
                };
                Close(input.Select(v => (float)f(v)).ToArray(), Download(be, by), 1e-5f);
            }
        });

    [Property(MaxTest = 30)]
    public Property Zip_EveryBinaryOp_MatchesDefinition() =>
        Prop.ForAll(Gen.Choose(0, 257).ToArbitrary(), Gen.Choose(0, 100000).ToArbitrary(), (n, seed) =>
        {
            var be = CreateBackend();
            if (!be.Supports(OpKind.Zip)) return;
            var rng = new Random(seed);
            var x = RandomArray(rng, n);
            var y = RandomArray(rng, n, 0.5f, 3f);
            foreach (var op in Enum.GetValues<BinaryOp>())
            {
                using var bx = Upload(be, x);
                using var bz = Upload(be, y);
                using var by = Upload(be, y);
                be.Zip(op, bx, by, bz);
                Func<float, float, float> f = op switch
                {
                    BinaryOp.Add => (a, b) => a + b,
                    BinaryOp.Sub => (a, b) => a - b,
                    BinaryOp.Mul => (a, b) => a * b,
                    BinaryOp.Div => (a, b) => a / b,
                    BinaryOp.Max => MathF.Max,
                    BinaryOp.Min => MathF.Min,
                    BinaryOp.ReluBackward => (a, b) => a > 0 ? b : 0,
                    BinaryOp.SigmoidBackward => (a, b) => b * a * (1 - a),
                    _ => (a, b) => b * (1 - (a * a)),
                };
                Close(x.Zip(y, f).ToArray(), Download(be, bz));
            }
        });

    [Property(MaxTest = 30)]
    public Property MatMul_AnyTranspose_MatchesTripleLoop() =>
        Prop.ForAll(Gen.Choose(1, 9).ToArbitrary(), Gen.Choose(1, 9).ToArbitrary(), Gen.Choose(0, 100000).ToArbitrary(), (m, n, seed) =>
        {
            var be = CreateBackend();
            if (!be.Supports(OpKind.MatMul)) return;
            var rng = new Random(seed);
            int k = rng.Next(1, 9);
            bool ta = rng.Next(2) == 0, tb = rng.Next(2) == 0;
            var a = RandomArray(rng, m * k);
            var b = RandomArray(rng, k * n);
            var c = RandomArray(rng, m * n);
            float alpha = 1.5f, beta = 0.5f;
            var expected = new float[m * n];
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = 0;
                    for (int p = 0; p < k; p++)
                        s += (double)(ta ? a[(p * m) + i] : a[(i * k) + p]) * (tb ? b[(j * k) + p] : b[(p * n) + j]);
                    expected[(i * n) + j] = (float)((alpha * s) + (beta * c[(i * n) + j]));
                }
            using var ba = Upload(be, a);
            using var bb = Upload(be, b);
            using var bc = Upload(be, c);
            be.MatMul(new GemmArgs(ta, tb, m, n, k, alpha, ta ? m : k, tb ? k : n, beta, n), ba, bb, bc);
            Close(expected, Download(be, bc), 1e-4f);
        });

    [Fact]
    public void Reduce_AllOps_MatchDefinition()
    {
        var be = CreateBackend();
        if (!be.Supports(OpKind.Reduce)) return;
        var x = RandomArray(new Random(3), 7 * 13);
        using var bx = Upload(be, x);
        using var rows = be.Allocate(7);
        using var cols = be.Allocate(13);
        using var one = be.Allocate(1);
        be.Reduce(ReduceOp.SumRows, bx, 7, 13, rows);
        Close(Enumerable.Range(0, 7).Select(r => x.Skip(r * 13).Take(13).Sum()).ToArray(), Download(be, rows), 1e-5f);
        be.Reduce(ReduceOp.SumColumns, bx, 7, 13, cols);
        Close(Enumerable.Range(0, 13).Select(c => Enumerable.Range(0, 7).Sum(r => x[(r * 13) + c])).ToArray(), Download(be, cols), 1e-5f);
        be.Reduce(ReduceOp.SumAll, bx, 7, 13, one);
        Close([x.Sum()], Download(be, one), 1e-5f);
        be.Reduce(ReduceOp.MaxAll, bx, 7, 13, one);
        Close([x.Max()], Download(be, one));
    }

    [Fact]
    public void Softmax_AndLogSoftmax_MatchDefinition()
    {
        var be = CreateBackend();
        if (!be.Supports(OpKind.Softmax)) return;
        var x = RandomArray(new Random(4), 3 * 5);
        using var bx = Upload(be, x);
        using var by = be.Allocate(15);
        var expected = new float[15];
        for (int r = 0; r < 3; r++)
        {
            double max = x.Skip(r * 5).Take(5).Max(), sum = x.Skip(r * 5).Take(5).Sum(v => Math.Exp(v - max));
            for (int c = 0; c < 5; c++) expected[(r * 5) + c] = (float)(Math.Exp(x[(r * 5) + c] - max) / sum);
        }
        be.Softmax(false, bx, 3, 5, by);
        Close(expected, Download(be, by));
        be.Softmax(true, bx, 3, 5, by);
        Close(expected.Select(v => MathF.Log(v)).ToArray(), Download(be, by), 1e-4f);
    }

    [Fact]
    public void Im2ColThenCol2Im_MatchesWindowDefinition()
    {
        var be = CreateBackend();
        if (!be.Supports(OpKind.Im2Col) || !be.Supports(OpKind.Col2Im)) return;
        var g = new ConvGeometry(2, 5, 4, 3, 2, 2, 1, 1, 1);
        int oh = ((5 + 2 - 3) / 2) + 1, ow = ((4 + 2 - 2) / 1) + 1;
        Assert.Equal(2 * 3 * 2 * oh * ow, g.ColumnsSize);
        var image = RandomArray(new Random(5), g.ImageSize);
        using var bi = Upload(be, image);
        using var bc = be.Allocate(g.ColumnsSize);
        be.Im2Col(g, bi, bc);
        var cols = Download(be, bc);
        var counts = new float[g.ImageSize];
        for (int c = 0; c < 2; c++)
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 2; j++)
                    for (int oy = 0; oy < oh; oy++)
                        for (int ox = 0; ox < ow; ox++)
                        {
                            int y = (oy * 2) - 1 + i, x = ox - 1 + j;
                            bool inside = y >= 0 && y < 5 && x >= 0 && x < 4;
                            float v = cols[((((c * 3) + i) * 2 + j) * oh * ow) + (oy * ow) + ox];
                            Assert.Equal(inside ? image[(((c * 5) + y) * 4) + x] : 0f, v);
                            if (inside) counts[(((c * 5) + y) * 4) + x]++;
                        }
        // Col2Im of the columns adds each pixel once per window that covers it.
        using var back = be.Allocate(g.ImageSize);
        be.Col2Im(g, bc, back);
        Close(image.Zip(counts, (v, n) => v * n).ToArray(), Download(be, back));
    }

    [Fact]
    public void OptimizerStep_Sgd_Adam_AdamW_MatchHandComputedValues()
    {
        var be = CreateBackend();
        if (!be.Supports(OpKind.OptimizerStep)) return;
        // One step from p = 1, g = 0.5 (see OptimizerTests for the derivations).
        (OptimizerStepArgs Args, float Expected)[] cases =
        [
            (new OptimizerStepArgs(OptimizerKind.Sgd, 0.1f, WeightDecay: 0.01f, Momentum: 0.9f), 0.949f),
            (new OptimizerStepArgs(OptimizerKind.Adam, 0.1f, WeightDecay: 0.1f), 0.9f),
            (new OptimizerStepArgs(OptimizerKind.AdamW, 0.1f, WeightDecay: 0.1f), 0.89f),
        ];
        foreach (var (args, expected) in cases)
        {
            using var p = Upload(be, Enumerable.Repeat(1f, 19).ToArray());
            using var g = Upload(be, Enumerable.Repeat(0.5f, 19).ToArray());
            using var s1 = be.Allocate(19);
            using var s2 = be.Allocate(19);
            be.OptimizerStep(args, p, g, s1, s2);
            Close(Enumerable.Repeat(expected, 19).ToArray(), Download(be, p), 1e-6f);
        }
    }

    [Fact]
    public void Buffers_TooShortOrForeign_AreRejectedWithTheirName()
    {
        var be = CreateBackend();
        using var small = be.Allocate(2);
        using var big = be.Allocate(5);
        var ex = Assert.Throws<ArgumentException>(() => be.Map(UnaryOp.Relu, big, small));
        Assert.Contains("'y'", ex.Message, StringComparison.Ordinal);
        var other = new CpuBackend();
        using var foreign = other.Allocate(5);
        Assert.Throws<ArgumentException>(() => be.Map(UnaryOp.Relu, foreign, big));
    }
}

/// <summary>The conformance suite on the CPU backend (always present).</summary>
public sealed class CpuBackendConformanceTests : BackendConformance
{
    /// <inheritdoc/>
    protected override IBackend CreateBackend() => new CpuBackend();
}

/// <summary>The CPU backend with two GEMM threads must give the same results.</summary>
public sealed class CpuBackendTwoThreadsConformanceTests : BackendConformance
{
    /// <inheritdoc/>
    protected override IBackend CreateBackend() => new CpuBackend(threads: 2);
}
