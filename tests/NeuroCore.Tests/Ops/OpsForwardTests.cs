using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NeuroCore.Autodiff;
using NeuroCore.Tests.Autodiff;
using Xunit;

namespace NeuroCore.Tests.Ops;

/// <summary>Forward values of the ops against plain loops written from the definitions.</summary>
public class OpsForwardTests
{
    static Shape S(int[] dims) => new(dims);

    static void Close(double expected, float actual, double tol = 1e-5) =>
        Assert.True(Math.Abs(expected - actual) <= tol * (1 + Math.Abs(expected)), $"expected {expected}, got {actual}");

    // Index of an output multi-index into a right-aligned, broadcasting operand.
    static int BroadcastIndex(int[] outIndex, int[] dims)
    {
        int idx = 0, off = outIndex.Length - dims.Length;
        for (int i = 0; i < dims.Length; i++) idx = (idx * dims[i]) + (dims[i] == 1 ? 0 : outIndex[i + off]);
        return idx;
    }

    static IEnumerable<int[]> Indices(int[] dims)
    {
        var idx = new int[dims.Length];
        int total = dims.Aggregate(1, (p, d) => p * d);
        for (int n = 0; n < total; n++)
        {
            yield return (int[])idx.Clone();
            for (int ax = dims.Length - 1; ax >= 0; ax--)
            {
                if (++idx[ax] < dims[ax]) break;
                idx[ax] = 0;
            }
        }
    }

    [Property(MaxTest = 50)]
    public Property Binary_Broadcast_MatchesLoops() =>
        Prop.ForAll(Gens.Broadcast, c =>
        {
            var rng = new Random(c.Seed);
            using var a = GradCheck.Random(rng, S(c.A));
            using var b = GradCheck.RandomAwayFromZero(rng, S(c.B), 0.5f);
            using var tape = new Tape(recording: false);
            var results = new[] { NeuroCore.Ops.Add(tape, a, b), NeuroCore.Ops.Sub(tape, a, b), NeuroCore.Ops.Mul(tape, a, b), NeuroCore.Ops.Div(tape, a, b) };
            int rank = Math.Max(c.A.Length, c.B.Length);
            var outDims = new int[rank];
            for (int i = 0; i < rank; i++)
            {
                int ia = i - (rank - c.A.Length), ib = i - (rank - c.B.Length);
                outDims[i] = Math.Max(ia >= 0 ? c.A[ia] : 1, ib >= 0 ? c.B[ib] : 1);
            }
            Assert.All(results, r => Assert.Equal(outDims, r.Shape.ToArray()));
            int k = 0;
            foreach (var idx in Indices(outDims))
            {
                float x = a.Span[BroadcastIndex(idx, c.A)], y = b.Span[BroadcastIndex(idx, c.B)];
                Assert.Equal(x + y, results[0].Span[k]);
                Assert.Equal(x - y, results[1].Span[k]);
                Assert.Equal(x * y, results[2].Span[k]);
                Assert.Equal(x / y, results[3].Span[k]);
                k++;
            }
        });

