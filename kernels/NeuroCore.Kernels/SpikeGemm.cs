using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NeuroCore.Kernels.Parallel;

namespace NeuroCore.Kernels;

/// <summary>
/// The product of a 0/1 matrix and a float matrix by 4-input subset-sum tables (the "four Russians" method of
/// Arlazarov, Dinic, Kronrod and Faradzev, 1970): <c>C[m, n] = bias + A·B</c> with A [m, k] given as bit-packed spikes
/// (the <see cref="SpikeSynapse.PackedWords"/> layout) and B [k, n] row-major floats. The k indices are cut into groups
/// of four; for group g and every 4-bit pattern p, the table row <c>T_g[p]</c> [n] is the sum of the B rows selected
/// by p (<c>T_g[0] = 0</c>, <c>T_g[p] = T_g[p without its highest bit] + B[4g + that bit]</c>), so each row of C
/// is one table lookup and one vector add per group of four k values: a quarter of the vector operations of a GEMM,
/// and no multiply. It pays at any density of A; the event path (<see cref="SpikeSynapse"/>) pays more only when A is
/// very sparse.
/// <para>
/// Per output: <c>acc = bias[j]</c> (0 when there is no bias, C[i, j] when adding into C); for each group g ascending:
/// <c>t = 0</c>, then <c>t += B[4g + q, j]</c> for q = 0..3 where the bit is set, then <c>acc += t</c> (always, even
/// when t is 0). <see cref="Reference.SpikeGemm"/> is the scalar twin; every vector width and every thread count gives
/// bitwise its result (NaN and ±∞ in B propagate as in it). No call allocates: the tables (32 KiB per thread at
/// 512 bits) live on the stack.
/// </para>
/// </summary>
public static unsafe class SpikeGemm
{
    /// <summary>Rows of C updated together: their add chains are independent, hiding the add latency.</summary>
    const int RowBlock = 4;

    /// <summary>Rows of C per tile: a tile's block of C (256 × 128 B at 512 bits) stays in L2 across the words of A.</summary>
    const int RowTile = 512;

    /// <summary>Groups of four k values per packed word.</summary>
    const int GroupsPerWord = 16;

    /// <summary>Below this many table adds (m·n·k/4) one thread does the whole call. No result depends on it.</summary>
    const long ParallelThreshold = 1L << 18;

    /// <summary>
    /// <c>C = bias + A·B</c> for a 0/1 matrix A given as bits: effectively computes
    /// <c>c[i·n + j] = bias[j] + Σ_p A(i, p)·b[p·n + j]</c>, summed in groups of four as described on <see cref="SpikeGemm"/>.
    /// </summary>
    /// <param name="aBits">A [m, k] as bit-packed rows [m, ceil(k/64)] words (bit p % 64 of word i·⌈k/64⌉ + p/64 is A(i, p)); padding bits are ignored.</param>
    /// <param name="m">Rows of A and C, ≥ 0.</param>
    /// <param name="k">Columns of A, rows of B, ≥ 0.</param>
    /// <param name="b">B [k, n], row-major.</param>
    /// <param name="n">Columns of B and C, ≥ 0.</param>
    /// <param name="bias">n values added to every row of C, or empty for none.</param>
    /// <param name="c">C [m, n], row-major, overwritten; must not overlap B or the bias.</param>
    /// <param name="threads">Threads, 1 to <see cref="FixedPartition.MaxThreads"/>; the columns of C are split.</param>
    /// <exception cref="ArgumentException">A size is negative, a span is too short, or the bias is neither empty nor n long.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is out of range.</exception>
    public static void Multiply(ReadOnlySpan<ulong> aBits, int m, int k, ReadOnlySpan<float> b, int n, ReadOnlySpan<float> bias, Span<float> c, int threads = 1) =>
        Run("SpikeGemm.Multiply", aBits, m, k, b, n, bias, c, false, threads, ParallelThreshold);

    /// <summary>
    /// <c>C += A·B</c> for a 0/1 matrix A given as bits: effectively computes
    /// <c>c[i·n + j] = c[i·n + j] + Σ_p A(i, p)·b[p·n + j]</c>, the old C taking the place of the bias in the order
    /// described on <see cref="SpikeGemm"/> (for accumulating gradients).
    /// </summary>
    /// <param name="aBits">A [m, k] as bit-packed rows [m, ceil(k/64)] words; padding bits are ignored.</param>
    /// <param name="m">Rows of A and C, ≥ 0.</param>
    /// <param name="k">Columns of A, rows of B, ≥ 0.</param>
    /// <param name="b">B [k, n], row-major.</param>
    /// <param name="n">Columns of B and C, ≥ 0.</param>
    /// <param name="c">C [m, n], row-major, added into; must not overlap B.</param>
    /// <param name="threads">Threads, 1 to <see cref="FixedPartition.MaxThreads"/>; the columns of C are split.</param>
    /// <exception cref="ArgumentException">A size is negative or a span is too short.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is out of range.</exception>
    public static void MultiplyAdd(ReadOnlySpan<ulong> aBits, int m, int k, ReadOnlySpan<float> b, int n, Span<float> c, int threads = 1) =>
        Run("SpikeGemm.MultiplyAdd", aBits, m, k, b, n, default, c, true, threads, ParallelThreshold);

