using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NeuroCore.Kernels.Parallel;

namespace NeuroCore.Kernels;

// The sparse product on bit-packed 0/1 input. The spikes are transposed to feature-major bits [in, ceil(n/64)] (input i's
// samples are the bits of its row: 1024 inputs × 128 samples = 16 KiB, in L1), and per connection (o, i) the weight is
// added, in the lanes whose sample bit is set, into accumulators held in registers for the whole output row: one
// broadcast of the bit word, a test against per-lane bits and a masked add per vector (vpandd, vpcmpeqd into a mask
// register, masked vaddps at 512 bits), with no multiply, no float input stream and no gather.
public static unsafe partial class Csr
{
    /// <summary>Samples per block of <see cref="MultiplyPackedInput"/> (8 accumulator vectors of 16 lanes): the bits of a block, 16 bytes per input, stay in L1.</summary>
    const int PackedBlock = 128;

    /// <summary>
    /// Transposes a bit matrix: bit-packed rows [rows, ceil(cols/64)] (the <see cref="SpikeSynapse.PackedWords"/> layout,
    /// bit c % 64 of word r·⌈cols/64⌉ + c/64 is element (r, c)) into feature-major bits [cols, ceil(rows/64)]: effectively
    /// <c>bit r % 64 of destination[c·⌈rows/64⌉ + r/64] = element (r, c)</c>. The padding bits of the source's last
    /// word per row are ignored and those of the destination written 0. 64×64 blocks transposed in registers (six
    /// swap stages); a pure bit copy, so every path gives the same result.
    /// </summary>
    /// <param name="bits">[rows, ceil(cols/64)] words.</param>
    /// <param name="rows">Rows (samples), ≥ 0.</param>
    /// <param name="cols">Columns (features), ≥ 0.</param>
    /// <param name="destination">[cols, ceil(rows/64)] words, overwritten; must not overlap <paramref name="bits"/>.</param>
    /// <exception cref="ArgumentException">A count is negative, a span is too short, or the spans overlap.</exception>
    public static void TransposeBits(ReadOnlySpan<ulong> bits, int rows, int cols, Span<ulong> destination)
    {
        const string Op = "Csr.TransposeBits";
        if (rows < 0 || cols < 0) Throw.Argument($"{Op}: rows and cols must be non-negative, got [{rows}, {cols}].");
        int words = SpikeSynapse.PackedWords(cols), dwords = SpikeSynapse.PackedWords(rows);
        if (bits.Length < (long)rows * words)
            Throw.Argument($"{Op}: bits holds {bits.Length} words, shorter than [rows, ceil(cols/64)] = [{rows}, {words}].", nameof(bits));
        if (destination.Length < (long)cols * dwords)
            Throw.Argument($"{Op}: destination holds {destination.Length} words, shorter than [cols, ceil(rows/64)] = [{cols}, {dwords}].", nameof(destination));
        if (rows == 0 || cols == 0) return;
        if (destination[..(cols * dwords)].Overlaps(bits[..(rows * words)]))
            Throw.Argument($"{Op}: the destination overlaps the source; pass a separate buffer.", nameof(destination));
        ulong last = (cols & 63) == 0 ? ulong.MaxValue : (1UL << (cols & 63)) - 1;
        ulong* a = stackalloc ulong[64];
        fixed (ulong* s = bits, d = destination)
        {
            for (int rb = 0; rb < dwords; rb++)
            {
                int r0 = rb * 64, rn = Math.Min(64, rows - r0);
                for (int wb = 0; wb < words; wb++)
                {
                    ulong mask = wb == words - 1 ? last : ulong.MaxValue;
                    for (int q = 0; q < rn; q++) a[q] = s[(nint)(r0 + q) * words + wb] & mask;
                    for (int q = rn; q < 64; q++) a[q] = 0;
                    Transpose64(a);
                    int c0 = wb * 64, cn = Math.Min(64, cols - c0);
                    for (int q = 0; q < cn; q++) d[(nint)(c0 + q) * dwords + rb] = a[q];
                }
            }
        }
    }

    /// <summary>Transposes a 64×64 bit block in place: bit c of a[r] ↔ bit r of a[c] (swap the off-diagonal halves, then quarters, …).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Transpose64(ulong* a)
    {
        ulong m = 0x00000000FFFFFFFFUL;
        for (int j = 32; j != 0; j >>= 1, m ^= m << j)
            for (int k = 0; k < 64; k = ((k | j) + 1) & ~j)
            {
                ulong t = ((a[k] >> j) ^ a[k | j]) & m;
                a[k | j] ^= t;
                a[k] ^= t << j;
            }
    }

