using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NeuroCore.Kernels.Parallel;

namespace NeuroCore.Kernels;

public static unsafe partial class SpikeSynapse
{
    /// <summary>
    /// Output columns accumulated at once per vector width: 8 vectors (128 floats at 512 bits, 64 at 256), which stay in
    /// registers while the row's events stream past; each event then reads 8 contiguous cache lines of its weight row.
    /// </summary>
    const int BlockVectors = 8;

    /// <summary>
    /// The event-driven synapse forward: effectively computes, for every row r and output o,
    /// <c>output[r·out + o] = (bias.IsEmpty ? 0 : bias[o]) + Σ_{k = rowStart[r]}^{rowStart[r+1]−1} weightT[indices[k]·out + o]</c>,
    /// adding the events in their listed order, which for a 0/1 input X[rows, in] compacted by <see cref="Compact"/> is
    /// <c>X·W + bias</c> with W = <paramref name="weightT"/> [in, out]. Rows are split over
    /// <paramref name="threads"/>; the result is bitwise identical for any thread count and equal to
    /// <see cref="Reference.SpikeSynapseForward"/>.
    /// </summary>
    /// <param name="rowStart">Row offsets [rows + 1] into <paramref name="indices"/>, non-decreasing (from <see cref="Compact"/>).</param>
    /// <param name="indices">Input-feature indices of the events, each in [0, in).</param>
    /// <param name="rows">Rows of the input and output (T·B for a time-batched layer), ≥ 0.</param>
    /// <param name="weightT">Weights [in, out], row-major: row i is what an event on input i adds.</param>
    /// <param name="outFeatures">out, ≥ 0.</param>
    /// <param name="bias">Bias [out], or empty for none.</param>
    /// <param name="output">Destination [rows, out], overwritten; must not overlap the weights or the bias.</param>
    /// <param name="threads">Threads to use, 1 to <see cref="FixedPartition.MaxThreads"/>.</param>
    /// <exception cref="ArgumentException">
    /// A count is negative, a span is too short, the event list is malformed or indexes past the weight rows, or the
    /// output overlaps an input.
    /// </exception>
    public static void Forward(ReadOnlySpan<int> rowStart, ReadOnlySpan<int> indices, int rows, ReadOnlySpan<float> weightT,
        int outFeatures, ReadOnlySpan<float> bias, Span<float> output, int threads = 1) =>
        Forward(rowStart, indices, rows, weightT, outFeatures, bias, output, threads, ParallelThreshold);

    /// <summary><see cref="Forward(ReadOnlySpan{int}, ReadOnlySpan{int}, int, ReadOnlySpan{float}, int, ReadOnlySpan{float}, Span{float}, int)"/>
    /// with an explicit work size (events × out) below which one thread is used; tests pass 0 to force the split.</summary>
    internal static void Forward(ReadOnlySpan<int> rowStart, ReadOnlySpan<int> indices, int rows, ReadOnlySpan<float> weightT,
        int outFeatures, ReadOnlySpan<float> bias, Span<float> output, int threads, long parallelThreshold)
    {
        const string Op = "SpikeSynapse.Forward";
        if (rows < 0 || outFeatures < 0)
            Throw.Argument($"{Op}: rows and outFeatures must be non-negative, got rows = {rows}, outFeatures = {outFeatures}.");
        CheckThreads(Op, threads);
        if (!bias.IsEmpty && bias.Length < outFeatures)
            Throw.Argument($"{Op}: bias holds {bias.Length} values but the output has {outFeatures} features; pass a bias [out] or an empty span.", nameof(bias));
        if (output.Length < (long)rows * outFeatures)
            Throw.Argument($"{Op}: output holds {output.Length} values, shorter than [rows, out] = [{rows}, {outFeatures}].", nameof(output));
        int inRows = outFeatures == 0 ? int.MaxValue : weightT.Length / outFeatures;
        CheckEvents(Op, rowStart, indices, rows, inRows);
        if (rows == 0 || outFeatures == 0) return;
        if (output.Overlaps(weightT) || output.Overlaps(bias))
            Throw.Argument($"{Op}: the output overlaps the weights or the bias; pass a separate output buffer.", nameof(output));

        fixed (int* rs = rowStart, ix = indices)
        fixed (float* w = weightT, b = bias, y = output)
        {
            var job = new ForwardJob { RowStart = rs, Indices = ix, Weight = w, Bias = b, Output = y, Out = outFeatures, HasBias = !bias.IsEmpty };
            long work = (long)(rs[rows] - rs[0]) * outFeatures;
            FixedPartition.Run(rows, work < parallelThreshold ? 1 : threads, in job);
        }
    }

