using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NeuroCore.Autodiff;
using NeuroCore.Kernels;

namespace NeuroCore.Snn.Tests.Layers;

public sealed class CsrSynapseTests
{
    static readonly double[] Densities = [0.02, 0.1, 0.5, 1.0];

    /// <summary>Forward + backward of the layer with ∂L/∂I = <paramref name="g"/>: current, ∂x, ∂values, ∂b.</summary>
    static (float[] Y, float[] Dx, float[] Dv, float[] Db) Fused(CsrSynapse layer, float[] x, float[] g, int threads)
    {
        layer.Values.Grad!.Span.Clear();
        layer.Bias!.Grad!.Span.Clear();
        using var tape = new Tape(threads: threads);
        using var xt = Tensor.From(x, new Shape(x.Length / layer.InFeatures, layer.InFeatures)).RequireGrad();
        var y = layer.Forward(tape, xt);
        tape.Backward(y, g);
        return (y.ToArray(), xt.Grad!.ToArray(), layer.Values.Grad.ToArray(), layer.Bias.Grad.ToArray());
    }

    /// <summary>The same through the dense masked composition Ops.Linear(x, W ⊙ M, b); ∂W gathered at the slots.</summary>
    static (float[] Y, float[] Dx, float[] Dv, float[] Db) Composed(CsrSynapse layer, float[] x, float[] g)
    {
        using var tape = new Tape();
        using var xt = Tensor.From(x, new Shape(x.Length / layer.InFeatures, layer.InFeatures)).RequireGrad();
        using var w = Tensor.From(layer.ToDense(), new Shape(layer.OutFeatures, layer.InFeatures)).RequireGrad();
        using var b = Tensor.From(layer.Bias!.Span, new Shape(layer.OutFeatures)).RequireGrad();
        var y = Ops.Linear(tape, xt, w, b);
        tape.Backward(y, g);
        var p = layer.Pattern;
        var dv = new float[p.Nnz];
        var dw = w.Grad!.Span;
        for (int s = 0; s < p.Nnz; s++) dv[s] = dw[p.SlotRow[s] * layer.InFeatures + p.SlotColumn[s]];
        return (y.ToArray(), xt.Grad!.ToArray(), dv, b.Grad!.ToArray());
    }

    [Property(MaxTest = 25)]
    public Property Forward_BothPaths_MatchDenseMaskedComposition_ForwardAndGradients() =>
        Prop.ForAll(Gen.Choose(0, 100000).ToArbitrary(), seed =>
        {
            var rng = new Random(seed);
            int rows = rng.Next(1, 40), inF = rng.Next(1, 70), outF = rng.Next(1, 40);
            double density = Densities[rng.Next(Densities.Length)];
            var layer = new CsrSynapse(new ParameterStore(), "sp", inF, outF, density, (ulong)seed);
            var g = LayerTestKit.Random(rng, rows * outF);
            // Analogue input: the feature-major product.
            var xa = LayerTestKit.Random(rng, rows * inF);
            var fused = Fused(layer, xa, g, rng.Next(1, 3));
            Assert.False(layer.LastUsedEvents);
            var composed = Composed(layer, xa, g);
            LayerTestKit.AssertClose(composed.Y, fused.Y, 1e-5, "I (dense input)");
            LayerTestKit.AssertClose(composed.Dx, fused.Dx, 1e-5, "∂x (dense input)");
            LayerTestKit.AssertClose(composed.Dv, fused.Dv, 1e-4, "∂values (dense input)");
            LayerTestKit.AssertClose(composed.Db, fused.Db, 1e-5, "∂b (dense input)");
            // Spike input on the event path (forced, so every density is exercised).
            var xs = LayerTestKit.Spikes(rng, rows * inF, rng.NextDouble() * 0.4);
            layer.Path = SynapsePath.Events;
            fused = Fused(layer, xs, g, rng.Next(1, 3));
            Assert.True(layer.LastUsedEvents);
            composed = Composed(layer, xs, g);
            LayerTestKit.AssertClose(composed.Y, fused.Y, 1e-5, "I (spikes)");
            LayerTestKit.AssertClose(composed.Dx, fused.Dx, 1e-5, "∂x (spikes)");
            LayerTestKit.AssertClose(composed.Dv, fused.Dv, 1e-4, "∂values (spikes)");
            LayerTestKit.AssertClose(composed.Db, fused.Db, 1e-5, "∂b (spikes)");
        });