    /// <summary>Both entry points with an explicit parallel threshold (tests pass 0 to force the split).</summary>
    internal static void Run(string op, ReadOnlySpan<ulong> aBits, int m, int k, ReadOnlySpan<float> b, int n, ReadOnlySpan<float> bias,
        Span<float> c, bool accumulate, int threads, long parallelThreshold)
    {
        if (m < 0 || k < 0 || n < 0)
            Throw.Argument($"{op}: sizes must be non-negative, got A [m, k] = [{m}, {k}] and B [k, n] = [{k}, {n}].");
        if (threads < 1 || threads > FixedPartition.MaxThreads)
            Throw.OutOfRange(nameof(threads), $"{op}: threads must be between 1 and {FixedPartition.MaxThreads}, got {threads}.");
        int words = SpikeSynapse.PackedWords(k);
        if (aBits.Length < (long)m * words)
            Throw.Argument($"{op}: aBits holds {aBits.Length} words, shorter than A [m, ceil(k/64)] = [{m}, {words}]; pack A with SpikeSynapse.Pack (or SpikeSynapse.TryPackBinary).", nameof(aBits));
        if (b.Length < (long)k * n)
            Throw.Argument($"{op}: b holds {b.Length} values, shorter than B [k, n] = [{k}, {n}].", nameof(b));
        if (c.Length < (long)m * n)
            Throw.Argument($"{op}: c holds {c.Length} values, shorter than C [m, n] = [{m}, {n}].", nameof(c));
        if (!bias.IsEmpty && bias.Length != n)
            Throw.Argument($"{op}: bias holds {bias.Length} values but C has n = {n} columns; pass n values or an empty span.", nameof(bias));
        if (m == 0 || n == 0) return;
        if (c[..(m * n)].Overlaps(b[..(k * n)]) || (!bias.IsEmpty && c[..(m * n)].Overlaps(bias)))
            Throw.Argument($"{op}: c overlaps b or the bias; pass a separate output buffer.", nameof(c));
        fixed (ulong* pa = aBits)
        fixed (float* pb = b, pbias = bias, pc = c)
        {
            var job = new Job
            {
                A = pa, B = pb, Bias = bias.IsEmpty ? null : pbias, C = pc, M = m, K = k, N = n, Words = words,
                Accumulate = accumulate, Block = BlockWidth,
            };
            int blocks = (n + BlockWidth - 1) / BlockWidth;
            if ((long)m * n * k / 4 < parallelThreshold) threads = 1;
            FixedPartition.Run(blocks, threads, in job);
        }
    }

    /// <summary>Columns per block: two vectors of the widest accelerated width (the tables of one word stay in L1).</summary>
    static int BlockWidth => Vector512.IsHardwareAccelerated ? 32 : Vector256.IsHardwareAccelerated ? 16 : Vector128.IsHardwareAccelerated ? 8 : 2;

    /// <summary>One call's operands; <see cref="Invoke"/> computes a range of column blocks of C.</summary>
    struct Job : IRangeBody
    {
        public ulong* A;
        public float* B, Bias, C;
        public int M, K, N, Words, Block;
        public bool Accumulate;

        public readonly void Invoke(int start, int limit)
        {
            // The tables of one word: 16 groups × 16 patterns × one block of columns.
            // Aligned to 64 bytes, so no table row straddles two cache lines.
            float* raw = stackalloc float[GroupsPerWord * 16 * Block + 16];
            float* tables = (float*)(((nuint)raw + 63) & ~(nuint)63);
            int j0 = start * Block, j1 = Math.Min(limit * Block, N);
            if (Vector512.IsHardwareAccelerated) Columns<Lanes512, Vector512<float>>(in this, j0, j1, tables);
            else if (Vector256.IsHardwareAccelerated) Columns<Lanes256, Vector256<float>>(in this, j0, j1, tables);
            else if (Vector128.IsHardwareAccelerated) Columns<Lanes128, Vector128<float>>(in this, j0, j1, tables);
            else Columns<Lanes1, float>(in this, j0, j1, tables);
        }
    }

