using FsCheck;
using FsCheck.Xunit;
using NeuroCore.Autodiff;
using NeuroCore.Kernels;

namespace NeuroCore.Snn.Tests.Layers;

/// <summary>Prune/regrow rules, <see cref="MaskedWeight"/> and <see cref="CsrSynapse"/>'s rewiring.</summary>
public sealed class RewiringTests
{
    static float[] Random(int n, ulong seed, int stream = 0)
    {
        var rng = new PhiloxGenerator(seed, (ulong)stream);
        var v = new float[n];
        for (int i = 0; i < n; i++) v[i] = rng.NextNormal();
        return v;
    }

    [Fact]
    public void SelectPrune_Magnitude_TakesTheSmallestAbsoluteValues()
    {
        float[] w = [0.5f, -0.1f, 0.3f, 0.05f, -0.9f, 0.2f, -0.25f, 1f, 0f, -0.4f];
        Assert.Equal([1, 3, 8], Rewiring.SelectPrune(w, 0.3f, PruneRule.Magnitude, 100));
        Assert.Equal([3, 8], Rewiring.SelectPrune(w, 0.3f, PruneRule.Magnitude, 2)); // capped: the weakest kept first
        Assert.Empty(Rewiring.SelectPrune(w, 0f, PruneRule.Magnitude, 100));
    }

    [Fact]
    public void SelectPrune_Set_SplitsPositiveAndNegativeThresholds()
    {
        // Non-negative: 0.5, 0.3, 0.05, 0.2, 1, 0 (6) → round(0.5·6) = 3 smallest: 0, 0.05, 0.2.
        // Negative: −0.1, −0.9, −0.25, −0.4 (4) → round(0.5·4) = 2 closest to zero: −0.1, −0.25.
        float[] w = [0.5f, -0.1f, 0.3f, 0.05f, -0.9f, 0.2f, -0.25f, 1f, 0f, -0.4f];
        Assert.Equal([1, 3, 5, 6, 8], Rewiring.SelectPrune(w, 0.5f, PruneRule.Set, 100));
    }

    [Fact]
    public void Grow_TakesOnlyInactivePositions_NeverJustPruned()
    {
        var state = new byte[20];
        state[2] = state[5] = state[7] = Rewiring.Active;
        state[3] = state[11] = Rewiring.JustPruned;
        var g = new float[20];
        for (int i = 0; i < 20; i++) g[i] = i;   // the largest gradients sit at just-pruned/active 11, 7 ... and 19
        g[11] = 100f;
        g[3] = -200f;
        Assert.Equal([17, 18, 19], Rewiring.GrowByGradient(state, g, 3));
        for (ulong s = 0; s < 50; s++)
        {
            var grown = Rewiring.GrowRandom(state, 15, 7, s);
            Assert.Equal(15, grown.Distinct().Count());
            Assert.All(grown, p => Assert.Equal(Rewiring.Inactive, state[p]));
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => Rewiring.GrowRandom(state, 16, 1, 1));
        Assert.Equal(Rewiring.GrowRandom(state, 5, 9, 4), Rewiring.GrowRandom(state, 5, 9, 4));
    }

    [Fact]
    public void GrowRandom_IsUniformOverEligiblePositions()
    {
        var state = new byte[10];
        state[0] = Rewiring.Active;
        var counts = new int[10];
        for (ulong s = 0; s < 4000; s++)
            foreach (int p in Rewiring.GrowRandom(state, 3, 11, s)) counts[p]++;
        Assert.Equal(0, counts[0]);
        // 4000·3/9 ≈ 1333 each; 5 σ ≈ 150.
        Assert.All(counts.Skip(1), c => Assert.InRange(c, 1183, 1483));
    }

    static MaskedWeight Masked(ParameterStore store, int rows, int cols, double density, ulong seed)
    {
        var w = store.Add("w", new Shape(rows, cols));
        Random(rows * cols, seed).CopyTo(w.Span);
        return new MaskedWeight(store, "layer", w, density, seed);
    }