    [Fact]
    public void Gradients_MatchFiniteDifferences_DenseAndEventPaths()
    {
        var rng = new Random(5);
        var layer = new CsrSynapse(new ParameterStore(), "sp", 11, 7, 0.3, 9);
        using var x = Tensor.From(LayerTestKit.Random(rng, 6 * 11), new Shape(6, 11)).RequireGrad();
        layer.Path = SynapsePath.Dense;
        LayerTestKit.GradCheck(t => layer.Forward(t, x), [x, layer.Values, layer.Bias!], 3);
        using var s = Tensor.From(LayerTestKit.Spikes(rng, 6 * 11, 0.3), new Shape(6, 11));
        layer.Path = SynapsePath.Events;
        LayerTestKit.GradCheck(t => layer.Forward(t, s), [layer.Values, layer.Bias!], 4);
    }

    [Theory]
    [InlineData(128)]
    [InlineData(131)]
    public void Gradients_MatchFiniteDifferences_WideRows_WholeAndPartBlocks(int rows)
    {
        // 40 inputs at 50 %: rows of ~20 connections take the grouped weight-gradient path; 128 rows are one whole
        // block of the kernel's sample blocks, 131 one block and a 3-sample tail.
        var rng = new Random(rows);
        var layer = new CsrSynapse(new ParameterStore(), "sp", 40, 5, 0.5, 11);
        using var x = Tensor.From(LayerTestKit.Random(rng, rows * 40), new Shape(rows, 40)).RequireGrad();
        layer.Path = SynapsePath.Dense;
        LayerTestKit.GradCheck(t => layer.Forward(t, x), [x, layer.Values, layer.Bias!], 6);
    }