    /// <summary>
    /// Columns [j0, j1): blocks of two TW vectors, then the tail in single vectors of TW and of each narrower width
    /// down to one float.
    /// </summary>
    static void Columns<TW, TV>(in Job job, int j0, int j1, float* tables) where TW : struct, ILanes<TV> where TV : struct
    {
        int w2 = 2 * (int)TW.Count;
        int j = j0;
        for (; j + w2 <= j1; j += w2) Block<TW, TV>(in job, j, 2, tables);
        for (; j + (int)TW.Count <= j1; j += (int)TW.Count) Block<TW, TV>(in job, j, 1, tables);
        if (j == j1) return;
        if (TW.Count > (nuint)Vector256<float>.Count && Vector256.IsHardwareAccelerated)
            Columns<Lanes256, Vector256<float>>(in job, j, j1, tables);
        else if (TW.Count > (nuint)Vector128<float>.Count && Vector128.IsHardwareAccelerated)
            Columns<Lanes128, Vector128<float>>(in job, j, j1, tables);
        else
            for (; j < j1; j++) Block<Lanes1, float>(in job, j, 1, tables);
    }

    /// <summary>
    /// The columns [j, j + vectors·Count) of C: per packed word of A, build the tables of its 16 groups from B, then
    /// add one table row per group into every row of C (rows four at a time).
    /// </summary>
    static void Block<TW, TV>(in Job job, int j, int vectors, float* tables) where TW : struct, ILanes<TV> where TV : struct
    {
        nuint cnt = TW.Count, width = (nuint)vectors * cnt;
        int m = job.M, k = job.K, n = job.N, words = job.Words;
        ref float tab = ref Unsafe.AsRef<float>(tables);
        ref float cr = ref Unsafe.AsRef<float>(job.C + j);
        if (words == 0)
        {
            // k = 0: C = bias (or 0), or C unchanged when adding.
            if (!job.Accumulate)
                for (int i = 0; i < m; i++)
                    for (nuint v = 0; v < width; v += cnt)
                        TW.Store(job.Bias == null ? TW.Zero : TW.Load(ref Unsafe.AsRef<float>(job.Bias + j), v), ref cr, (nuint)i * (nuint)n + v);
            return;
        }
        // Rows in tiles, so the C rows a tile revisits once per word stay in L2 (C's rows are n floats apart, a stride
        // that maps a whole column block of C onto few cache sets); the tables are rebuilt per tile.
        for (int i0 = 0; i0 < m; i0 += RowTile)
        {
            int i1 = Math.Min(m, i0 + RowTile);
            for (int w = 0; w < words; w++)
            {
                int validK = Math.Min(64, k - 64 * w);
                int groups = (validK + 3) >> 2;
                ulong mask = validK == 64 ? ulong.MaxValue : (1UL << validK) - 1;
                BuildTables<TW, TV>(job.B + (nint)(64 * w) * n + j, n, validK, width, ref tab);
                // The first word starts from the bias (or 0), or from the old C when adding; later words from C.
                bool fromC = w > 0 || job.Accumulate;
                ref float init = ref fromC ? ref cr : ref (job.Bias == null ? ref Unsafe.NullRef<float>() : ref Unsafe.AsRef<float>(job.Bias + j));
                nuint initStride = fromC ? (nuint)n : 0;
                bool zero = !fromC && job.Bias == null;
                ulong* a = job.A + w;
                int i = i0;
                if (vectors == 2)
                {
                    for (; i + RowBlock <= i1; i += RowBlock)
                        Rows4x2<TW, TV>(a + (nint)i * words, words, mask, groups, ref tab, ref init, zero ? 0 : initStride * (nuint)i, initStride, zero, ref cr, (nuint)i * (nuint)n, (nuint)n);
                    for (; i < i1; i++)
                        Rows1<TW, TV>(a + (nint)i * words, mask, groups, ref tab, width, 2, ref init, zero ? 0 : initStride * (nuint)i, zero, ref cr, (nuint)i * (nuint)n);
                }
                else
                {
                    for (; i < i1; i++)
                        Rows1<TW, TV>(a + (nint)i * words, mask, groups, ref tab, width, 1, ref init, zero ? 0 : initStride * (nuint)i, zero, ref cr, (nuint)i * (nuint)n);
                }
            }
        }
    }

