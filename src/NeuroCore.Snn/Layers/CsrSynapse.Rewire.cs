using System.Numerics.Tensors;
using NeuroCore.Kernels;

namespace NeuroCore.Snn;

// Structure learning on the CSR pattern (ESL-SNN / SET / RigL): prune by magnitude or SET's split thresholds, grow
// randomly or by the dense gradient, nnz constant, grown values 0, moved slots reported for the optimizer reset.
public sealed partial class CsrSynapse
{
    /// <summary>Possible connections: out × in.</summary>
    public long Positions => (long)OutFeatures * InFeatures;

    /// <summary>
    /// Prunes weak connections and grows as many new ones, keeping nnz: the pruned slots (chosen among the values by
    /// <paramref name="prune"/> with fraction ζ) are moved (<see cref="CsrPattern.Reassign"/>) to positions chosen by
    /// <paramref name="grow"/> among those inactive before the step (never the position a slot was just pruned from),
    /// and their values set to 0. Every other slot keeps its index and value.
    /// </summary>
    /// <param name="zeta">The rewired fraction ζ ∈ [0, 1].</param>
    /// <param name="prune">The pruning rule.</param>
    /// <param name="grow">The growth rule.</param>
    /// <param name="seed">Seed of the random growth.</param>
    /// <param name="stream">Philox stream of this step.</param>
    /// <param name="denseGradient">∂L/∂W [out, in] for <see cref="GrowRule.Gradient"/> (see <see cref="DenseWeightGradient"/>), else empty.</param>
    /// <returns>The counts and, per slot, −1 where the optimizer state must restart, else the slot itself.</returns>
    /// <exception cref="ArgumentException">ζ is out of range, or the dense gradient has the wrong length.</exception>
    public RewireResult Rewire(float zeta, PruneRule prune, GrowRule grow, ulong seed, ulong stream, ReadOnlySpan<float> denseGradient)
    {
        Rewiring.CheckZeta(zeta, _label);
        if (grow == GrowRule.Gradient && denseGradient.Length != Positions)
            throw new ArgumentException($"{_label}: gradient growth needs the dense ∂L/∂W [{OutFeatures}, {InFeatures}] ({Positions} values); got {denseGradient.Length}. Compute it with DenseWeightGradient.", nameof(denseGradient));
        int nnz = Nnz, inF = InFeatures;
        var state = new byte[Positions];
        var slotRow = Pattern.SlotRow;
        var slotColumn = Pattern.SlotColumn;
        for (int s = 0; s < nnz; s++) state[(slotRow[s] * inF) + slotColumn[s]] = Rewiring.Active;
        var values = Values.Span;
        var pruned = Rewiring.SelectPrune(values, zeta, prune, (int)(Positions - nnz));
        foreach (int s in pruned) state[(slotRow[s] * inF) + slotColumn[s]] = Rewiring.JustPruned;
        var grown = grow == GrowRule.Random
            ? Rewiring.GrowRandom(state, pruned.Length, seed, stream)
            : Rewiring.GrowByGradient(state, denseGradient, pruned.Length);
        var rows = new int[grown.Length];
        var columns = new int[grown.Length];
        for (int i = 0; i < grown.Length; i++)
        {
            rows[i] = grown[i] / inF;
            columns[i] = grown[i] % inF;
        }
        Pattern.Reassign(pruned, rows, columns);
        var source = new int[nnz];
        for (int s = 0; s < nnz; s++) source[s] = s;
        foreach (int s in pruned)
        {
            values[s] = 0f;
            source[s] = -1;
        }
        return new RewireResult(pruned.Length, grown.Length, Nnz, source);
    }

    /// <summary>
    /// The dense weight gradient of a forward on <paramref name="x"/> [rows, in] whose current had gradient
    /// <paramref name="currentGrad"/> [rows, out]: <c>∂L/∂W[o, i] = Σ_r ∂I[r, o]·x[r, i]</c> (for spikes, the time-summed
    /// outer product of presynaptic spikes and postsynaptic errors), at every position, active or not. O(rows·out·in)
    /// at most (zero errors are skipped); used only at rewiring steps.
    /// </summary>
    /// <param name="x">The layer input of the forward [rows, in].</param>
    /// <param name="currentGrad">∂L/∂I [rows, out].</param>
    /// <param name="rows">Rows (T·B, or B for a static input).</param>
    /// <param name="destination">∂L/∂W [out, in], overwritten.</param>
    /// <exception cref="ArgumentException">A span's length does not match.</exception>
    public void DenseWeightGradient(ReadOnlySpan<float> x, ReadOnlySpan<float> currentGrad, int rows, Span<float> destination)
    {
        int inF = InFeatures, outF = OutFeatures;
        if (x.Length != (long)rows * inF || currentGrad.Length != (long)rows * outF || destination.Length != Positions)
            throw new ArgumentException(
                $"{_label}.DenseWeightGradient: x holds {x.Length} (needs [{rows}, {inF}]), ∂I {currentGrad.Length} (needs [{rows}, {outF}]), " +
                $"the destination {destination.Length} (needs [{outF}, {inF}]).", nameof(destination));
        destination.Clear();
        for (int r = 0; r < rows; r++)
        {
            var xr = x.Slice(r * inF, inF);
            var gr = currentGrad.Slice(r * outF, outF);
            for (int o = 0; o < outF; o++)
            {
                float g = gr[o];
                if (g == 0f) continue;
                var d = destination.Slice(o * inF, inF);
                TensorPrimitives.MultiplyAdd(xr, g, d, d);
            }
        }
    }
}
