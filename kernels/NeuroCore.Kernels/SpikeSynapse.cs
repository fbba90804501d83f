using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NeuroCore.Kernels.Parallel;

namespace NeuroCore.Kernels;

/// <summary>
/// The spike-driven synapse (DESIGN.md decision 5). When a layer's input X[rows, in] holds 0/1 spikes, the product
/// X·Wᵀ is the sum of the weight rows of the active inputs, and the weight gradient Xᵀ·G adds each output-gradient row
/// to the weight rows of its row's events. <see cref="Compact"/> lists the events of each row (CSR: row offsets and
/// column indices, in order); <see cref="Forward"/> and <see cref="WeightGrad"/> then do work proportional to the
/// number of events instead of rows·in.
/// <para>
/// Every value other than ±0 counts as an event and is treated as a 1 (NaN included): a layer calls these kernels only
/// for exact 0/1 inputs, where the event sums equal the dense products up to rounding order. For other inputs use
/// <see cref="Gemm.Sgemm(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int, int)"/>.
/// </para>
/// <para>
/// The fast paths add in the same order as their <c>Reference.SpikeSynapse*</c> twins (bias, then the events in
/// listed order; for the gradient, rows in order), so they are bitwise equal to them at every vector width and for any
/// thread count. No kernel allocates.
/// </para>
/// </summary>
public static unsafe partial class SpikeSynapse
{
    /// <summary>
    /// The input density (events / (rows·in)) below which the event path (<see cref="Compact"/> +
    /// <see cref="Forward"/>, then <see cref="WeightGrad"/>) beats
    /// <see cref="Gemm.Sgemm(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int, int)"/>
    /// for W3-like shapes; a layer takes the event path when the density of its 0/1 input is below it.
    /// <para>
    /// Measured (SpikeSynapseBench, plus a median-of-11 rerun at 0.1/0.15/0.2/0.3) on rows = T·B = 3200 with
    /// [784 → 512], [512 → 512] and [512 → 10], densities 0.02–0.5, 1 and 2 threads; .NET 10, AMD EPYC with AVX-512, a
    /// 2-core VM shared with other jobs (load 10–18, so single figures are noisy by ±30 %, ratios less so). Event time /
    /// GEMM time for forward + weight gradient together: at 0.1 it is 0.36–0.67 on the two wide layers, at 0.15
    /// 0.92–1.31, at 0.2 0.68–1.19 and at 0.3 1.07–2.03, so the crossover sits at 0.15–0.2 and the threshold takes the low
    /// end. At 0.02 the event path is 6–8× faster. For a narrow output (out = 10) the event forward alone loses from
    /// 0.05 on (its per-event work is one short row) while the event weight gradient wins up to 0.2; the two together
    /// cross over near 0.15 as well. Absolute figures (1 thread, [784 → 512], ms, event vs GEMM): forward 4.8 vs 30 at
    /// 0.02, 12.7 vs 36 at 0.1, 42 vs 44 at 0.3; weight gradient 4.0 vs 32, 15.8 vs 44, 37 vs 28.
    /// </para>
    /// </summary>
    public const float DensityThreshold = 0.15f;

    /// <summary>
    /// Below this many added floats (events × out) one thread does the whole call: waking a parked worker costs
    /// microseconds. No result depends on it.
    /// </summary>
    const long ParallelThreshold = 1L << 16;

