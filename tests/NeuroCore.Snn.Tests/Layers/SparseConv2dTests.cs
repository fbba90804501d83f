using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NeuroCore.Autodiff;
using NeuroCore.Kernels;

namespace NeuroCore.Snn.Tests.Layers;

public sealed class SparseConv2dTests
{
    static readonly double[] Densities = [0.05, 0.1, 0.3, 1.0];

    sealed record Case(int Batch, int C, int O, int K, int Stride, int Pad, int H, int W, double Density);

    static Case RandomCase(Random rng)
    {
        int k = rng.Next(1, 4), pad = rng.Next(0, 2);
        return new Case(rng.Next(1, 6), rng.Next(1, 5), rng.Next(1, 7), k, rng.Next(1, 3), pad,
            rng.Next(Math.Max(1, k - (2 * pad)), 9), rng.Next(Math.Max(1, k - (2 * pad)), 9), Densities[rng.Next(Densities.Length)]);
    }

    static SparseConv2d Layer(Case c, int seed) =>
        new(new ParameterStore(), "sc", c.C, c.O, c.K, c.Density, (ulong)seed, c.Stride, c.Pad);

    /// <summary>Forward + backward with ∂L/∂y = g: y, ∂x, ∂values, ∂b.</summary>
    static (float[] Y, float[] Dx, float[] Dv, float[] Db) Fused(SparseConv2d layer, Case c, float[] x, float[] g, int threads)
    {
        layer.Values.Grad!.Span.Clear();
        layer.Bias!.Grad!.Span.Clear();
        using var tape = new Tape(threads: threads);
        using var xt = Tensor.From(x, new Shape(c.Batch, c.C, c.H, c.W)).RequireGrad();
        var y = layer.Forward(tape, xt);
        tape.Backward(y, g);
        return (y.ToArray(), xt.Grad!.ToArray(), layer.Values.Grad.ToArray(), layer.Bias.Grad.ToArray());
    }

    /// <summary>The same through the dense Ops.Conv2d with the masked weight W ⊙ M; ∂W gathered at the slots, and the whole dense ∂W.</summary>
    static (float[] Y, float[] Dx, float[] Dv, float[] Db, float[] Dw) Composed(SparseConv2d layer, Case c, float[] x, float[] g)
    {
        using var tape = new Tape();
        using var xt = Tensor.From(x, new Shape(c.Batch, c.C, c.H, c.W)).RequireGrad();
        using var w = Tensor.From(layer.ToDense(), new Shape(c.O, c.C, c.K, c.K)).RequireGrad();
        using var b = Tensor.From(layer.Bias!.Span, new Shape(c.O)).RequireGrad();
        var y = Ops.Conv2d(tape, xt, w, b, c.Stride, c.Pad);
        tape.Backward(y, g);
        var p = layer.Pattern;
        var dv = new float[p.Nnz];
        var dw = w.Grad!.ToArray();
        for (int s = 0; s < p.Nnz; s++) dv[s] = dw[(p.SlotRow[s] * p.Columns) + p.SlotColumn[s]];
        return (y.ToArray(), xt.Grad!.ToArray(), dv, b.Grad!.ToArray(), dw);
    }

    [Property(MaxTest = 30)]
    public Property ForwardAndGradients_MatchDenseConvWithMaskedWeight_AndAreBitwiseAcrossThreads() =>
        Prop.ForAll(Gen.Choose(0, 100000).ToArbitrary(), seed =>
        {
            var rng = new Random(seed);
            var c = RandomCase(rng);
            var layer = Layer(c, seed);
            int oh = layer.OutputSize(c.H), ow = layer.OutputSize(c.W);
            var x = rng.Next(2) == 0 ? LayerTestKit.Random(rng, c.Batch * c.C * c.H * c.W) : LayerTestKit.Spikes(rng, c.Batch * c.C * c.H * c.W, 0.2);
            var g = LayerTestKit.Random(rng, c.Batch * c.O * oh * ow);
            var one = Fused(layer, c, x, g, 1);
            var composed = Composed(layer, c, x, g);
            LayerTestKit.AssertClose(composed.Y, one.Y, 1e-5, $"y {c}");
            LayerTestKit.AssertClose(composed.Dx, one.Dx, 1e-5, $"∂x {c}");
            LayerTestKit.AssertClose(composed.Dv, one.Dv, 1e-4, $"∂values {c}");
            LayerTestKit.AssertClose(composed.Db, one.Db, 1e-4, $"∂b {c}");
            foreach (int threads in (int[])[2, 3])
            {
                var many = Fused(layer, c, x, g, threads);
                Assert.Equal(one.Y, many.Y);
                Assert.Equal(one.Dx, many.Dx);
                Assert.Equal(one.Dv, many.Dv);
                Assert.Equal(one.Db, many.Db);
            }
        });

