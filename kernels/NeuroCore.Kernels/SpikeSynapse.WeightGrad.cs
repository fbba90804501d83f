using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NeuroCore.Kernels.Parallel;

namespace NeuroCore.Kernels;

public static unsafe partial class SpikeSynapse
{
    /// <summary>Columns per unit of the thread split: one Vector512, so only the last unit can end in a tail.</summary>
    const int GradUnit = 16;

    /// <summary>
    /// Columns of ∂L/∂Wᵀ updated in one sweep over all rows: an [in, 128] block (400 KB at in = 784) stays in L2 while
    /// every row's events scatter into it, instead of streaming the whole [in, out] matrix once per row.
    /// </summary>
    const int GradBlockColumns = 128;

    /// <summary>
    /// The event-driven weight gradient: effectively computes, for r = 0..rows−1, for each event
    /// k = rowStart[r]..rowStart[r+1]−1 in order, and o = 0..out−1,
    /// <c>gradWeightT[indices[k]·out + o] += gradOutput[r·out + o]</c>; for a 0/1 input X compacted by
    /// <see cref="Compact"/> this adds <c>Xᵀ·G</c>. The output columns are split over <paramref name="threads"/>, each
    /// thread walking every event in the same order, so the result is bitwise identical for any thread count and
    /// equal to <see cref="Reference.SpikeSynapseWeightGrad"/>.
    /// </summary>
    /// <param name="rowStart">Row offsets [rows + 1] into <paramref name="indices"/>, non-decreasing (from <see cref="Compact"/>).</param>
    /// <param name="indices">Input-feature indices of the events, each in [0, in).</param>
    /// <param name="rows">Rows of the input and of the output gradient, ≥ 0.</param>
    /// <param name="gradOutput">∂L/∂Y [rows, out].</param>
    /// <param name="outFeatures">out, ≥ 0.</param>
    /// <param name="gradWeightT">∂L/∂W as [in, out] (the layout of the forward's <c>weightT</c>), ADDED to; must not overlap <paramref name="gradOutput"/>.</param>
    /// <param name="threads">Threads to use, 1 to <see cref="FixedPartition.MaxThreads"/>.</param>
    /// <exception cref="ArgumentException">
    /// A count is negative, a span is too short, the event list is malformed or indexes past the gradient's rows, or the
    /// destination overlaps the output gradient.
    /// </exception>
    public static void WeightGrad(ReadOnlySpan<int> rowStart, ReadOnlySpan<int> indices, int rows, ReadOnlySpan<float> gradOutput,
        int outFeatures, Span<float> gradWeightT, int threads = 1) =>
        WeightGrad(rowStart, indices, rows, gradOutput, outFeatures, gradWeightT, threads, ParallelThreshold);

    /// <summary><see cref="WeightGrad(ReadOnlySpan{int}, ReadOnlySpan{int}, int, ReadOnlySpan{float}, int, Span{float}, int)"/>
    /// with an explicit work size (events × out) below which one thread is used; tests pass 0 to force the split.</summary>
    internal static void WeightGrad(ReadOnlySpan<int> rowStart, ReadOnlySpan<int> indices, int rows, ReadOnlySpan<float> gradOutput,
        int outFeatures, Span<float> gradWeightT, int threads, long parallelThreshold)
    {
        const string Op = "SpikeSynapse.WeightGrad";
        if (rows < 0 || outFeatures < 0)
            Throw.Argument($"{Op}: rows and outFeatures must be non-negative, got rows = {rows}, outFeatures = {outFeatures}.");
        CheckThreads(Op, threads);
        if (gradOutput.Length < (long)rows * outFeatures)
            Throw.Argument($"{Op}: gradOutput holds {gradOutput.Length} values, shorter than [rows, out] = [{rows}, {outFeatures}].", nameof(gradOutput));
        int inRows = outFeatures == 0 ? int.MaxValue : gradWeightT.Length / outFeatures;
        CheckEvents(Op, rowStart, indices, rows, inRows);
        if (rows == 0 || outFeatures == 0) return;
        if (gradWeightT.Overlaps(gradOutput))
            Throw.Argument($"{Op}: gradWeightT overlaps gradOutput; pass separate buffers.", nameof(gradWeightT));

        fixed (int* rs = rowStart, ix = indices)
        fixed (float* g = gradOutput, gw = gradWeightT)
        {
            var job = new GradJob { RowStart = rs, Indices = ix, GradOutput = g, GradWeight = gw, Rows = rows, Out = outFeatures };
            long work = (long)(rs[rows] - rs[0]) * outFeatures;
            FixedPartition.Run((outFeatures + GradUnit - 1) / GradUnit, work < parallelThreshold ? 1 : threads, in job);
        }
    }

