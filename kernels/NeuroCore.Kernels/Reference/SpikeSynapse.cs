// Spike-driven (event-driven) synapse: when a layer's input is 0/1 spikes, X·Wᵀ is the sum of the weight rows of the
// active inputs, so the layer gathers and adds those rows instead of multiplying by zeros (DESIGN.md decision 5; the
// event-driven accumulation of neuromorphic simulators, e.g. Brette et al., "Simulation of networks of spiking
// neurons: a review of tools and strategies", J. Comput. Neurosci. 23, 2007).
// Events are listed row by row in CSR form: the events of row r are indices[rowStart[r] .. rowStart[r+1]).
// For a 0/1 input X[rows, in] the sums below equal the dense products exactly up to float rounding order:
//   Forward:    Y[r, :]   = b + Σ_{i ∈ events(r)} Wᵀ[i, :]            ( = X·Wᵀ + b )
//   WeightGrad: gWᵀ[i, :] += Σ_{r : i ∈ events(r)} G[r, :]            ( = Xᵀ·G, added )
namespace NeuroCore.Kernels;

public static partial class Reference
{
    /// <summary>Scalar twin of <see cref="SpikeSynapse.CountEvents"/>: the number of values with <c>x != 0</c>.</summary>
    /// <param name="spikes">The input values; anything but ±0 (NaN included) is an event.</param>
    /// <returns>The number of events.</returns>
    public static int SpikeSynapseCountEvents(ReadOnlySpan<float> spikes)
    {
        int count = 0;
        foreach (float x in spikes)
            if (x != 0f) count++;
        return count;
    }

    /// <summary>
    /// Scalar twin of <see cref="SpikeSynapse.Compact"/>: for r = 0..rows−1, <c>rowStart[r]</c> = events so far, then
    /// every column c with <c>spikes[r·cols + c] != 0</c> appended to <paramref name="indices"/> in increasing order;
    /// <c>rowStart[rows]</c> = the total, which is returned.
    /// </summary>
    /// <param name="spikes">The input [rows, cols].</param>
    /// <param name="rows">Rows.</param>
    /// <param name="cols">Columns.</param>
    /// <param name="rowStart">Destination, rows + 1 offsets.</param>
    /// <param name="indices">Destination, at least the number of events.</param>
    /// <returns>The number of events (nnz).</returns>
    public static int SpikeSynapseCompact(ReadOnlySpan<float> spikes, int rows, int cols, Span<int> rowStart, Span<int> indices)
    {
        int k = 0;
        for (int r = 0; r < rows; r++)
        {
            rowStart[r] = k;
            for (int c = 0; c < cols; c++)
                if (spikes[r * cols + c] != 0f) indices[k++] = c;
        }
        rowStart[rows] = k;
        return k;
    }

    /// <summary>Scalar twin of the packed <see cref="SpikeSynapse.CountEvents(ReadOnlySpan{ulong}, int, int)"/>: set bits at columns &lt; cols.</summary>
    /// <param name="bits">Packed spikes [rows, ceil(cols/64)].</param>
    /// <param name="rows">Rows.</param>
    /// <param name="cols">Columns.</param>
    /// <returns>The number of events.</returns>
    public static long SpikeSynapseCountEventsPacked(ReadOnlySpan<ulong> bits, int rows, int cols)
    {
        int words = (cols + 63) / 64;
        long count = 0;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                if ((bits[r * words + c / 64] >> (c % 64) & 1UL) != 0) count++;
        return count;
    }

    /// <summary>
    /// Scalar twin of the packed <see cref="SpikeSynapse.Compact(ReadOnlySpan{ulong}, int, int, Span{int}, Span{int})"/>:
    /// <see cref="SpikeSynapseCompact"/> of the unpacked matrix, column c of row r being bit c % 64 of word r·W + c / 64.
    /// </summary>
    /// <param name="bits">Packed spikes [rows, ceil(cols/64)].</param>
    /// <param name="rows">Rows.</param>
    /// <param name="cols">Columns.</param>
    /// <param name="rowStart">Destination, rows + 1 offsets.</param>
    /// <param name="indices">Destination, at least the number of events.</param>
    /// <returns>The number of events (nnz).</returns>
    public static int SpikeSynapseCompactPacked(ReadOnlySpan<ulong> bits, int rows, int cols, Span<int> rowStart, Span<int> indices)
    {
        int words = (cols + 63) / 64, k = 0;
        for (int r = 0; r < rows; r++)
        {
            rowStart[r] = k;
            for (int c = 0; c < cols; c++)
                if ((bits[r * words + c / 64] >> (c % 64) & 1UL) != 0) indices[k++] = c;
        }
        rowStart[rows] = k;
        return k;
    }