    [Fact]
    public void Step_FloatAndPacked_EqualTheTapeForward()
    {
        var rng = new Random(3);
        const int rows = 9, inF = 130, outF = 33;
        var layer = new CsrSynapse(new ParameterStore(), "sp", inF, outF, 0.2, 4);
        var cases = new[]
        {
            (LayerTestKit.Random(rng, rows * inF), SynapsePath.Auto, false),
            (LayerTestKit.Spikes(rng, rows * inF, 0.005), SynapsePath.Auto, true),  // below EventDensityThreshold and PackedEventDensityThreshold: events
            (LayerTestKit.Spikes(rng, rows * inF, 0.2), SynapsePath.Auto, false),   // above: the product
            (LayerTestKit.Spikes(rng, rows * inF, 0.2), SynapsePath.Events, true),
        };
        foreach (var (x, path, expectEvents) in cases)
        {
            layer.Path = path;
            float[] expected;
            using (var tape = new Tape(recording: false))
            using (var xt = Tensor.From(x, new Shape(rows, inF)))
                expected = layer.Forward(tape, xt).ToArray();
            Assert.Equal(expectEvents, layer.LastUsedEvents);
            var current = new float[rows * outF];
            layer.Step(x, rows, current);
            Assert.Equal(expectEvents, layer.LastUsedEvents);
            Assert.Equal(expected, current);
            if (!SpikeLinear.IsBinary(x)) continue;
            var bits = new ulong[rows * SpikeSynapse.PackedWords(inF)];
            SpikeSynapse.Pack(x, rows, inF, bits);
            var packed = new float[rows * outF];
            layer.Step(bits, rows, packed);
            Assert.Equal(expectEvents, layer.LastUsedEvents);
            if (expectEvents)
            {
                Assert.Equal(expected, packed);
                continue;
            }
            // The packed product sums connections in groups of 4: equal within rounding.
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(expected[i] - packed[i]) <= 1e-5f * (1 + Math.Abs(expected[i])), $"packed [{i}] = {packed[i]:R}, expected {expected[i]:R}");
        }
    }

    [Fact]
    public void Step_SteadyState_AllocatesNothing()
    {
        var rng = new Random(8);
        var layer = new CsrSynapse(new ParameterStore(), "sp", 96, 40, 0.1, 1);
        var xa = LayerTestKit.Random(rng, 16 * 96);
        var xs = LayerTestKit.Spikes(rng, 16 * 96, 0.02);
        var xd = LayerTestKit.Spikes(rng, 16 * 96, 0.3);
        var bitsDense = new ulong[16 * 2];
        SpikeSynapse.Pack(xd, 16, 96, bitsDense);
        var bits = new ulong[16 * 2];
        SpikeSynapse.Pack(xs, 16, 96, bits);
        var y = new float[16 * 40];
        void Run()
        {
            layer.Step(xa, 16, y, 2);
            layer.Step(xs, 16, y, 2);
            layer.Step(bits, 16, y, 2);
            layer.Step(bitsDense, 16, y, 2);
        }
        Run();
        long least = long.MaxValue;
        for (int attempt = 0; attempt < 3 && least != 0; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++) Run();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.Equal(0, least);
    }

    [Fact]
    public void ErdosRenyi_ExactBudget_DensityReported_ValuesScaledByDensity()
    {
        var store = new ParameterStore();
        var layer = new CsrSynapse(store, "sp", 200, 50, 0.1, 7);
        Assert.Equal(1000, layer.Nnz);
        Assert.Equal(0.1, layer.Density, 12);
        Assert.Equal(1000, store["sp.values"].Size);
        float bound = 1f / MathF.Sqrt(0.1f * 200);
        float max = 0;
        foreach (float v in layer.Values.Span) max = Math.Max(max, Math.Abs(v));
        Assert.True(max <= bound && max > 0.9f * bound, $"max |w| = {max}, bound {bound}");
        var dense = layer.ToDense();
        Assert.Equal(1000, dense.Count(v => v != 0));
        // Same seed, same pattern; another seed, another one.
        Assert.Equal(dense, new CsrSynapse(new ParameterStore(), "sp", 200, 50, 0.1, 7).ToDense());
        Assert.NotEqual(layer.Pattern.RowColumns.ToArray(), new CsrSynapse(new ParameterStore(), "sp", 200, 50, 0.1, 8).Pattern.RowColumns.ToArray());
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Density_OutsideUnitInterval_Throws(double density)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new CsrSynapse(new ParameterStore(), "fc1", 10, 10, density, 1));
        Assert.Contains("CsrSynapse 'fc1'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("(0, 1]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromCsr_BadArrays_NameRowPositionAndFix()
    {
        int[] rs = [0, 2, 4];
        var unsorted = Assert.Throws<ArgumentException>(() => CsrPattern.FromCsr(2, 5, rs, [0, 3, 4, 1]));
        Assert.Contains("row 1, position 1", unsorted.Message, StringComparison.Ordinal);
        Assert.Contains("sort", unsorted.Message, StringComparison.Ordinal);
        var repeated = Assert.Throws<ArgumentException>(() => CsrPattern.FromCsr(2, 5, rs, [2, 2, 0, 1]));
        Assert.Contains("row 0, position 1", repeated.Message, StringComparison.Ordinal);
        Assert.Contains("repeats column 2", repeated.Message, StringComparison.Ordinal);
        var range = Assert.Throws<ArgumentException>(() => CsrPattern.FromCsr(2, 5, rs, [0, 1, 2, 5]));
        Assert.Contains("column 5, outside [0, 5)", range.Message, StringComparison.Ordinal);
        var negative = Assert.Throws<ArgumentException>(() => CsrPattern.FromCsr(2, 5, rs, [-1, 1, 2, 3]));
        Assert.Contains("row 0, position 0", negative.Message, StringComparison.Ordinal);
        var empty = Assert.Throws<ArgumentException>(() => CsrPattern.FromCsr(2, 5, [0, 0, 0], []));
        Assert.Contains("density in (0, 1]", empty.Message, StringComparison.Ordinal);
        var decreasing = Assert.Throws<ArgumentException>(() => CsrPattern.FromCsr(2, 5, [0, 3, 2], [0, 1, 2]));
        Assert.Contains("decreases at row 1", decreasing.Message, StringComparison.Ordinal);
        var count = Assert.Throws<ArgumentException>(() => CsrPattern.FromCsr(2, 5, rs, [0, 1, 2]));
        Assert.Contains("columnIndices holds 3", count.Message, StringComparison.Ordinal);
        var slots = Assert.Throws<ArgumentException>(() => CsrPattern.FromCsr(2, 5, rs, [0, 1, 2, 3], [0, 1, 1, 3]));
        Assert.Contains("permutation", slots.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PatternFile_RoundTripsSlots_AndRejectsBadFiles()
    {
        var layer = new CsrSynapse(new ParameterStore(), "sp", 30, 20, 0.2, 2);
        // Move two slots so the slot numbering is no longer row-major.
        int s0 = 0, s1 = layer.Nnz - 1;
        (int r0, int c0) = FreePosition(layer.Pattern, 0);
        (int r1, int c1) = FreePosition(layer.Pattern, r0 * 30 + c0 + 1);
        layer.Pattern.Reassign([s0, s1], [r0, r1], [c0, c1]);
        Assert.Equal(1, layer.Pattern.Version);
        string dir = Directory.CreateTempSubdirectory("csr").FullName;
        try
        {
            string path = Path.Combine(dir, "p.csr");
            CsrSynapse.SavePattern(layer.Pattern, path);
            var loaded = CsrSynapse.LoadPattern(path);
            Assert.Equal(layer.Pattern.SlotRow.ToArray(), loaded.SlotRow.ToArray());
            Assert.Equal(layer.Pattern.SlotColumn.ToArray(), loaded.SlotColumn.ToArray());
            byte[] bytes = File.ReadAllBytes(path);
            File.WriteAllBytes(path, bytes[..^4]);
            Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => CsrSynapse.LoadPattern(path)).Message, StringComparison.Ordinal);
            // Swap two columns of row 0 so it is unsorted: the validation names the row and position.
            var broken = (byte[])bytes.Clone();
            int rowsAt = 8 + 12, colsAt = rowsAt + 4 * 21;
            int a = BitConverter.ToInt32(broken, colsAt), b = BitConverter.ToInt32(broken, colsAt + 4);
            BitConverter.GetBytes(b).CopyTo(broken, colsAt);
            BitConverter.GetBytes(a).CopyTo(broken, colsAt + 4);
            File.WriteAllBytes(path, broken);
            Assert.Contains("row 0, position 1", Assert.Throws<ArgumentException>(() => CsrSynapse.LoadPattern(path)).Message, StringComparison.Ordinal);
            File.WriteAllBytes(path, [1, 2, 3]);
            Assert.Contains("not a CSR pattern file", Assert.Throws<InvalidDataException>(() => CsrSynapse.LoadPattern(path)).Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    static (int Row, int Column) FreePosition(CsrPattern p, int from)
    {
        for (int q = from; ; q++)
            if (!p.Contains(q / p.Columns, q % p.Columns)) return (q / p.Columns, q % p.Columns);
    }

    [Fact]
    public void Reassign_Duplicate_LeavesPatternUnchanged_AndRewireBeforeBackwardThrows()
    {
        var layer = new CsrSynapse(new ParameterStore(), "sp", 8, 6, 0.5, 3);
        var before = layer.Pattern.RowColumns.ToArray();
        int r = layer.Pattern.SlotRow[1], c = layer.Pattern.SlotColumn[1];
        var ex = Assert.Throws<ArgumentException>(() => layer.Pattern.Reassign([0], [r], [c]));
        Assert.Contains($"({r}, {c})", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, layer.Pattern.RowColumns.ToArray());
        Assert.Equal(0, layer.Pattern.Version);

        using var tape = new Tape();
        using var x = Tensor.From(new float[4 * 8], new Shape(4, 8)).RequireGrad();
        var y = layer.Forward(tape, x);
        (int fr, int fc) = FreePosition(layer.Pattern, 0);
        layer.Pattern.Reassign([2], [fr], [fc]);
        var err = Assert.Throws<InvalidOperationException>(() => tape.Backward(y, new float[4 * 6]));
        Assert.Contains("rewired", err.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Forward_WrongShape_OrForcedEventsOnAnalogue_Throws()
    {
        var layer = new CsrSynapse(new ParameterStore(), "fc2", 8, 6, 0.5, 3);
        using var tape = new Tape();
        using var x = Tensor.From(new float[4 * 7], new Shape(4, 7));
        var ex = Assert.Throws<ArgumentException>(() => layer.Forward(tape, x));
        Assert.Contains("CsrSynapse 'fc2'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[4, 7]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[rows, 8]", ex.Message, StringComparison.Ordinal);
        layer.Path = SynapsePath.Events;
        using var xa = Tensor.From([0.5f, 0, 0, 0, 0, 0, 0, 0], new Shape(1, 8));
        Assert.Contains("0/1", Assert.Throws<ArgumentException>(() => layer.Forward(tape, xa)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => layer.Step(new float[8], 2, new float[12]));
    }
}