    [Property(MaxTest = 40)]
    public void MaskedWeight_Rewire_KeepsNnz_ZeroesGrownAndPruned_ReportsChangedSlots(PositiveInt seed, bool set, bool gradient)
    {
        var store = new ParameterStore();
        double density = 0.05 + (seed.Get % 9 / 10.0);
        var m = Masked(store, 12, 17, density, (ulong)seed.Get);
        int nnz = m.Nnz;
        Assert.Equal((int)Math.Round(density * 204), nnz);
        var grad = Random(204, (ulong)seed.Get, 3);
        for (int step = 0; step < 4; step++)
        {
            var before = m.Values.ToArray();
            var maskBefore = m.Mask.ToArray();
            var r = m.Rewire(0.3f, set ? PruneRule.Set : PruneRule.Magnitude, gradient ? GrowRule.Gradient : GrowRule.Random, 5, (ulong)step, grad);
            Assert.Equal(nnz, m.Nnz);
            Assert.Equal(nnz, (int)m.Mask.ToArray().Sum());
            Assert.Equal(r.Pruned, r.Grown);
            var mask = m.Mask.Span;
            var w = m.Values.Span;
            for (int p = 0; p < 204; p++)
            {
                bool changed = mask[p] != maskBefore[p];
                Assert.Equal(changed, r.SlotSource[p] < 0);
                if (changed) Assert.Equal(0f, w[p]);                       // pruned and grown both 0
                else Assert.Equal(before[p] * mask[p], w[p]);            // survivors untouched
            }
            var maskNow = m.Mask.ToArray();
            Assert.Equal(r.Pruned, Enumerable.Range(0, 204).Count(p => maskBefore[p] == 1f && maskNow[p] == 0f));
            for (int p = 0; p < 204; p++) w[p] += mask[p] * 0.01f * (p % 7); // let the weights move between steps
        }
    }

