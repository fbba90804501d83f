// Sparse (CSR/CSC) synapse over a CsrPattern W [out, in] with values by slot (DESIGN.md decision 5 for the event form;
// the masked-weight sparse layer of ESL-SNN / SET, spec methods-2 §1 and §8.1).
//   Multiply:       Yᵀ[o, j] = b[o] + Σ_{k ∈ row o} v[slot_k]·Xᵀ[col_k, j]        ( = W·Xᵀ; CSC form: Wᵀ·Gᵀ )
//   ForwardEvents:  Y[r, :]  = b + Σ_{i ∈ events(r)} Σ_{e ∈ column i} v[slot_e]·e_{row_e}   ( = X·Wᵀ + b for 0/1 X )
//   WeightGrad:     gv[s]   += Σ_j Gᵀ[o, j]·Xᵀ[i, j]  for slot s = (o, i), per 128-sample block in a fixed 16-lane FMA order
//   WeightGradEvents: gv[s] += Σ_{r : i ∈ events(r)} G[r, o]
namespace NeuroCore.Kernels;

public static partial class Reference
{
    /// <summary>
    /// Scalar twin of <see cref="Csr.Multiply(CsrPattern, ReadOnlySpan{float}, bool, ReadOnlySpan{float}, int, ReadOnlySpan{float}, Span{float}, int)"/>:
    /// for each compressed row o and j &lt; n: <c>acc = bias.IsEmpty ? 0 : bias[o]; for k in start[o]..start[o+1]−1:
    /// acc += values[slots[k]] · input[index[k]·n + j]; output[o·n + j] = acc</c>, over the CSR form (W·Xᵀ) or, when
    /// <paramref name="transposed"/>, the CSC form (Wᵀ·Gᵀ).
    /// </summary>
    /// <param name="pattern">The pattern.</param>
    /// <param name="values">Values by slot.</param>
    /// <param name="transposed">Use the CSC form.</param>
    /// <param name="input">[inner, n].</param>
    /// <param name="n">Columns.</param>
    /// <param name="bias">Bias or empty.</param>
    /// <param name="output">[outer, n], overwritten.</param>
    public static void CsrMultiply(CsrPattern pattern, ReadOnlySpan<float> values, bool transposed, ReadOnlySpan<float> input, int n,
        ReadOnlySpan<float> bias, Span<float> output)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var start = transposed ? pattern.ColumnStart : pattern.RowStart;
        var index = transposed ? pattern.ColumnRows : pattern.RowColumns;
        var slots = transposed ? pattern.ColumnSlots : pattern.RowSlots;
        int outer = transposed ? pattern.Columns : pattern.Rows;
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < n; j++)
            {
                float acc = bias.IsEmpty ? 0f : bias[o];
                for (int k = start[o]; k < start[o + 1]; k++) acc += values[slots[k]] * input[index[k] * n + j];
                output[o * n + j] = acc;
            }
    }

    /// <summary>
    /// Scalar twin of <see cref="Csr.ForwardEvents(CsrPattern, ReadOnlySpan{float}, ReadOnlySpan{int}, ReadOnlySpan{int}, int, ReadOnlySpan{float}, Span{float}, int)"/>:
    /// <c>output[r, :] = bias (or 0)</c>; for each event k of row r in order, for each CSC entry e of column
    /// eventIndex[k] in order: <c>output[r·out + rows[e]] += values[slots[e]]</c>.
    /// </summary>
    /// <param name="pattern">The pattern.</param>
    /// <param name="values">Values by slot.</param>
    /// <param name="eventStart">Event row offsets [rows + 1].</param>
    /// <param name="eventIndex">Input of each event.</param>
    /// <param name="rows">Rows.</param>
    /// <param name="bias">Bias or empty.</param>
    /// <param name="output">[rows, out], overwritten.</param>
    public static void CsrForwardEvents(CsrPattern pattern, ReadOnlySpan<float> values, ReadOnlySpan<int> eventStart, ReadOnlySpan<int> eventIndex,
        int rows, ReadOnlySpan<float> bias, Span<float> output)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        int outF = pattern.Rows;
        for (int r = 0; r < rows; r++)
        {
            for (int o = 0; o < outF; o++) output[r * outF + o] = bias.IsEmpty ? 0f : bias[o];
            for (int k = eventStart[r]; k < eventStart[r + 1]; k++)
            {
                int i = eventIndex[k];
                for (int e = pattern.ColumnStart[i]; e < pattern.ColumnStart[i + 1]; e++)
                    output[r * outF + pattern.ColumnRows[e]] += values[pattern.ColumnSlots[e]];
            }
        }
    }

    /// <summary>
    /// Scalar twin of <see cref="Csr.WeightGrad(CsrPattern, ReadOnlySpan{float}, ReadOnlySpan{float}, int, Span{float}, int)"/>:
    /// for each slot s = (o, i) and each block of 128 samples [b, min(n, b + 128)) in order: 16 lane sums from 0, lane l =
    /// fma(gradOutputT[o·n + j], inputT[i·n + j], lane l) for the j ≡ l (mod 16) of the block in increasing j; then for
    /// half = 8, 4, 2, 1: lane[l] += lane[l + half] for l &lt; half; gradValues[s] += lane[0].
    /// </summary>
    /// <param name="pattern">The pattern.</param>
    /// <param name="gradOutputT">Gᵀ [out, n].</param>
    /// <param name="inputT">Xᵀ [in, n].</param>
    /// <param name="n">Samples.</param>
    /// <param name="gradValues">Gradient by slot, added to.</param>
    public static void CsrWeightGrad(CsrPattern pattern, ReadOnlySpan<float> gradOutputT, ReadOnlySpan<float> inputT, int n, Span<float> gradValues)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        const int Lanes = Csr.GradLanes, Block = Csr.GradBlock;
        Span<float> lanes = stackalloc float[Lanes];
        for (int s = 0; s < pattern.Nnz; s++)
        {
            int o = pattern.SlotRow[s], i = pattern.SlotColumn[s];
            for (int b = 0; b < n; b += Block)
            {
                lanes.Clear();
                for (int j = b; j < Math.Min(n, b + Block); j++)
                    lanes[j % Lanes] = MathF.FusedMultiplyAdd(gradOutputT[o * n + j], inputT[i * n + j], lanes[j % Lanes]);
                for (int half = Lanes / 2; half >= 1; half /= 2)
                    for (int l = 0; l < half; l++) lanes[l] += lanes[l + half];
                gradValues[s] += lanes[0];
            }
        }
    }

    /// <summary>
    /// Scalar twin of <see cref="Csr.WeightGradEvents"/>: for r = 0..rows−1, each event k of row r in order, each CSC
    /// entry e of column eventIndex[k]: <c>gradValues[slots[e]] += gradOutput[r·out + rows[e]]</c>.
    /// </summary>
    /// <param name="pattern">The pattern.</param>
    /// <param name="eventStart">Event row offsets [rows + 1].</param>
    /// <param name="eventIndex">Input of each event.</param>
    /// <param name="rows">Rows.</param>
    /// <param name="gradOutput">G [rows, out].</param>
    /// <param name="gradValues">Gradient by slot, added to.</param>
    public static void CsrWeightGradEvents(CsrPattern pattern, ReadOnlySpan<int> eventStart, ReadOnlySpan<int> eventIndex, int rows,
        ReadOnlySpan<float> gradOutput, Span<float> gradValues)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        int outF = pattern.Rows;
        for (int r = 0; r < rows; r++)
            for (int k = eventStart[r]; k < eventStart[r + 1]; k++)
            {
                int i = eventIndex[k];
                for (int e = pattern.ColumnStart[i]; e < pattern.ColumnStart[i + 1]; e++)
                    gradValues[pattern.ColumnSlots[e]] += gradOutput[r * outF + pattern.ColumnRows[e]];
            }
    }

    /// <summary>
    /// Scalar twin of <see cref="Csr.MultiplyPackedInput(CsrPattern, ReadOnlySpan{float}, bool, ReadOnlySpan{ulong}, int, ReadOnlySpan{float}, Span{float}, int)"/>:
    /// for each output row o and sample j &lt; n: <c>acc = bias.IsEmpty ? 0 : bias[o]; for each group of 4 connections
    /// k = RowStart[o] + 4g .. + 3 (the last may be short): s = ((a₀ + a₁) + a₂) + a₃ with a_q = w_k if bit j % 64 of
    /// inputBitsT[RowColumns[k]·⌈n/64⌉ + j/64] is set, else +0 (+0 for a missing member); acc += s; output[o·n + j] = acc</c>,
    /// with w_k = values[k] when <paramref name="rowOrdered"/>, else values[RowSlots[k]].
    /// </summary>
    /// <param name="pattern">The pattern.</param>
    /// <param name="values">Values by slot, or in CSR order.</param>
    /// <param name="rowOrdered">Whether <paramref name="values"/> is in CSR order.</param>
    /// <param name="inputBitsT">Feature-major bits [in, ceil(n/64)].</param>
    /// <param name="n">Samples.</param>
    /// <param name="bias">Bias or empty.</param>
    /// <param name="output">[out, n], overwritten.</param>
    public static void CsrMultiplyPackedInput(CsrPattern pattern, ReadOnlySpan<float> values, bool rowOrdered, ReadOnlySpan<ulong> inputBitsT, int n,
        ReadOnlySpan<float> bias, Span<float> output)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        int words = (n + 63) / 64;
        for (int o = 0; o < pattern.Rows; o++)
        {
            int k1 = pattern.RowStart[o + 1];
            for (int j = 0; j < n; j++)
            {
                float acc = bias.IsEmpty ? 0f : bias[o];
                for (int k = pattern.RowStart[o]; k < k1; k += 4)
                {
                    float s = 0f;
                    for (int q = 0; q < 4; q++)
                    {
                        float a = 0f;
                        if (k + q < k1 && ((inputBitsT[pattern.RowColumns[k + q] * words + j / 64] >> (j % 64)) & 1) != 0)
                            a = rowOrdered ? values[k + q] : values[pattern.RowSlots[k + q]];
                        s = q == 0 ? a : s + a;
                    }
                    acc += s;
                }
                output[o * n + j] = acc;
            }
        }
    }
}
