using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NeuroCore.Kernels.Parallel;

namespace NeuroCore.Kernels;

/// <summary>
/// Sparse synapse kernels over a <see cref="CsrPattern"/> W [out, in] whose values are given per slot.
/// <para>
/// <b>Storage and why.</b> Dense-input products run on <i>feature-major</i> activations (Xᵀ [in, n], n = samples or
/// T·B rows): output row o of Yᵀ = W·Xᵀ is <c>Σ_k w_k · Xᵀ[col_k, :]</c> over the CSR entries of row o, so the n
/// columns are the vector lanes, the accumulators (8 vectors) stay in registers for the whole row, and every entry is
/// one broadcast plus contiguous loads, with no gather and no scatter (<see cref="Multiply"/>). The input gradient is
/// the same kernel on the CSC form (Wᵀ·Gᵀ). The spike-input path keeps samples row-major and walks the CSC form: an
/// event on input i adds the column i of W (its ~d·out connections) into the sample's output row, so only active
/// inputs do work (<see cref="ForwardEvents(CsrPattern, ReadOnlySpan{float}, ReadOnlySpan{int}, ReadOnlySpan{int}, int, ReadOnlySpan{float}, Span{float}, int)"/>).
/// Both forms are kept in sync by <see cref="CsrPattern"/>.
/// </para>
/// <para>
/// The forward kernels add in exactly the order of their <c>Reference.Csr*</c> twins (bias, then entries in listed
/// order, multiply then add, no FMA), so they are bitwise equal to them at every vector width and for any thread count;
/// the weight gradient fixes a 16-lane summation order (see <see cref="WeightGrad"/>) so it is bitwise too. No kernel
/// allocates.
/// </para>
/// </summary>
public static unsafe partial class Csr
{
    /// <summary>Accumulator vectors per block of output columns (8 × 16 = 128 floats at 512 bits).</summary>
    const int BlockVectors = 8;

    /// <summary>Below this much work (entries × n) one thread does the call; no result depends on it.</summary>
    const long ParallelThreshold = 1L << 16;

    /// <summary>
    /// The sparse product on feature-major data: effectively computes, for every row o of the compressed form and
    /// column j &lt; n, <c>output[o·n + j] = (bias.IsEmpty ? 0 : bias[o]) + Σ_{k = start[o]}^{start[o+1]−1} values[slots[k]] · input[index[k]·n + j]</c>
    /// (entries in order, each a multiply then an add). With the CSR form (<paramref name="transposed"/> false) this is
    /// Yᵀ = W·Xᵀ (+ b): input Xᵀ [in, n], output [out, n]. With the CSC form (true) it is Wᵀ·Gᵀ: input Gᵀ [out, n],
    /// output [in, n], the input gradient (bias must then be empty). Rows are split over <paramref name="threads"/>;
    /// bitwise equal to <see cref="Reference.CsrMultiply"/> for any thread count.
    /// </summary>
    /// <param name="pattern">The connection pattern.</param>
    /// <param name="values">Weights by slot [nnz].</param>
    /// <param name="transposed">False: multiply by W (CSR rows); true: by Wᵀ (CSC columns).</param>
    /// <param name="input">[in, n] (or [out, n] when transposed), row-major.</param>
    /// <param name="n">Columns of input and output (samples), ≥ 0.</param>
    /// <param name="bias">Bias [out] added to every column of output row o, or empty.</param>
    /// <param name="output">Destination [out, n] (or [in, n]), overwritten; must not overlap the inputs.</param>
    /// <param name="threads">Threads, 1 to <see cref="FixedPartition.MaxThreads"/>.</param>
    /// <exception cref="ArgumentException">A span is too short, n is negative, a bias is given with <paramref name="transposed"/>, or the output overlaps an input.</exception>
    public static void Multiply(CsrPattern pattern, ReadOnlySpan<float> values, bool transposed, ReadOnlySpan<float> input, int n,
        ReadOnlySpan<float> bias, Span<float> output, int threads = 1) =>
        Multiply(pattern, values, transposed, input, n, bias, output, threads, ParallelThreshold);