    [Fact]
    public void MaskedWeight_BadDensity_NamesTheLayer()
    {
        var store = new ParameterStore();
        var w = store.Add("w", new Shape(4, 4));
        foreach (double d in (double[])[0, -0.1, 1.5, double.NaN])
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => new MaskedWeight(store, "conv9", w, d, 1));
            Assert.Contains("conv9", e.Message, StringComparison.Ordinal);
            Assert.Contains("(0, 1]", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void MaskedWeight_MaskGradientAndApplyMask_ZeroInactivePositions()
    {
        var store = new ParameterStore();
        var m = Masked(store, 6, 6, 0.25, 3);
        m.Values.Grad!.Span.Fill(1f);
        m.MaskGradient();
        Assert.Equal(m.Mask.ToArray(), m.Values.Grad.ToArray());
        m.Values.Span.Fill(2f);
        m.ApplyMask();
        Assert.Equal(m.Mask.ToArray().Select(v => 2 * v), m.Values.ToArray());
        var dense = new float[36];
        m.Values.Grad.Span.Fill(3f);
        m.DenseGradient(dense);
        Assert.All(dense, v => Assert.Equal(3f, v));
    }

    [Property(MaxTest = 40)]
    public void CsrSynapse_Rewire_KeepsNnz_MovesOnlyPrunedSlots_GrownAtZero_NotIntoJustPrunedPositions(PositiveInt seed, bool set, bool gradient)
    {
        var store = new ParameterStore();
        double density = 0.05 + (seed.Get % 9 / 10.0);
        var layer = new CsrSynapse(store, "fc", 19, 11, density, (ulong)seed.Get);
        int nnz = layer.Nnz;
        var grad = Random(19 * 11, (ulong)seed.Get, 5);
        for (int step = 0; step < 4; step++)
        {
            var p = layer.Pattern;
            var rowsBefore = p.SlotRow.ToArray();
            var colsBefore = p.SlotColumn.ToArray();
            var valuesBefore = layer.Values.ToArray();
            var r = layer.Rewire(0.3f, set ? PruneRule.Set : PruneRule.Magnitude, gradient ? GrowRule.Gradient : GrowRule.Random, 3, (ulong)step, gradient ? grad : default);
            Assert.Equal(nnz, layer.Nnz);
            Assert.Equal(nnz, r.Nnz);
            Assert.Equal(r.Pruned, r.Grown);
            var before = new HashSet<(int, int)>(rowsBefore.Zip(colsBefore));
            int moved = 0;
            for (int s = 0; s < nnz; s++)
            {
                bool same = p.SlotRow[s] == rowsBefore[s] && p.SlotColumn[s] == colsBefore[s];
                Assert.Equal(!same, r.SlotSource[s] < 0);
                if (same)
                {
                    Assert.Equal(valuesBefore[s], layer.Values.Span[s]);
                }
                else
                {
                    moved++;
                    Assert.Equal(0f, layer.Values.Span[s]);
                    // A moved slot lands on a position that was inactive before the step (so never where it, or any pruned slot, was).
                    Assert.DoesNotContain((p.SlotRow[s], p.SlotColumn[s]), before);
                }
            }
            Assert.Equal(r.Pruned, moved);
            // The compressed forms still describe the same connections as the slots.
            var dense = layer.ToDense();
            for (int s = 0; s < nnz; s++) Assert.Equal(layer.Values.Span[s], dense[p.SlotRow[s] * 19 + p.SlotColumn[s]]);
            for (int s = 0; s < nnz; s++) layer.Values.Span[s] += 0.01f * ((s % 5) - 2);
        }
    }

    [Fact]
    public void CsrSynapse_GradientGrowth_TakesTheLargestInactiveGradients()
    {
        var store = new ParameterStore();
        var layer = new CsrSynapse(store, "fc", 10, 8, 0.2, 4);
        var grad = Random(80, 8, 1);
        var active = new HashSet<int>(Enumerable.Range(0, layer.Nnz).Select(s => layer.Pattern.SlotRow[s] * 10 + layer.Pattern.SlotColumn[s]));
        var expected = Enumerable.Range(0, 80).Where(q => !active.Contains(q)).OrderByDescending(q => Math.Abs(grad[q])).ThenBy(q => q).Take(5).Order().ToArray();
        var r = layer.Rewire(5f / layer.Nnz, PruneRule.Magnitude, GrowRule.Gradient, 1, 1, grad);
        Assert.Equal(5, r.Grown);
        var now = Enumerable.Range(0, layer.Nnz).Select(s => layer.Pattern.SlotRow[s] * 10 + layer.Pattern.SlotColumn[s]).Where(q => !active.Contains(q)).Order().ToArray();
        Assert.Equal(expected, now);
        Assert.Throws<ArgumentException>(() => layer.Rewire(0.3f, PruneRule.Magnitude, GrowRule.Gradient, 1, 2, new float[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => layer.Rewire(1.5f, PruneRule.Magnitude, GrowRule.Random, 1, 2, default));
    }

    [Fact]
    public void CsrSynapse_DenseWeightGradient_MatchesTheTapeGradientOnThePattern_AndTheDenseProductOffIt()
    {
        var store = new ParameterStore();
        var layer = new CsrSynapse(store, "fc", 13, 7, 0.3, 6);
        int rows = 9;
        var x = Random(rows * 13, 2, 0).Select(v => v > 0.5f ? 1f : 0f).ToArray();
        var dy = Random(rows * 7, 2, 1);
        layer.Values.Grad!.Span.Clear();
        using (var tape = new Tape())
        {
            using var xt = Tensor.From(x, new Shape(rows, 13));
            var y = layer.Forward(tape, xt);
            tape.Backward(y, dy);
        }
        var dense = new float[7 * 13];
        layer.DenseWeightGradient(x, dy, rows, dense);
        for (int s = 0; s < layer.Nnz; s++)
            Assert.Equal(layer.Values.Grad.Span[s], dense[layer.Pattern.SlotRow[s] * 13 + layer.Pattern.SlotColumn[s]], 4);
        for (int o = 0; o < 7; o++)
            for (int i = 0; i < 13; i++)
            {
                double sum = 0;
                for (int r = 0; r < rows; r++) sum += (double)dy[r * 7 + o] * x[r * 13 + i];
                Assert.Equal(sum, dense[o * 13 + i], 4);
            }
    }

    [Fact]
    public void SparseSpikingLinear_DenseGradient_AfterBackward_AndRewireKeepsNnz()
    {
        var store = new ParameterStore();
        var layer = new SparseSpikingLinear(store, "fc1", 12, 6, 0.25, new SnnModelOptions { Steps = 3, Beta = 0.5f }, 2);
        Assert.Throws<InvalidOperationException>(() => layer.DenseGradient(new float[72]));
        using var tape = new Tape();
        using var x = Tensor.From(Random(4 * 12, 1), new Shape(4, 12));
        var s = layer.Forward(tape, x, 3, staticInput: true);
        Assert.Equal(new Shape(12, 6), s.Shape);
        var g = Random(72, 3);
        tape.Backward(s, g);
        var dense = new float[72];
        layer.DenseGradient(dense);
        Assert.Contains(dense, v => v != 0f);
        for (int q = 0; q < layer.Nnz; q++)
            Assert.Equal(layer.Values.Grad!.Span[q], dense[layer.Synapse.Pattern.SlotRow[q] * 12 + layer.Synapse.Pattern.SlotColumn[q]], 4);
        int nnz = layer.Nnz;
        layer.Rewire(0.5f, PruneRule.Set, GrowRule.Gradient, 1, 1, dense);
        Assert.Equal(nnz, layer.Nnz);
    }
}