    /// <summary>One weight-gradient call's operands; <see cref="Invoke"/> owns a range of column units of ∂L/∂Wᵀ.</summary>
    struct GradJob : IRangeBody
    {
        public int* RowStart, Indices;
        public float* GradOutput, GradWeight;
        public int Rows, Out;

        public readonly void Invoke(int start, int limit)
        {
            nuint n = (nuint)Out;
            nuint c0 = (nuint)start * GradUnit, c1 = Math.Min((nuint)limit * GradUnit, n);
            ref float gw = ref *GradWeight;
            ref int ix = ref *Indices;
            for (nuint jb = c0; jb < c1; jb += GradBlockColumns)
            {
                nuint je = Math.Min(jb + GradBlockColumns, c1);
                for (int r = 0; r < Rows; r++)
                {
                    int k0 = RowStart[r], k1 = RowStart[r + 1];
                    if (k0 == k1) continue;
                    ref float g = ref *(GradOutput + (nint)r * Out);
                    nuint j = jb;
                    if (Vector512.IsHardwareAccelerated) j = GradColumns<Lanes512, Vector512<float>>(ref g, ref gw, n, ref ix, k0, k1, j, je);
                    if (Vector256.IsHardwareAccelerated) j = GradColumns<Lanes256, Vector256<float>>(ref g, ref gw, n, ref ix, k0, k1, j, je);
                    if (Vector128.IsHardwareAccelerated) j = GradColumns<Lanes128, Vector128<float>>(ref g, ref gw, n, ref ix, k0, k1, j, je);
                    for (; j < je; j++)
                    {
                        float gv = Unsafe.Add(ref g, j);
                        for (int k = k0; k < k1; k++) Unsafe.Add(ref gw, (nuint)(uint)Unsafe.Add(ref ix, k) * n + j) += gv;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Columns [j, end) of one gradient row at one width, as far as whole vectors go: the row's gradient block sits in
    /// registers and is added to the weight-gradient row of every event in order. Returns the first column not done.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static nuint GradColumns<TW, TV>(ref float g, ref float gw, nuint n, ref int ix, int k0, int k1, nuint j, nuint end)
        where TW : struct, ILanes<TV> where TV : struct
    {
        nuint c = TW.Count;
        for (; j + BlockVectors * c <= end; j += BlockVectors * c)
        {
            TV g0 = TW.Load(ref g, j), g1 = TW.Load(ref g, j + c), g2 = TW.Load(ref g, j + 2 * c), g3 = TW.Load(ref g, j + 3 * c);
            TV g4 = TW.Load(ref g, j + 4 * c), g5 = TW.Load(ref g, j + 5 * c), g6 = TW.Load(ref g, j + 6 * c), g7 = TW.Load(ref g, j + 7 * c);
            for (int k = k0; k < k1; k++)
            {
                ref float wr = ref Unsafe.Add(ref gw, (nuint)(uint)Unsafe.Add(ref ix, k) * n + j);
                TW.Store(TW.Add(TW.Load(ref wr, 0), g0), ref wr, 0);
                TW.Store(TW.Add(TW.Load(ref wr, c), g1), ref wr, c);
                TW.Store(TW.Add(TW.Load(ref wr, 2 * c), g2), ref wr, 2 * c);
                TW.Store(TW.Add(TW.Load(ref wr, 3 * c), g3), ref wr, 3 * c);
                TW.Store(TW.Add(TW.Load(ref wr, 4 * c), g4), ref wr, 4 * c);
                TW.Store(TW.Add(TW.Load(ref wr, 5 * c), g5), ref wr, 5 * c);
                TW.Store(TW.Add(TW.Load(ref wr, 6 * c), g6), ref wr, 6 * c);
                TW.Store(TW.Add(TW.Load(ref wr, 7 * c), g7), ref wr, 7 * c);
            }
        }
        for (; j + c <= end; j += c)
        {
            TV gv = TW.Load(ref g, j);
            for (int k = k0; k < k1; k++)
            {
                ref float wr = ref Unsafe.Add(ref gw, (nuint)(uint)Unsafe.Add(ref ix, k) * n + j);
                TW.Store(TW.Add(TW.Load(ref wr, 0), gv), ref wr, 0);
            }
        }
        return j;
    }
}