    /// <summary>Scalar twin of <see cref="SpikeSynapse.Pack"/>: bit c % 64 of word r·W + c / 64 set where spikes[r·cols + c] != 0; padding 0.</summary>
    /// <param name="spikes">The input [rows, cols].</param>
    /// <param name="rows">Rows.</param>
    /// <param name="cols">Columns.</param>
    /// <param name="bits">Destination [rows, ceil(cols/64)].</param>
    public static void SpikeSynapsePack(ReadOnlySpan<float> spikes, int rows, int cols, Span<ulong> bits)
    {
        int words = (cols + 63) / 64;
        bits[..(rows * words)].Clear();
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                if (spikes[r * cols + c] != 0f) bits[r * words + c / 64] |= 1UL << (c % 64);
    }

    /// <summary>
    /// Scalar twin of <see cref="SpikeSynapse.TryPackBinary"/>: false when some value is neither ±0 nor 1 (NaN
    /// included), else the bits of <see cref="SpikeSynapsePack"/>, <paramref name="events"/> = the ones, and true.
    /// </summary>
    /// <param name="spikes">The input [rows, cols].</param>
    /// <param name="rows">Rows.</param>
    /// <param name="cols">Columns.</param>
    /// <param name="bits">Destination [rows, ceil(cols/64)] (meaningful only when true is returned).</param>
    /// <param name="events">The number of ones (meaningful only when true is returned).</param>
    /// <returns>Whether the input is 0/1.</returns>
    public static bool SpikeSynapseTryPackBinary(ReadOnlySpan<float> spikes, int rows, int cols, Span<ulong> bits, out long events)
    {
        events = 0;
        foreach (float v in spikes[..(rows * cols)])
        {
            if (v != 0f && v != 1f) return false;
            if (v == 1f) events++;
        }
        SpikeSynapsePack(spikes, rows, cols, bits);
        return true;
    }

    /// <summary>Scalar twin of <see cref="SpikeSynapse.Unpack"/>: spikes[r·cols + c] = 1 where the bit is set, else 0.</summary>
    /// <param name="bits">Packed spikes [rows, ceil(cols/64)].</param>
    /// <param name="rows">Rows.</param>
    /// <param name="cols">Columns.</param>
    /// <param name="spikes">Destination [rows, cols].</param>
    public static void SpikeSynapseUnpack(ReadOnlySpan<ulong> bits, int rows, int cols, Span<float> spikes)
    {
        int words = (cols + 63) / 64;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                spikes[r * cols + c] = (bits[r * words + c / 64] >> (c % 64) & 1UL) != 0 ? 1f : 0f;
    }

    /// <summary>
    /// Scalar twin of <see cref="SpikeSynapse.Forward"/>: for r = 0..rows−1 and o = 0..out−1,
    /// <c>acc = bias.IsEmpty ? 0 : bias[o]; for k in rowStart[r]..rowStart[r+1]−1: acc += weightT[indices[k]·out + o];
    /// output[r·out + o] = acc</c> (events added in their listed order).
    /// </summary>
    /// <param name="rowStart">CSR row offsets [rows + 1].</param>
    /// <param name="indices">CSR column (input feature) indices.</param>
    /// <param name="rows">Rows.</param>
    /// <param name="weightT">Weights [in, out].</param>
    /// <param name="outFeatures">out.</param>
    /// <param name="bias">Bias [out], or empty.</param>
    /// <param name="output">Destination [rows, out], overwritten.</param>
    public static void SpikeSynapseForward(ReadOnlySpan<int> rowStart, ReadOnlySpan<int> indices, int rows,
        ReadOnlySpan<float> weightT, int outFeatures, ReadOnlySpan<float> bias, Span<float> output)
    {
        for (int r = 0; r < rows; r++)
            for (int o = 0; o < outFeatures; o++)
            {
                float acc = bias.IsEmpty ? 0f : bias[o];
                for (int k = rowStart[r]; k < rowStart[r + 1]; k++) acc += weightT[indices[k] * outFeatures + o];
                output[r * outFeatures + o] = acc;
            }
    }

    /// <summary>
    /// Scalar twin of <see cref="SpikeSynapse.WeightGrad"/>: for r = 0..rows−1, for k in rowStart[r]..rowStart[r+1]−1,
    /// for o = 0..out−1: <c>gradWeightT[indices[k]·out + o] += gradOutput[r·out + o]</c> (added in that order).
    /// </summary>
    /// <param name="rowStart">CSR row offsets [rows + 1].</param>
    /// <param name="indices">CSR column (input feature) indices.</param>
    /// <param name="rows">Rows.</param>
    /// <param name="gradOutput">∂L/∂Y [rows, out].</param>
    /// <param name="outFeatures">out.</param>
    /// <param name="gradWeightT">∂L/∂Wᵀ [in, out], added to.</param>
    public static void SpikeSynapseWeightGrad(ReadOnlySpan<int> rowStart, ReadOnlySpan<int> indices, int rows,
        ReadOnlySpan<float> gradOutput, int outFeatures, Span<float> gradWeightT)
    {
        for (int r = 0; r < rows; r++)
            for (int k = rowStart[r]; k < rowStart[r + 1]; k++)
                for (int o = 0; o < outFeatures; o++)
                    gradWeightT[indices[k] * outFeatures + o] += gradOutput[r * outFeatures + o];
    }
}