    /// <summary>
    /// Counts the events: effectively computes <c>Σ_i [spikes[i] != 0]</c> (NaN counts, ±0 does not). Use it to size
    /// the <c>indices</c> span of <see cref="Compact"/>, or to measure the input density.
    /// </summary>
    /// <param name="spikes">The input values.</param>
    /// <returns>The number of events.</returns>
    public static int CountEvents(ReadOnlySpan<float> spikes)
    {
        ref float xr = ref MemoryMarshal.GetReference(spikes);
        nuint n = (nuint)spikes.Length, i = 0;
        int count = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + (nuint)Vector512<float>.Count <= n; i += (nuint)Vector512<float>.Count)
                count += BitOperations.PopCount(~Vector512.Equals(Vector512.LoadUnsafe(ref xr, i), Vector512<float>.Zero).ExtractMostSignificantBits() & 0xFFFFUL);
        else if (Vector256.IsHardwareAccelerated)
            for (; i + (nuint)Vector256<float>.Count <= n; i += (nuint)Vector256<float>.Count)
                count += BitOperations.PopCount(~Vector256.Equals(Vector256.LoadUnsafe(ref xr, i), Vector256<float>.Zero).ExtractMostSignificantBits() & 0xFFu);
        else if (Vector128.IsHardwareAccelerated)
            for (; i + (nuint)Vector128<float>.Count <= n; i += (nuint)Vector128<float>.Count)
                count += BitOperations.PopCount(~Vector128.Equals(Vector128.LoadUnsafe(ref xr, i), Vector128<float>.Zero).ExtractMostSignificantBits() & 0xFu);
        for (; i < n; i++)
            if (Unsafe.Add(ref xr, i) != 0f) count++;
        return count;
    }

    /// <summary>
    /// Lists the events of each row of <paramref name="spikes"/>[rows, cols] in CSR form: effectively computes, for
    /// r = 0..rows−1, <c>rowStart[r]</c> = events before row r, followed by the columns c with
    /// <c>spikes[r·cols + c] != 0</c> in increasing order in <paramref name="indices"/>; <c>rowStart[rows]</c> = nnz.
    /// </summary>
    /// <param name="spikes">The 0/1 input [rows, cols], row-major; any value other than ±0 is an event.</param>
    /// <param name="rows">Rows (T·B for a time-batched layer), ≥ 0.</param>
    /// <param name="cols">Columns (input features), ≥ 0.</param>
    /// <param name="rowStart">Destination for rows + 1 offsets.</param>
    /// <param name="indices">
    /// Destination for the column indices, at least nnz long (<see cref="CountEvents"/>, or rows·cols to be safe).
    /// </param>
    /// <returns>nnz, the number of events.</returns>
    /// <exception cref="ArgumentException">
    /// A count is negative, a span is too short, or <paramref name="indices"/> cannot hold every event (the message
    /// gives nnz; <paramref name="rowStart"/> and <paramref name="indices"/> then hold partial results).
    /// </exception>
    public static int Compact(ReadOnlySpan<float> spikes, int rows, int cols, Span<int> rowStart, Span<int> indices)
    {
        if (rows < 0 || cols < 0)
            Throw.Argument($"SpikeSynapse.Compact: rows and cols must be non-negative, got [{rows}, {cols}].");
        long total = (long)rows * cols;
        if (spikes.Length < total)
            Throw.Argument($"SpikeSynapse.Compact: spikes holds {spikes.Length} values, shorter than [rows, cols] = [{rows}, {cols}] ({total}); pass the whole input.", nameof(spikes));
        if (rowStart.Length < (long)rows + 1)
            Throw.Argument($"SpikeSynapse.Compact: rowStart holds {rowStart.Length} offsets, needs rows + 1 = {(long)rows + 1}.", nameof(rowStart));

        ref float xr = ref MemoryMarshal.GetReference(spikes);
        ref int rs = ref MemoryMarshal.GetReference(rowStart);
        ref int ir = ref MemoryMarshal.GetReference(indices);
        int capacity = indices.Length, k = 0;
        for (int r = 0; r < rows; r++)
        {
            Unsafe.Add(ref rs, r) = k;
            ref float row = ref Unsafe.Add(ref xr, (nint)r * cols);
            if (capacity - k >= cols)
            {
                k = CompactRow(ref row, cols, ref ir, k);
            }
            else
            {
                // Not enough room for a full row: count this row first and fail before writing past the end.
                int here = CountEvents(MemoryMarshal.CreateReadOnlySpan(ref row, cols));
                if (capacity - k < here)
                {
                    long nnz = k + (long)CountEvents(spikes.Slice(r * cols, (int)(total - (long)r * cols)));
                    Throw.Argument($"SpikeSynapse.Compact: indices holds {capacity} entries but the spikes [{rows}, {cols}] have {nnz} events; size it with CountEvents(spikes) (or rows·cols).", nameof(indices));
                }
                k = CompactRow(ref row, cols, ref ir, k);
            }
        }
        Unsafe.Add(ref rs, rows) = k;
        return k;
    }

    /// <summary>Appends the event columns of one row at indices[k..]; the caller guarantees the room. Returns the new k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int CompactRow(ref float row, int cols, ref int ir, int k)
    {
        nuint n = (nuint)cols, c = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; c + (nuint)Vector512<float>.Count <= n; c += (nuint)Vector512<float>.Count)
            {
                ulong bits = ~Vector512.Equals(Vector512.LoadUnsafe(ref row, c), Vector512<float>.Zero).ExtractMostSignificantBits() & 0xFFFFUL;
                k = Emit(bits, (int)c, ref ir, k);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; c + (nuint)Vector256<float>.Count <= n; c += (nuint)Vector256<float>.Count)
            {
                uint bits = ~Vector256.Equals(Vector256.LoadUnsafe(ref row, c), Vector256<float>.Zero).ExtractMostSignificantBits() & 0xFFu;
                k = Emit(bits, (int)c, ref ir, k);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; c + (nuint)Vector128<float>.Count <= n; c += (nuint)Vector128<float>.Count)
            {
                uint bits = ~Vector128.Equals(Vector128.LoadUnsafe(ref row, c), Vector128<float>.Zero).ExtractMostSignificantBits() & 0xFu;
                k = Emit(bits, (int)c, ref ir, k);
            }
        }
        for (; c < n; c++)
            if (Unsafe.Add(ref row, c) != 0f) Unsafe.Add(ref ir, k++) = (int)c;
        return k;
    }

    /// <summary>Writes base + the position of every set bit, lowest first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int Emit(ulong bits, int column, ref int ir, int k)
    {
        while (bits != 0)
        {
            Unsafe.Add(ref ir, k++) = column + BitOperations.TrailingZeroCount(bits);
            bits &= bits - 1;
        }
        return k;
    }

    /// <summary>
    /// Checks a CSR event list against the kernel's operands before any unchecked access: rowStart[0..rows] is
    /// non-decreasing from ≥ 0 and ends within <paramref name="indices"/>, and every listed index addresses a row of the
    /// [<paramref name="inRows"/>, out] matrix.
    /// </summary>
    internal static void CheckEvents(string op, ReadOnlySpan<int> rowStart, ReadOnlySpan<int> indices, int rows, int inRows)
    {
        if (rowStart.Length < (long)rows + 1)
            Throw.Argument($"{op}: rowStart holds {rowStart.Length} offsets, needs rows + 1 = {(long)rows + 1}; pass the rowStart filled by SpikeSynapse.Compact.", nameof(rowStart));
        if (rowStart[0] < 0)
            Throw.Argument($"{op}: rowStart[0] = {rowStart[0]} is negative; pass the rowStart filled by SpikeSynapse.Compact.", nameof(rowStart));
        for (int r = 0; r < rows; r++)
            if (rowStart[r + 1] < rowStart[r])
                Throw.Argument($"{op}: rowStart decreases at row {r} ({rowStart[r]} then {rowStart[r + 1]}); pass the rowStart filled by SpikeSynapse.Compact.", nameof(rowStart));
        int end = rowStart[rows];
        if (end > indices.Length)
            Throw.Argument($"{op}: rowStart[rows] = {end} events but indices holds {indices.Length}.", nameof(indices));
        for (int k = rowStart[0]; k < end; k++)
            if ((uint)indices[k] >= (uint)inRows)
                Throw.Argument($"{op}: event index {indices[k]} (entry {k}) is outside the {inRows} input features of the [in, out] weight matrix; the events must come from an input [rows, in] of the same layer.", nameof(indices));
    }

    static void CheckThreads(string op, int threads)
    {
        if (threads < 1 || threads > FixedPartition.MaxThreads)
            Throw.OutOfRange(nameof(threads), $"{op}: threads must be between 1 and {FixedPartition.MaxThreads}, got {threads}.");
    }
}