    /// <summary>
    /// The CSR values in row order: <c>rowValues[k] = values[pattern.RowSlots[k]]</c> for k &lt; nnz, the form
    /// <see cref="MultiplyPackedInput"/> reads (weights of one output row contiguous, in ascending input order).
    /// </summary>
    /// <param name="pattern">The pattern.</param>
    /// <param name="values">Values by slot [nnz].</param>
    /// <param name="rowValues">[nnz], overwritten.</param>
    /// <exception cref="ArgumentException">A span is too short or the spans overlap.</exception>
    public static void GatherRowValues(CsrPattern pattern, ReadOnlySpan<float> values, Span<float> rowValues)
    {
        const string Op = "Csr.GatherRowValues";
        ArgumentNullException.ThrowIfNull(pattern);
        CheckValues(Op, pattern, values);
        int nnz = pattern.Nnz;
        if (rowValues.Length < nnz)
            Throw.Argument($"{Op}: rowValues holds {rowValues.Length} values but the [{pattern.Rows}, {pattern.Columns}] pattern has nnz = {nnz}.", nameof(rowValues));
        if (nnz == 0) return;
        if (rowValues[..nnz].Overlaps(values[..nnz]))
            Throw.Argument($"{Op}: rowValues overlaps values; pass a separate buffer.", nameof(rowValues));
        var slots = pattern.RowSlots;
        for (int k = 0; k < nnz; k++) rowValues[k] = values[slots[k]];
    }

    /// <summary>
    /// The sparse product on transposed bit-packed 0/1 input: effectively computes, for every output row o and sample
    /// j &lt; n, <c>acc = bias.IsEmpty ? 0 : bias[o]; for each group of 4 connections k = RowStart[o] + 4g .. + 3 (CSR order,
    /// ascending input i = RowColumns[k]; the last group of a row may be short): s = ((a₀ + a₁) + a₂) + a₃ with
    /// a_q = w_k if bit j of input RowColumns[k] is set, else +0 (also +0 for the missing members of a short group);
    /// acc += s; output[o·n + j] = acc</c>, with w_k = values[RowSlots[k]] (<paramref name="rowOrdered"/> false: values by
    /// slot) or w_k = values[k] (true: values in CSR order, as <see cref="GatherRowValues"/> writes them; contiguous reads,
    /// the faster form). For a 0/1 input X [n, in] this is Yᵀ = (W ⊙ M)·Xᵀ + b, the layout of
    /// <see cref="Multiply(CsrPattern, ReadOnlySpan{float}, bool, ReadOnlySpan{float}, int, ReadOnlySpan{float}, Span{float}, int)"/>;
    /// the grouping makes it differ from Multiply on the 0/1 floats (which adds one connection at a time) by rounding
    /// only. The grouping is what makes it fast at 512 bits: the 16 subset sums of a group's 4 weights fill one vector,
    /// and per 16 samples one permute (vpermps) picks each lane's sum by a 4-bit index built from the 4 inputs' bits
    /// (pre-spread once per call into one 64-byte line per input and 128 samples, so one line per input yields the
    /// indices of all 8 vectors with 3 bit-selects and 7 shifts): per group of 4 connections × 16 samples, about 4
    /// vector operations instead of 12 for a test (AND, compare) and a masked add per connection. Narrower widths add the selected
    /// weights in the same order. The bits are feature-major, [in, ceil(n/64)] (<see cref="TransposeBits"/> of the
    /// packed spikes): bit j % 64 of word i·⌈n/64⌉ + j/64 is sample j of input i; padding bits are ignored. Output rows
    /// are split into chunks claimed by <paramref name="threads"/>; bitwise equal to
    /// <see cref="Reference.CsrMultiplyPackedInput"/> for any thread count and at every vector width. Steady state
    /// allocates nothing (the calling thread keeps the spread bits, in × 64 bytes per 128 samples, grown on first use).
    /// </summary>
    /// <param name="pattern">The connection pattern W [out, in].</param>
    /// <param name="values">The weights [nnz], by slot or in CSR order (<paramref name="rowOrdered"/>).</param>
    /// <param name="rowOrdered">True when <paramref name="values"/> is in CSR order (<see cref="GatherRowValues"/>).</param>
    /// <param name="inputBitsT">Feature-major spike bits [in, ceil(n/64)].</param>
    /// <param name="n">Samples (columns of the output), ≥ 0.</param>
    /// <param name="bias">Bias [out], or empty.</param>
    /// <param name="output">Destination Yᵀ [out, n], overwritten; must not overlap the inputs.</param>
    /// <param name="threads">Threads, 1 to <see cref="FixedPartition.MaxThreads"/>.</param>
    /// <exception cref="ArgumentException">A span is too short, n is negative, or the output overlaps an input.</exception>
    public static void MultiplyPackedInput(CsrPattern pattern, ReadOnlySpan<float> values, bool rowOrdered, ReadOnlySpan<ulong> inputBitsT, int n,
        ReadOnlySpan<float> bias, Span<float> output, int threads = 1) =>
        MultiplyPackedInput(pattern, values, rowOrdered, inputBitsT, n, bias, output, threads, ParallelThreshold);