    /// <summary>
    /// Tables of one word's groups: row (g·16 + p) holds <c>T_g[p]</c> for the <paramref name="width"/> columns at
    /// <paramref name="b"/> (B row 4g + q at b + (4g + q)·n). Only the patterns of valid k are built.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void BuildTables<TW, TV>(float* b, int n, int validK, nuint width, ref float tab) where TW : struct, ILanes<TV> where TV : struct
    {
        nuint cnt = TW.Count;
        for (int g = 0; 4 * g < validK; g++)
        {
            int valid = Math.Min(4, validK - 4 * g);
            ref float t = ref Unsafe.Add(ref tab, (nuint)(g * 16) * width);
            for (nuint v = 0; v < width; v += cnt) TW.Store(TW.Zero, ref t, v);
            for (int p = 1; p < 1 << valid; p++)
            {
                int hb = 31 - System.Numerics.BitOperations.LeadingZeroCount((uint)p);
                ref float row = ref Unsafe.AsRef<float>(b + (nint)(4 * g + hb) * n);
                nuint dst = (nuint)p * width, src = (nuint)(p & ~(1 << hb)) * width;
                for (nuint v = 0; v < width; v += cnt)
                    TW.Store(TW.Add(TW.Load(ref t, src + v), TW.Load(ref row, v)), ref t, dst + v);
            }
        }
    }

    /// <summary>Four rows of C, two vectors each: eight independent add chains over the groups of one word.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Rows4x2<TW, TV>(ulong* a, int words, ulong mask, int groups, ref float tab,
        ref float init, nuint initOffset, nuint initStride, bool zero, ref float c, nuint cOffset, nuint n)
        where TW : struct, ILanes<TV> where TV : struct
    {
        nuint cnt = TW.Count, width = 2 * cnt;
        ulong b0 = a[0] & mask, b1 = a[words] & mask, b2 = a[2 * words] & mask, b3 = a[3 * words] & mask;
        TV x0, y0, x1, y1, x2, y2, x3, y3;
        if (zero)
        {
            x0 = y0 = x1 = y1 = x2 = y2 = x3 = y3 = TW.Zero;
        }
        else
        {
            x0 = TW.Load(ref init, initOffset); y0 = TW.Load(ref init, initOffset + cnt);
            x1 = TW.Load(ref init, initOffset + initStride); y1 = TW.Load(ref init, initOffset + initStride + cnt);
            x2 = TW.Load(ref init, initOffset + 2 * initStride); y2 = TW.Load(ref init, initOffset + 2 * initStride + cnt);
            x3 = TW.Load(ref init, initOffset + 3 * initStride); y3 = TW.Load(ref init, initOffset + 3 * initStride + cnt);
        }
        nuint step = 16 * width;
        for (int g = 0; g < groups; g++)
        {
            ref float t = ref Unsafe.Add(ref tab, (nuint)g * step);
            nuint p0 = (nuint)(b0 & 15) * width, p1 = (nuint)(b1 & 15) * width, p2 = (nuint)(b2 & 15) * width, p3 = (nuint)(b3 & 15) * width;
            x0 = TW.Add(x0, TW.Load(ref t, p0)); y0 = TW.Add(y0, TW.Load(ref t, p0 + cnt));
            x1 = TW.Add(x1, TW.Load(ref t, p1)); y1 = TW.Add(y1, TW.Load(ref t, p1 + cnt));
            x2 = TW.Add(x2, TW.Load(ref t, p2)); y2 = TW.Add(y2, TW.Load(ref t, p2 + cnt));
            x3 = TW.Add(x3, TW.Load(ref t, p3)); y3 = TW.Add(y3, TW.Load(ref t, p3 + cnt));
            b0 >>= 4; b1 >>= 4; b2 >>= 4; b3 >>= 4;
        }
        TW.Store(x0, ref c, cOffset); TW.Store(y0, ref c, cOffset + cnt);
        TW.Store(x1, ref c, cOffset + n); TW.Store(y1, ref c, cOffset + n + cnt);
        TW.Store(x2, ref c, cOffset + 2 * n); TW.Store(y2, ref c, cOffset + 2 * n + cnt);
        TW.Store(x3, ref c, cOffset + 3 * n); TW.Store(y3, ref c, cOffset + 3 * n + cnt);
    }

    /// <summary>One row of C, one or two vectors, over the groups of one word.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Rows1<TW, TV>(ulong* a, ulong mask, int groups, ref float tab, nuint width, int vectors,
        ref float init, nuint initOffset, bool zero, ref float c, nuint cOffset)
        where TW : struct, ILanes<TV> where TV : struct
    {
        nuint cnt = TW.Count;
        ulong bits = a[0] & mask;
        TV x = zero ? TW.Zero : TW.Load(ref init, initOffset);
        TV y = zero || vectors == 1 ? TW.Zero : TW.Load(ref init, initOffset + cnt);
        nuint step = 16 * width;
        for (int g = 0; g < groups; g++)
        {
            nuint p = (nuint)g * step + (nuint)(bits & 15) * width;
            x = TW.Add(x, TW.Load(ref tab, p));
            if (vectors == 2) y = TW.Add(y, TW.Load(ref tab, p + cnt));
            bits >>= 4;
        }
        TW.Store(x, ref c, cOffset);
        if (vectors == 2) TW.Store(y, ref c, cOffset + cnt);
    }
}