    [Fact]
    public void Gradients_MatchFiniteDifferences()
    {
        var c = new Case(2, 2, 3, 3, 1, 1, 5, 4, 0.4);
        var layer = Layer(c, 7);
        var rng = new Random(3);
        using var x = Tensor.From(LayerTestKit.Random(rng, c.Batch * c.C * c.H * c.W), new Shape(c.Batch, c.C, c.H, c.W)).RequireGrad();
        LayerTestKit.GradCheck(tape => layer.Forward(tape, x), [x, layer.Values, layer.Bias!], seed: 11);
        var strided = Layer(new Case(1, 3, 2, 2, 2, 0, 6, 5, 0.5), 9);
        using var x2 = Tensor.From(LayerTestKit.Random(rng, 3 * 6 * 5), new Shape(1, 3, 6, 5)).RequireGrad();
        LayerTestKit.GradCheck(tape => strided.Forward(tape, x2), [x2, strided.Values, strided.Bias!], seed: 12);
    }

    [Fact]
    public void InputGradient_IsSkipped_WhenTheInputNeedsNone_AndAccumulates_WhenItFlowsTwice()
    {
        var c = new Case(3, 2, 4, 3, 1, 1, 6, 6, 0.3);
        var layer = Layer(c, 5);
        var rng = new Random(2);
        var xv = LayerTestKit.Random(rng, c.Batch * c.C * c.H * c.W);
        var g = LayerTestKit.Random(rng, c.Batch * c.O * c.H * c.W);
        var reference = Fused(layer, c, xv, g, 1);
        // No input gradient: the values' gradient is unchanged.
        layer.Values.Grad!.Span.Clear();
        using (var tape = new Tape())
        using (var x = Tensor.From(xv, new Shape(c.Batch, c.C, c.H, c.W)))
        {
            var y = layer.Forward(tape, x);
            tape.Backward(y, g);
            Assert.Null(x.Grad);
            Assert.Equal(reference.Dv, layer.Values.Grad.ToArray());
        }
        // The same input used twice: ∂x is the sum of both contributions.
        using (var tape = new Tape())
        using (var x = Tensor.From(xv, new Shape(c.Batch, c.C, c.H, c.W)).RequireGrad())
        {
            var y = Ops.Add(tape, layer.Forward(tape, x), layer.Forward(tape, x));
            tape.Backward(y, g);
            LayerTestKit.AssertClose(reference.Dx.Select(v => 2 * v).ToArray(), x.Grad!.ToArray(), 1e-5, "∂x twice");
        }
    }

    [Fact]
    public void Init_IsErdosRenyiAtTheDensity_WithKaimingBoundScaledByOneOverSqrtD()
    {
        var layer = new SparseConv2d(new ParameterStore(), "c", 16, 32, 3, 0.1, 1, 1, 1);
        Assert.Equal((int)Math.Round(0.1 * 32 * 16 * 9), layer.Nnz);
        Assert.Equal(32L * 16 * 9, layer.Positions);
        float bound = 1f / MathF.Sqrt(0.1f * 16 * 9);
        Assert.All(layer.Values.ToArray(), v => Assert.InRange(MathF.Abs(v), 0f, bound));
        Assert.True(layer.Values.ToArray().Max(MathF.Abs) > 0.8f * bound);
        // Every kernel element gets about d of its O·C positions.
        var perElement = new int[9];
        for (int s = 0; s < layer.Nnz; s++) perElement[layer.Pattern.SlotColumn[s] % 9]++;
        Assert.All(perElement, n => Assert.InRange(n, 20, 90));
    }