    /// <summary><see cref="MultiplyPackedInput(CsrPattern, ReadOnlySpan{float}, bool, ReadOnlySpan{ulong}, int, ReadOnlySpan{float}, Span{float}, int)"/> with an explicit parallel threshold (tests pass 0).</summary>
    internal static void MultiplyPackedInput(CsrPattern pattern, ReadOnlySpan<float> values, bool rowOrdered, ReadOnlySpan<ulong> inputBitsT, int n,
        ReadOnlySpan<float> bias, Span<float> output, int threads, long parallelThreshold) =>
        MultiplyPackedInput(pattern, values, rowOrdered, inputBitsT, n, bias, output, threads, parallelThreshold, SubsetTables.IsSupported);

    /// <summary>The product with the 512-bit subset-sum path on or off (tests compare both against the twin).</summary>
    internal static void MultiplyPackedInput(CsrPattern pattern, ReadOnlySpan<float> values, bool rowOrdered, ReadOnlySpan<ulong> inputBitsT, int n,
        ReadOnlySpan<float> bias, Span<float> output, int threads, long parallelThreshold, bool subsetTables)
    {
        const string Op = "Csr.MultiplyPackedInput";
        ArgumentNullException.ThrowIfNull(pattern);
        CheckThreads(Op, threads);
        CheckValues(Op, pattern, values);
        if (n < 0) Throw.OutOfRange(nameof(n), $"{Op}: n must be non-negative, got {n}.");
        int outF = pattern.Rows, inF = pattern.Columns, words = SpikeSynapse.PackedWords(n);
        if (inputBitsT.Length < (long)inF * words)
            Throw.Argument($"{Op}: inputBitsT holds {inputBitsT.Length} words, shorter than [in, ceil(n/64)] = [{inF}, {words}]; it must be feature-major bits (Csr.TransposeBits of the packed spikes [n, ceil(in/64)]).", nameof(inputBitsT));
        if (output.Length < (long)outF * n)
            Throw.Argument($"{Op}: output holds {output.Length} values, shorter than [out, n] = [{outF}, {n}].", nameof(output));
        if (!bias.IsEmpty && bias.Length < outF)
            Throw.Argument($"{Op}: bias holds {bias.Length} values but W has {outF} rows; pass a bias [out] or an empty span.", nameof(bias));
        if (n == 0) return;
        var o = output[..(outF * n)];
        if (o.Overlaps(values) || o.Overlaps(bias) || MemoryMarshal.AsBytes(o).Overlaps(MemoryMarshal.AsBytes(inputBitsT)))
            Throw.Argument($"{Op}: the output overlaps an input; pass a separate output buffer.", nameof(output));
        // Whole 128-sample blocks take the subset-sum path (512 bits only); its spread bits are made here, once per call.
        int tableBlocks = subsetTables && SubsetTables.IsSupported && outF > 0 ? n / PackedBlock : 0;
        fixed (int* st = pattern.RowStart, ix = pattern.RowColumns, sl = pattern.RowSlots)
        fixed (float* v = values, b = bias, y = output)
        fixed (ulong* x = inputBitsT)
        {
            uint* spread = tableBlocks > 0 ? SubsetTables.Spread((uint*)x, inF, words * 2, tableBlocks) : null;
            long work = (long)pattern.Nnz * n;
            int t = work < parallelThreshold ? 1 : threads;
            var bits = new PackedBits
            {
                Start = st, Index = ix, Bits = (uint*)x, Bias = b, Output = y, N = n, Stride = words * 2, HasBias = !bias.IsEmpty,
                Spread = spread, SpreadBlockStride = (nuint)inF * SubsetTables.LineUInts, TableBlocks = tableBlocks,
            };
            // With threads, more chunks than threads (about 32 rows each, at most 32 chunks), claimed as threads free
            // up, so a thread delayed by another process leaves its rows to the others. Each row is computed the same
            // way in any chunk, so the result does not depend on the chunks or the threads.
            int chunks = t == 1 ? 1 : Math.Clamp(outF / 32, t, 32);
            if (rowOrdered) FixedPartition.RunChunks(outF, chunks, t, new PackedInputJob<RowOrderedValues> { Bits = bits, Values = new RowOrderedValues { Values = v } });
            else FixedPartition.RunChunks(outF, chunks, t, new PackedInputJob<SlotValues> { Bits = bits, Values = new SlotValues { Values = v, Slots = sl } });
        }
    }