    /// <summary><see cref="Multiply(CsrPattern, ReadOnlySpan{float}, bool, ReadOnlySpan{float}, int, ReadOnlySpan{float}, Span{float}, int)"/> with an explicit parallel threshold (tests pass 0).</summary>
    internal static void Multiply(CsrPattern pattern, ReadOnlySpan<float> values, bool transposed, ReadOnlySpan<float> input, int n,
        ReadOnlySpan<float> bias, Span<float> output, int threads, long parallelThreshold)
    {
        const string Op = "Csr.Multiply";
        ArgumentNullException.ThrowIfNull(pattern);
        CheckThreads(Op, threads);
        CheckValues(Op, pattern, values);
        if (n < 0) Throw.OutOfRange(nameof(n), $"{Op}: n must be non-negative, got {n}.");
        int inner = transposed ? pattern.Rows : pattern.Columns, outer = transposed ? pattern.Columns : pattern.Rows;
        if (input.Length < (long)inner * n)
            Throw.Argument($"{Op}: input holds {input.Length} values, shorter than [{inner}, n = {n}] ({(long)inner * n}); it must be feature-major ({(transposed ? "Gᵀ [out" : "Xᵀ [in")}, n]).", nameof(input));
        if (output.Length < (long)outer * n)
            Throw.Argument($"{Op}: output holds {output.Length} values, shorter than [{outer}, n = {n}] ({(long)outer * n}).", nameof(output));
        if (!bias.IsEmpty && (transposed || bias.Length < outer))
            Throw.Argument(transposed
                ? $"{Op}: a bias was given with transposed = true (the input gradient has none); pass an empty bias."
                : $"{Op}: bias holds {bias.Length} values but W has {outer} rows; pass a bias [out] or an empty span.", nameof(bias));
        if (n == 0) return;
        if (output.Overlaps(input) || output.Overlaps(values) || output.Overlaps(bias))
            Throw.Argument($"{Op}: the output overlaps an input; pass a separate output buffer.", nameof(output));
        var start = transposed ? pattern.ColumnStart : pattern.RowStart;
        var index = transposed ? pattern.ColumnRows : pattern.RowColumns;
        var slots = transposed ? pattern.ColumnSlots : pattern.RowSlots;
        fixed (int* st = start, ix = index, sl = slots)
        fixed (float* v = values, x = input, b = bias, y = output)
        {
            var job = new MultiplyJob { Start = st, Index = ix, Slots = sl, Values = v, Input = x, Bias = b, Output = y, N = n, HasBias = !bias.IsEmpty };
            long work = (long)pattern.Nnz * n;
            FixedPartition.Run(outer, work < parallelThreshold ? 1 : threads, in job);
        }
    }

    /// <summary>One Multiply call; <see cref="Invoke"/> computes whole output rows, column block by column block.</summary>
    struct MultiplyJob : IRangeBody
    {
        public int* Start, Index, Slots;
        public float* Values, Input, Bias, Output;
        public int N;
        public bool HasBias;

        public readonly void Invoke(int startRow, int limitRow)
        {
            nuint n = (nuint)N;
            ref float x = ref *Input;
            // Column blocks outermost: one block of the input ([inner, 128] floats) stays in L2 while every row uses it.
            nuint block = Vector512.IsHardwareAccelerated ? 8 * 16u : Vector256.IsHardwareAccelerated ? 8 * 8u : Vector128.IsHardwareAccelerated ? 8 * 4u : 64u;
            for (nuint jb = 0; jb < n; jb += block)
            {
                nuint je = Math.Min(jb + block, n);
                for (int o = startRow; o < limitRow; o++)
                {
                    int k0 = Start[o], k1 = Start[o + 1];
                    float b0 = HasBias ? Bias[o] : 0f;
                    ref float y = ref *(Output + (nint)o * N);
                    nuint j = jb;
                    if (Vector512.IsHardwareAccelerated) j = Columns<Lanes512, Vector512<float>>(ref x, n, Index, Slots, Values, k0, k1, b0, ref y, j, je);
                    if (Vector256.IsHardwareAccelerated) j = Columns<Lanes256, Vector256<float>>(ref x, n, Index, Slots, Values, k0, k1, b0, ref y, j, je);
                    if (Vector128.IsHardwareAccelerated) j = Columns<Lanes128, Vector128<float>>(ref x, n, Index, Slots, Values, k0, k1, b0, ref y, j, je);
                    for (; j < je; j++)
                    {
                        float acc = b0;
                        for (int k = k0; k < k1; k++) acc += Values[Slots[k]] * Unsafe.Add(ref x, (nuint)(uint)Index[k] * n + j);
                        Unsafe.Add(ref y, j) = acc;
                    }
                }
            }
        }
    }

    /// <summary>Columns [j, end) of one output row at one width, as far as whole vectors go. Returns the first column not done.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static nuint Columns<TW, TV>(ref float x, nuint n, int* index, int* slots, float* values, int k0, int k1, float bias, ref float y, nuint j, nuint end)
        where TW : struct, ILanes<TV> where TV : struct
    {
        nuint c = TW.Count;
        TV bv = TW.Splat(bias);
        for (; j + BlockVectors * c <= end; j += BlockVectors * c)
        {
            TV a0 = bv, a1 = bv, a2 = bv, a3 = bv, a4 = bv, a5 = bv, a6 = bv, a7 = bv;
            for (int k = k0; k < k1; k++)
            {
                TV w = TW.Splat(values[slots[k]]);
                ref float xr = ref Unsafe.Add(ref x, (nuint)(uint)index[k] * n + j);
                a0 = TW.Add(a0, TW.Mul(w, TW.Load(ref xr, 0)));
                a1 = TW.Add(a1, TW.Mul(w, TW.Load(ref xr, c)));
                a2 = TW.Add(a2, TW.Mul(w, TW.Load(ref xr, 2 * c)));
                a3 = TW.Add(a3, TW.Mul(w, TW.Load(ref xr, 3 * c)));
                a4 = TW.Add(a4, TW.Mul(w, TW.Load(ref xr, 4 * c)));
                a5 = TW.Add(a5, TW.Mul(w, TW.Load(ref xr, 5 * c)));
                a6 = TW.Add(a6, TW.Mul(w, TW.Load(ref xr, 6 * c)));
                a7 = TW.Add(a7, TW.Mul(w, TW.Load(ref xr, 7 * c)));
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
        for (; j + c <= end; j += c)
        {
            TV a = bv;
            for (int k = k0; k < k1; k++)
                a = TW.Add(a, TW.Mul(TW.Splat(values[slots[k]]), TW.Load(ref x, (nuint)(uint)index[k] * n + j)));
            TW.Store(a, ref y, j);
        }
        return j;
    }

    static void CheckValues(string op, CsrPattern pattern, ReadOnlySpan<float> values)
    {
        if (values.Length < pattern.Nnz)
            Throw.Argument($"{op}: values holds {values.Length} weights but the [{pattern.Rows}, {pattern.Columns}] pattern has nnz = {pattern.Nnz}; pass one value per slot.", nameof(values));
    }

    static void CheckThreads(string op, int threads)
    {
        if (threads < 1 || threads > FixedPartition.MaxThreads)
            Throw.OutOfRange(nameof(threads), $"{op}: threads must be between 1 and {FixedPartition.MaxThreads}, got {threads}.");
    }
}