    /// <summary>One forward call's operands; <see cref="Invoke"/> computes whole output rows.</summary>
    struct ForwardJob : IRangeBody
    {
        public int* RowStart, Indices;
        public float* Weight, Bias, Output;
        public int Out;
        public bool HasBias;

        public readonly void Invoke(int start, int limit)
        {
            nuint n = (nuint)Out;
            ref float w = ref *Weight;
            ref float b = ref *Bias;
            ref int ix = ref *Indices;
            for (int r = start; r < limit; r++)
            {
                int k0 = RowStart[r], k1 = RowStart[r + 1];
                ref float y = ref *(Output + (nint)r * Out);
                nuint j = 0;
                if (Vector512.IsHardwareAccelerated) j = ForwardColumns<Lanes512, Vector512<float>>(ref w, n, ref ix, k0, k1, ref b, HasBias, ref y, j);
                if (Vector256.IsHardwareAccelerated) j = ForwardColumns<Lanes256, Vector256<float>>(ref w, n, ref ix, k0, k1, ref b, HasBias, ref y, j);
                if (Vector128.IsHardwareAccelerated) j = ForwardColumns<Lanes128, Vector128<float>>(ref w, n, ref ix, k0, k1, ref b, HasBias, ref y, j);
                for (; j < n; j++)
                {
                    float acc = HasBias ? Unsafe.Add(ref b, j) : 0f;
                    for (int k = k0; k < k1; k++) acc += Unsafe.Add(ref w, (nuint)(uint)Unsafe.Add(ref ix, k) * n + j);
                    Unsafe.Add(ref y, j) = acc;
                }
            }
        }
    }

    /// <summary>
    /// Output columns [j, n) of one row at one width, as far as whole vectors go: blocks of <see cref="BlockVectors"/>
    /// accumulators, then single vectors. Each accumulator starts from the bias (or +0) and adds the events in order.
    /// Returns the first column not done.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static nuint ForwardColumns<TW, TV>(ref float w, nuint n, ref int ix, int k0, int k1, ref float b, bool hasBias, ref float y, nuint j)
        where TW : struct, ILanes<TV> where TV : struct
    {
        nuint c = TW.Count;
        for (; j + BlockVectors * c <= n; j += BlockVectors * c)
        {
            TV a0 = hasBias ? TW.Load(ref b, j) : TW.Zero, a1 = hasBias ? TW.Load(ref b, j + c) : TW.Zero;
            TV a2 = hasBias ? TW.Load(ref b, j + 2 * c) : TW.Zero, a3 = hasBias ? TW.Load(ref b, j + 3 * c) : TW.Zero;
            TV a4 = hasBias ? TW.Load(ref b, j + 4 * c) : TW.Zero, a5 = hasBias ? TW.Load(ref b, j + 5 * c) : TW.Zero;
            TV a6 = hasBias ? TW.Load(ref b, j + 6 * c) : TW.Zero, a7 = hasBias ? TW.Load(ref b, j + 7 * c) : TW.Zero;
            for (int k = k0; k < k1; k++)
            {
                ref float wr = ref Unsafe.Add(ref w, (nuint)(uint)Unsafe.Add(ref ix, k) * n + j);
                a0 = TW.Add(a0, TW.Load(ref wr, 0));
                a1 = TW.Add(a1, TW.Load(ref wr, c));
                a2 = TW.Add(a2, TW.Load(ref wr, 2 * c));
                a3 = TW.Add(a3, TW.Load(ref wr, 3 * c));
                a4 = TW.Add(a4, TW.Load(ref wr, 4 * c));
                a5 = TW.Add(a5, TW.Load(ref wr, 5 * c));
                a6 = TW.Add(a6, TW.Load(ref wr, 6 * c));
                a7 = TW.Add(a7, TW.Load(ref wr, 7 * c));
            }
            TW.Store(a0, ref y, j);
            TW.Store(a1, ref y, j + c);
            TW.Store(a2, ref y, j + 2 * c);
            TW.Store(a3, ref y, j + 3 * c);
            TW.Store(a4, ref y, j + 4 * c);
            TW.Store(a5, ref y, j + 5 * c);
            TW.Store(a6, ref y, j + 6 * c);
            TW.Store(a7, ref y, j + 7 * c);
        }
        for (; j + c <= n; j += c)
        {
            TV a = hasBias ? TW.Load(ref b, j) : TW.Zero;
            for (int k = k0; k < k1; k++) a = TW.Add(a, TW.Load(ref w, (nuint)(uint)Unsafe.Add(ref ix, k) * n + j));
            TW.Store(a, ref y, j);
        }
        return j;
    }
}