    /// <summary>Where connection k's weight is read: values[k] or values[slots[k]].</summary>
    interface IRowValues
    {
        float this[int k] { get; }
    }

    struct RowOrderedValues : IRowValues
    {
        public float* Values;

        public readonly float this[int k]
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => Values[k];
        }
    }

    struct SlotValues : IRowValues
    {
        public float* Values;
        public int* Slots;

        public readonly float this[int k]
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => Values[Slots[k]];
        }
    }

    /// <summary>The pattern, bits and output of one MultiplyPackedInput call.</summary>
    struct PackedBits
    {
        public int* Start, Index;
        public float* Bias, Output;
        public uint* Bits;
        public int N, Stride;
        public bool HasBias;
        // The spread bits of the first TableBlocks whole 128-sample blocks (SubsetTables.Spread), or null.
        public uint* Spread;
        public nuint SpreadBlockStride;
        public int TableBlocks;
    }

    /// <summary>One MultiplyPackedInput call; <see cref="Invoke"/> computes whole output rows, sample block by sample block.</summary>
    struct PackedInputJob<TValues> : IWorkerRangeBody where TValues : struct, IRowValues
    {
        public PackedBits Bits;
        public TValues Values;

        public readonly void Invoke(int worker, int startRow, int limitRow)
        {
            nuint n = (nuint)Bits.N;
            // Sample blocks outermost: one block of the bits ([in] × 16 bytes, or the spread [in] × 64 bytes) stays in
            // cache while every row uses it.
            for (nuint jb = 0; jb < n; jb += PackedBlock)
            {
                nuint je = Math.Min(jb + PackedBlock, n);
                bool table = jb / PackedBlock < (nuint)Bits.TableBlocks;
                for (int o = startRow; o < limitRow; o++)
                {
                    int k0 = Bits.Start[o], k1 = Bits.Start[o + 1];
                    float b0 = Bits.HasBias ? Bits.Bias[o] : 0f;
                    ref float y = ref *(Bits.Output + (nint)o * Bits.N);
                    nuint j = jb;
                    if (table)
                    {
                        SubsetTables.Row(Values, Bits.Index, k0, k1, b0, Bits.Spread + jb / PackedBlock * Bits.SpreadBlockStride, ref Unsafe.Add(ref y, jb));
                        continue;
                    }
                    if (Vector512.IsHardwareAccelerated) j = PackedColumns<Lanes512, Vector512<float>>(k0, k1, b0, ref y, j, je);
                    if (Vector256.IsHardwareAccelerated) j = PackedColumns<Lanes256, Vector256<float>>(k0, k1, b0, ref y, j, je);
                    if (Vector128.IsHardwareAccelerated) j = PackedColumns<Lanes128, Vector128<float>>(k0, k1, b0, ref y, j, je);
                    nuint stride = (nuint)Bits.Stride;
                    int* index = Bits.Index;
                    for (; j < je; j++)
                    {
                        float lane = Lanes1.LaneBits((int)(j & 31));
                        uint* b = Bits.Bits + (j >> 5);
                        float acc = b0;
                        for (int k = k0; k < k1; k += 4)
                        {
                            var g = Group<Lanes1, float>.Of(Values, index, k, k1, b, stride);
                            acc += g.Sum(0, lane);
                        }
                        Unsafe.Add(ref y, j) = acc;
                    }
                }
            }
        }

        /// <summary>
        /// Samples [j, end) of one output row at one width, as far as whole vectors go (8 accumulators per pass from a
        /// 32-sample boundary, then one at a time). Returns the first sample not done.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        readonly nuint PackedColumns<TW, TV>(int k0, int k1, float bias, ref float y, nuint j, nuint end)
            where TW : struct, ILanes<TV> where TV : struct
        {
            nuint c = TW.Count, stride = (nuint)Bits.Stride;
            int* index = Bits.Index;
            uint* bits = Bits.Bits;
            TValues values = Values;
            TV bv = TW.Splat(bias);
            if (j + BlockVectors * c <= end && (j & 31) == 0)
            {
                // Vector g of a pass reads bit word (g·c)/32 of the block at lane shift (g·c) % 32.
                TV l0 = TW.LaneBits(0), l1 = TW.LaneBits((int)(c % 32)), l2 = TW.LaneBits((int)(2 * c % 32)), l3 = TW.LaneBits((int)(3 * c % 32));
                TV l4 = TW.LaneBits((int)(4 * c % 32)), l5 = TW.LaneBits((int)(5 * c % 32)), l6 = TW.LaneBits((int)(6 * c % 32)), l7 = TW.LaneBits((int)(7 * c % 32));
                for (; j + BlockVectors * c <= end; j += BlockVectors * c)
                {
                    uint* block = bits + (j >> 5);
                    TV a0 = bv, a1 = bv, a2 = bv, a3 = bv, a4 = bv, a5 = bv, a6 = bv, a7 = bv;
                    for (int k = k0; k < k1; k += 4)
                    {
                        var g = Group<TW, TV>.Of(values, index, k, k1, block, stride);
                        a0 = TW.Add(a0, g.Sum(0, l0));
                        a1 = TW.Add(a1, g.Sum(c / 32, l1));
                        a2 = TW.Add(a2, g.Sum(2 * c / 32, l2));
                        a3 = TW.Add(a3, g.Sum(3 * c / 32, l3));
                        a4 = TW.Add(a4, g.Sum(4 * c / 32, l4));
                        a5 = TW.Add(a5, g.Sum(5 * c / 32, l5));
                        a6 = TW.Add(a6, g.Sum(6 * c / 32, l6));
                        a7 = TW.Add(a7, g.Sum(7 * c / 32, l7));
                    }
                    LaneBlocks.Store8<TW, TV>(a0, a1, a2, a3, a4, a5, a6, a7, ref y, j);
                }
            }
            for (; j + c <= end; j += c)
            {
                TV lane = TW.LaneBits((int)(j & 31));
                uint* block = bits + (j >> 5);
                TV a = bv;
                for (int k = k0; k < k1; k += 4)
                {
                    var g = Group<TW, TV>.Of(values, index, k, k1, block, stride);
                    a = TW.Add(a, g.Sum(0, lane));
                }
                TW.Store(a, ref y, j);
            }
            return j;
        }
    }

    /// <summary>
    /// One group of up to 4 connections k..k+3 of a row at one width: the weights broadcast (+0 for the missing members
    /// of a short group) and the bit rows of their inputs (a missing member reads the first member's bits; its weight is
    /// +0 either way).
    /// </summary>
    readonly struct Group<TW, TV> where TW : struct, ILanes<TV> where TV : struct
    {
        readonly TV _w0, _w1, _w2, _w3;
        readonly uint* _b0, _b1, _b2, _b3;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        Group(TV w0, TV w1, TV w2, TV w3, uint* b0, uint* b1, uint* b2, uint* b3)
        {
            _w0 = w0; _w1 = w1; _w2 = w2; _w3 = w3;
            _b0 = b0; _b1 = b1; _b2 = b2; _b3 = b3;
        }

        /// <summary>The group starting at connection k of a row ending before k1, reading the bit words at <paramref name="block"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Group<TW, TV> Of<TValues>(in TValues values, int* index, int k, int k1, uint* block, nuint stride) where TValues : struct, IRowValues
        {
            uint* b0 = block + (nuint)(uint)index[k] * stride;
            if (k + 4 <= k1)
                return new Group<TW, TV>(TW.Splat(values[k]), TW.Splat(values[k + 1]), TW.Splat(values[k + 2]), TW.Splat(values[k + 3]),
                    b0, block + (nuint)(uint)index[k + 1] * stride, block + (nuint)(uint)index[k + 2] * stride, block + (nuint)(uint)index[k + 3] * stride);
            return new Group<TW, TV>(TW.Splat(values[k]), k + 1 < k1 ? TW.Splat(values[k + 1]) : TW.Zero, k + 2 < k1 ? TW.Splat(values[k + 2]) : TW.Zero, TW.Zero,
                b0, k + 1 < k1 ? block + (nuint)(uint)index[k + 1] * stride : b0, k + 2 < k1 ? block + (nuint)(uint)index[k + 2] * stride : b0, b0);
        }

        /// <summary>((a₀ + a₁) + a₂) + a₃ for the vector reading bit word <paramref name="word"/> at lane bits <paramref name="lane"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Sum(nuint word, TV lane) =>
            TW.Add(TW.Add(TW.Add(TW.SelectWhereSet(_w0, TW.BroadcastBits(_b0[word]), lane), TW.SelectWhereSet(_w1, TW.BroadcastBits(_b1[word]), lane)),
                TW.SelectWhereSet(_w2, TW.BroadcastBits(_b2[word]), lane)), TW.SelectWhereSet(_w3, TW.BroadcastBits(_b3[word]), lane));
    }
}