    [Fact]
    public void BadInput_IsAClearError_NamingTheLayerAndShapes()
    {
        var store = new ParameterStore();
        foreach (double d in (double[])[0, -0.1, 1.5, double.NaN])
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => new SparseConv2d(store, "bad", 2, 4, 3, d, 1));
            Assert.Contains("(0, 1]", e.Message, StringComparison.Ordinal);
            Assert.Contains("'bad'", e.Message, StringComparison.Ordinal);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => new SparseConv2d(store, "k0", 2, 4, 0, 0.5, 1));
        var wrong = CsrPattern.ErdosRenyi(4, 10, 0.5, 1);
        var pe = Assert.Throws<ArgumentException>(() => new SparseConv2d(store, "p", 2, 3, wrong, 1));
        Assert.Contains("[4, 10]", pe.Message, StringComparison.Ordinal);
        Assert.Contains("18", pe.Message, StringComparison.Ordinal);

        var layer = new SparseConv2d(store, "conv", 2, 4, 3, 0.5, 1);
        using var tape = new Tape();
        using var channels = Tensor.Zeros(new Shape(1, 3, 8, 8));
        var ce = Assert.Throws<ArgumentException>(() => layer.Forward(tape, channels));
        Assert.Contains("[1, 3, 8, 8]", ce.Message, StringComparison.Ordinal);
        Assert.Contains("'conv'", ce.Message, StringComparison.Ordinal);
        Assert.Contains("[B, 2, H, W]", ce.Message, StringComparison.Ordinal);
        using var rank = Tensor.Zeros(new Shape(2, 8, 8));
        Assert.Throws<ArgumentException>(() => layer.Forward(tape, rank));
        using var small = Tensor.Zeros(new Shape(1, 2, 2, 8));
        var ke = Assert.Throws<ArgumentException>(() => layer.Forward(tape, small));
        Assert.Contains("3×3", ke.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rewire_KeepsNnz_ZeroesMovedSlots_NeverRegrowsAJustPrunedPosition_AndStaysAMaskedConv()
    {
        var c = new Case(2, 3, 5, 3, 1, 1, 6, 6, 0.2);
        var layer = Layer(c, 4);
        var rng = new Random(8);
        var x = LayerTestKit.Random(rng, c.Batch * c.C * c.H * c.W);
        var g = LayerTestKit.Random(rng, c.Batch * c.O * c.H * c.W);
        int nnz = layer.Nnz;
        foreach (var grow in (GrowRule[])[GrowRule.Random, GrowRule.Gradient])
        {
            // The dense gradient of the last backward equals the dense conv's ∂W at every position.
            var fused = Fused(layer, c, x, g, 2);
            var dense = new float[layer.Positions];
            using (var tape = new Tape())
            using (var xt = Tensor.From(x, new Shape(c.Batch, c.C, c.H, c.W)))
            {
                var y = layer.Forward(tape, xt);
                tape.Backward(y, g);
                layer.DenseGradient(dense);
            }
            LayerTestKit.AssertClose(Composed(layer, c, x, g).Dw, dense, 1e-4, "dense ∂W");
            _ = fused;
            var before = Positions(layer);
            var values = layer.Values.ToArray();
            var result = layer.Rewire(0.3f, PruneRule.Magnitude, grow, 3, 17, grow == GrowRule.Gradient ? dense : default);
            Assert.Equal(nnz, layer.Nnz);
            Assert.Equal(result.Pruned, result.Grown);
            Assert.True(result.Pruned > 0);
            var after = Positions(layer);
            for (int s = 0; s < nnz; s++)
            {
                if (result.SlotSource[s] >= 0)
                {
                    Assert.Equal(before[s], after[s]);
                    Assert.Equal(values[s], layer.Values.Span[s]);
                }
                else
                {
                    Assert.Equal(0f, layer.Values.Span[s]);
                    Assert.DoesNotContain(after[s], before); // grown only where nothing was before (and so never where it was just pruned)
                }
            }
            // Still exactly the dense conv with the masked weight.
            var again = Fused(layer, c, x, g, 1);
            var composed = Composed(layer, c, x, g);
            LayerTestKit.AssertClose(composed.Y, again.Y, 1e-5, "y after rewire");
            LayerTestKit.AssertClose(composed.Dv, again.Dv, 1e-4, "∂values after rewire");
        }
    }

    [Fact]
    public void Backward_AfterARewire_IsRefused()
    {
        var layer = Layer(new Case(1, 2, 3, 3, 1, 1, 4, 4, 0.3), 1);
        using var tape = new Tape();
        using var x = Tensor.From(Enumerable.Repeat(1f, 32).ToArray(), new Shape(1, 2, 4, 4));
        var y = layer.Forward(tape, x);
        layer.Rewire(0.5f, PruneRule.Magnitude, GrowRule.Random, 1, 1, default);
        var e = Assert.Throws<InvalidOperationException>(() => tape.Backward(y, new float[y.Size]));
        Assert.Contains("rewired", e.Message, StringComparison.Ordinal);
    }

    static long[] Positions(SparseConv2d layer)
    {
        var p = layer.Pattern;
        var a = new long[p.Nnz];
        for (int s = 0; s < p.Nnz; s++) a[s] = ((long)p.SlotRow[s] * p.Columns) + p.SlotColumn[s];
        return a;
    }

    [Fact]
    public void SpikingBlock_MatchesTheDenseBlockWithTheSameMaskedWeight()
    {
        var options = new SnnModelOptions { Steps = 3 };
        var sparseStore = new ParameterStore();
        var sparse = new SparseSpikingConv2d(sparseStore, "b", 2, 4, 6, 6, 0.3, options, 5);
        var denseStore = new ParameterStore();
        var dense = new SpikingConv2d(denseStore, "b", 2, 4, 6, 6, options, 5);
        sparse.Conv.ToDense().CopyTo(dense.Weight.Span);
        sparse.Conv.Bias!.Span.CopyTo(denseStore["b.bias"].Span);
        var x = LayerTestKit.Spikes(new Random(1), 3 * 2 * 2 * 6 * 6, 0.3);
        using var tape = new Tape();
        using var xs = Tensor.From(x, new Shape(6, 2, 6, 6));
        var a = sparse.Forward(tape, xs, 3);
        var b = dense.Forward(tape, xs, 3);
        Assert.Equal(b.Shape, a.Shape);
        // Summation order differs from the GEMM, so a membrane within rounding of θ may flip: allow 1 % of the spikes.
        var sa = a.ToArray();
        var sb = b.ToArray();
        Assert.True(sa.Zip(sb).Count(p => p.First != p.Second) <= sa.Length / 100, "spikes differ from the dense masked block");
        Assert.Contains(1f, sa);
        Assert.Equal(sparse.Nnz, (int)Math.Round(0.3 * 4 * 2 * 9));
    }

    [Fact]
    public void PatternBuffer_RestoresARewiredPattern_AndRefusesACorruptOne_LeavingThePatternAsItWas()
    {
        var store = new ParameterStore();
        var layer = new SparseConv2d(store, "conv", 3, 4, 3, 0.3, 2, 1, 1);
        var buffer = new CsrPatternBuffer(store, "conv", layer.Pattern);
        Assert.Equal(new Shape(layer.Nnz, 2), store["conv.pattern"].Shape);
        var initial = buffer.Buffer.ToArray();
        layer.Rewire(0.4f, PruneRule.Magnitude, GrowRule.Random, 1, 1, default);
        buffer.Capture();
        var rewired = buffer.Buffer.ToArray();
        Assert.NotEqual(initial, rewired);
        // As after loading a checkpoint of the initial pattern: the pattern moves back, row order and all.
        initial.CopyTo(buffer.Buffer.Span);
        buffer.Restore();
        Assert.True(buffer.Matches());
        var fresh = new SparseConv2d(new ParameterStore(), "conv", 3, 4, 3, 0.3, 2, 1, 1).Pattern;
        Assert.Equal(fresh.RowColumns.ToArray(), layer.Pattern.RowColumns.ToArray());
        Assert.Equal(fresh.RowSlots.ToArray(), layer.Pattern.RowSlots.ToArray());
        Assert.Equal(fresh.ColumnSlots.ToArray(), layer.Pattern.ColumnSlots.ToArray());
        // Corrupt: a connection twice, a fraction, an index out of range. The pattern stays as it was.
        var before = Positions(layer);
        foreach (var (index, value) in ((int, float)[])[(2, initial[0]), (0, 0.5f), (1, 27f)])
        {
            initial.CopyTo(buffer.Buffer.Span);
            buffer.Buffer.Span[index] = value;
            if (index == 2) buffer.Buffer.Span[3] = initial[1];
            var e = Assert.Throws<InvalidDataException>(buffer.Restore);
            Assert.Contains("conv.pattern", e.Message, StringComparison.Ordinal);
            Assert.Equal(before, Positions(layer));
        }
    }
}