    [Property(MaxTest = 50)]
    public Property MatMul_MatchesTripleLoop() =>
        Prop.ForAll(Gens.MatMul, c =>
        {
            int m = c.A[0], k = c.A[1], n = c.B[1];
            bool ta = (c.Extra & 1) != 0, tb = (c.Extra & 2) != 0;
            int mode = (c.Extra >> 2) & 3;
            int batch = mode is 1 or 2 ? 3 : 1;
            int[] a2 = ta ? [k, m] : [m, k], b2 = tb ? [n, k] : [k, n];
            var rng = new Random(c.Seed);
            using var a = GradCheck.Random(rng, S(batch > 1 ? [batch, .. a2] : a2));
            using var b = GradCheck.Random(rng, S(mode == 1 ? [batch, .. b2] : b2));
            using var tape = new Tape(recording: false);
            var y = NeuroCore.Ops.MatMul(tape, a, b, ta, tb);
            for (int t = 0; t < batch; t++)
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++)
                    {
                        double sum = 0;
                        for (int p = 0; p < k; p++)
                        {
                            float av = a.Span[(t * m * k) + (ta ? (p * m) + i : (i * k) + p)];
                            float bv = b.Span[(mode == 1 ? t * k * n : 0) + (tb ? (j * k) + p : (p * n) + j)];
                            sum += (double)av * bv;
                        }
                        Close(sum, y.Span[(t * m * n) + (i * n) + j]);
                    }
        });

    [Fact]
    public void Linear_MatchesLoops()
    {
        var rng = new Random(3);
        using var x = GradCheck.Random(rng, new Shape(4, 5));
        using var w = GradCheck.Random(rng, new Shape(3, 5));
        using var b = GradCheck.Random(rng, new Shape(3));
        using var tape = new Tape(recording: false);
        var y = NeuroCore.Ops.Linear(tape, x, w, b);
        Assert.Equal(new Shape(4, 3), y.Shape);
        for (int r = 0; r < 4; r++)
            for (int o = 0; o < 3; o++)
            {
                double sum = b.Span[o];
                for (int i = 0; i < 5; i++) sum += (double)x.Span[(r * 5) + i] * w.Span[(o * 5) + i];
                Close(sum, y.Span[(r * 3) + o]);
            }
    }

    [Property(MaxTest = 30)]
    public Property SumMean_Axis_MatchesLoops() =>
        Prop.ForAll(Gens.OneShape(), c =>
        {
            using var x = GradCheck.Random(new Random(c.Seed), S(c.A));
            using var tape = new Tape(recording: false);
            var sum = NeuroCore.Ops.Sum(tape, x, c.Extra);
            var mean = NeuroCore.Ops.Mean(tape, x, c.Extra);
            var outDims = c.A.Where((_, i) => i != c.Extra).ToArray();
            Assert.Equal(outDims, sum.Shape.ToArray());
            var expected = new double[sum.Size];
            int k = 0;
            foreach (var idx in Indices(c.A))
            {
                int o = 0;
                for (int i = 0; i < c.A.Length; i++)
                    if (i != c.Extra) o = (o * c.A[i]) + idx[i];
                expected[o] += x.Span[k++];
            }
            for (int i = 0; i < expected.Length; i++)
            {
                Close(expected[i], sum.Span[i]);
                Close(expected[i] / c.A[c.Extra], mean.Span[i]);
            }
            Close(x.ToArray().Sum(v => (double)v), NeuroCore.Ops.Sum(tape, x).Item());
        });

    [Property(MaxTest = 30)]
    public Property Transpose_MatchesIndexSwap() =>
        Prop.ForAll(Gens.OneShape(), c =>
        {
            int[] dims = c.A.Length == 1 ? [c.A[0], 2] : c.A;
            int a0 = c.Extra % dims.Length, a1 = c.Seed % dims.Length;
            using var x = GradCheck.Random(new Random(c.Seed), S(dims));
            using var tape = new Tape(recording: false);
            var y = NeuroCore.Ops.Transpose(tape, x, a0, a1);
            var yDims = (int[])dims.Clone();
            (yDims[a0], yDims[a1]) = (dims[a1], dims[a0]);
            Assert.Equal(yDims, y.Shape.ToArray());
            int k = 0;
            foreach (var idx in Indices(dims))
            {
                var j = (int[])idx.Clone();
                (j[a0], j[a1]) = (idx[a1], idx[a0]);
                Assert.Equal(x.Span[k++], y.Span[BroadcastIndex(j, yDims)]);
            }
        });

    [Fact]
    public void SliceAndConcat_RoundTrip()
    {
        using var x = Tensor.From(Enumerable.Range(0, 24).Select(i => (float)i).ToArray(), new Shape(2, 3, 4));
        using var tape = new Tape(recording: false);
        var s = NeuroCore.Ops.Slice(tape, x, 1, 1, 2);
        Assert.Equal(new Shape(2, 2, 4), s.Shape);
        Assert.Equal([4f, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23], s.ToArray());
        var head = NeuroCore.Ops.Slice(tape, x, 1, 0, 1);
        var joined = NeuroCore.Ops.Concat(tape, [head, s], 1);
        Assert.Equal(x.ToArray(), joined.ToArray());
        var r = NeuroCore.Ops.Reshape(tape, x, new Shape(4, 6));
        Assert.Equal(x.ToArray(), r.ToArray());
    }

    [Property(MaxTest = 30)]
    public Property SoftmaxFamily_MatchesFormula() =>
        Prop.ForAll(Gens.MatMul, c =>
        {
            int rows = c.A[0], cols = c.B[1] + 1;
            using var x = GradCheck.Random(new Random(c.Seed), new Shape(rows, cols), -20, 20);
            using var tape = new Tape(recording: false);
            var p = NeuroCore.Ops.Softmax(tape, x);
            var lp = NeuroCore.Ops.LogSoftmax(tape, x);
            for (int r = 0; r < rows; r++)
            {
                double max = Enumerable.Range(0, cols).Max(j => (double)x.Span[(r * cols) + j]);
                double z = Enumerable.Range(0, cols).Sum(j => Math.Exp(x.Span[(r * cols) + j] - max));
                for (int j = 0; j < cols; j++)
                {
                    double v = x.Span[(r * cols) + j] - max;
                    Close(Math.Exp(v) / z, p.Span[(r * cols) + j]);
                    Close(v - Math.Log(z), lp.Span[(r * cols) + j]);
                }
            }
        });

    [Fact]
    public void CrossEntropy_MatchesFormula()
    {
        // logits [[1, 2, 3], [1, 1, 1]], labels [2, 0]: (ln(e+e²+e³) − 3 + ln 3) / 2.
        using var x = Tensor.From([1f, 2, 3, 1, 1, 1], new Shape(2, 3));
        using var tape = new Tape(recording: false);
        double expected = (Math.Log(Math.E + Math.Exp(2) + Math.Exp(3)) - 3 + Math.Log(3)) / 2;
        Close(expected, NeuroCore.Ops.CrossEntropy(tape, x, [2, 0]).Item(), 1e-6);
    }

    [Fact]
    public void KlDivergence_MatchesFormula_AndIsZeroForEqualLogits()
    {
        using var s = Tensor.From([1f, 0, -1, 0.5f, 0.5f, 2], new Shape(2, 3));
        using var t = Tensor.From([0f, 1, 2, 1, -1, 0], new Shape(2, 3));
        const double tau = 2;
        double expected = 0;
        for (int r = 0; r < 2; r++)
        {
            double[] sv = [.. Enumerable.Range(0, 3).Select(j => s.Span[(r * 3) + j] / tau)];
            double[] tv = [.. Enumerable.Range(0, 3).Select(j => t.Span[(r * 3) + j] / tau)];
            double zs = sv.Sum(Math.Exp), zt = tv.Sum(Math.Exp);
            for (int j = 0; j < 3; j++)
            {
                double pt = Math.Exp(tv[j]) / zt, ps = Math.Exp(sv[j]) / zs;
                expected += pt * Math.Log(pt / ps);
            }
        }
        expected *= tau * tau / 2;
        using var tape = new Tape(recording: false);
        Close(expected, NeuroCore.Ops.KlDivergence(tape, s, t, (float)tau).Item(), 1e-5);
        Close(0, NeuroCore.Ops.KlDivergence(tape, s, s, 3f).Item(), 1e-6);
    }

    [Fact]
    public void KlDivergence_Teacher_GetsNoGradient()
    {
        using var s = Tensor.From([1f, 0, -1], new Shape(1, 3)).RequireGrad();
        using var t = Tensor.From([0f, 1, 2], new Shape(1, 3)).RequireGrad();
        using var tape = new Tape();
        tape.Backward(NeuroCore.Ops.KlDivergence(tape, s, t, 2f));
        Assert.All(t.Grad!.ToArray(), g => Assert.Equal(0f, g));
        Assert.Contains(s.Grad!.ToArray(), g => g != 0f);
    }

    [Fact]
    public void Mse_MatchesFormula()
    {
        using var x = Tensor.From([1f, 2, 3, 4], new Shape(2, 2));
        using var y = Tensor.From([0f, 2, 5, 1], new Shape(2, 2));
        using var tape = new Tape(recording: false);
        Assert.Equal((1f + 0 + 4 + 9) / 4, NeuroCore.Ops.Mse(tape, x, y).Item());
    }
}
