using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using NeuroCore.Kernels.Parallel;

namespace NeuroCore.Kernels;

public static unsafe partial class Lif
{
    // Blocks of 64 neurons (one spike word) per tile of the packed scan: 1024 neurons when the rows are at least that wide.
    const nuint PackedTileBlocks = Tile / 64;

    /// <summary>
    /// The LIF scan of <see cref="ScanForward(ReadOnlySpan{float}, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, LifReset, Span{float}, Span{float}, Span{float}, int)"/>
    /// for inference, writing the spikes bit-packed instead of as floats: the N = rows·features neurons are
    /// <paramref name="rows"/> rows (samples) of <paramref name="features"/>, and for every step t, row r and feature f
    /// the bit <c>f % 64</c> of <c>spikeBits[(t·rows + r)·W + f / 64]</c> is S_t (W = <see cref="SpikeSynapse.PackedWords"/>(features));
    /// the padding bits of a row's last word are 0. That is [T, rows, W] ulong, 1/32 of the float spikes' bytes, and
    /// what <see cref="SpikeSynapse.Compact(ReadOnlySpan{ulong}, int, int, Span{int}, Span{int})"/> reads. The spikes,
    /// V and the arithmetic are bitwise those of the float scan (and of <see cref="Reference.LifScanForwardPacked"/>).
    /// </summary>
    /// <param name="input">Synaptic current I[T, rows, features].</param>
    /// <param name="steps">T (≥ 0).</param>
    /// <param name="rows">Rows (batch), ≥ 0.</param>
    /// <param name="features">Neurons per row, ≥ 0.</param>
    /// <param name="beta">Decay β[rows·features].</param>
    /// <param name="threshold">Threshold θ[rows·features].</param>
    /// <param name="reset">Soft or hard reset.</param>
    /// <param name="v">Membrane V[rows·features]: V0 in, V_{T−1} out.</param>
    /// <param name="spikeBits">Destination [T, rows, W] words, overwritten (padding bits included).</param>
    /// <param name="threads">
    /// Threads to use, 1 to <see cref="FixedPartition.MaxThreads"/>: tiles of 16 words are split over them. Results
    /// are bitwise equal for every thread count.
    /// </param>
    /// <exception cref="ArgumentException">A span is too short, or a count is negative.</exception>
    public static void ScanForward(ReadOnlySpan<float> input, int steps, int rows, int features, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> threshold, LifReset reset, Span<float> v, Span<ulong> spikeBits, int threads = 1)
    {
        const string Op = "Lif.ScanForward (packed)";
        CheckCounts(steps, rows);
        if (features < 0) Throw.OutOfRange(nameof(features), $"{Op}: features must be non-negative, got {features}.");
        CheckThreads(threads, Op);
        long neurons = (long)rows * features;
        if (neurons > int.MaxValue) Throw.Argument($"{Op}: rows × features = {rows} × {features} does not fit one span.");
        long total = steps * neurons;
        if (input.Length < total)
            Throw.Argument($"{Op}: input holds {input.Length} values, shorter than [T, rows, features] = [{steps}, {rows}, {features}] ({total}).", nameof(input));
        CheckNeuronSpans((int)neurons, beta, threshold);
        if (v.Length < neurons) Throw.DestinationTooShort(nameof(v));
        long words = (long)SpikeSynapse.PackedWords(features) * rows;
        if (spikeBits.Length < steps * words)
            Throw.Argument($"{Op}: spikeBits holds {spikeBits.Length} words, shorter than [T, rows, ceil(features/64)] = [{steps}, {rows}, {SpikeSynapse.PackedWords(features)}] ({steps * words}).", nameof(spikeBits));
        if (total == 0) return;

        fixed (float* pi = input, pb = beta, pt = threshold, pv = v)
        fixed (ulong* ps = spikeBits)
        {
            var job = new PackedJob
            {
                Input = pi, Beta = pb, Threshold = pt, V = pv, Bits = ps,
                N = (nuint)neurons, T = (nuint)steps, Features = (nuint)features, Words = (nuint)SpikeSynapse.PackedWords(features),
                Blocks = (nuint)words, Soft = reset == LifReset.Soft,
            };
            int tiles = (int)((job.Blocks + PackedTileBlocks - 1) / PackedTileBlocks);
            if (threads == 1 || tiles <= 1) job.Invoke(0, tiles);
            else FixedPartition.Run(tiles, threads, in job);
        }
    }

    /// <summary>
    /// One LIF step writing packed spikes: <see cref="ScanForward(ReadOnlySpan{float}, int, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, LifReset, Span{float}, Span{ulong}, int)"/>
    /// with T = 1 and rows = input.Length / features. Allocates nothing.
    /// </summary>
    /// <param name="input">Synaptic current I[rows, features] for this step.</param>
    /// <param name="features">Neurons per row (&gt; 0, dividing input.Length).</param>
    /// <param name="beta">Decay β[rows·features].</param>
    /// <param name="threshold">Threshold θ[rows·features].</param>
    /// <param name="reset">Soft or hard reset.</param>
    /// <param name="v">Membrane V[rows·features], updated in place.</param>
    /// <param name="spikeBits">Destination [rows, ceil(features/64)] words.</param>
    /// <exception cref="ArgumentException">features does not divide the input, or a span is too short.</exception>
    public static void Step(ReadOnlySpan<float> input, int features, ReadOnlySpan<float> beta, ReadOnlySpan<float> threshold,
        LifReset reset, Span<float> v, Span<ulong> spikeBits)
    {
        if (features <= 0 || input.Length % features != 0)
            Throw.Argument($"Lif.Step (packed): features = {features} must be positive and divide the input's {input.Length} values (input is [rows, features]).", nameof(features));
        ScanForward(input, 1, input.Length / features, features, beta, threshold, reset, v, spikeBits);
    }

    /// <summary>Soft reset, as a type argument: the reset kind is a JIT-time constant in the packed scan's loops.</summary>
    struct SoftKind;

    /// <summary>Hard reset, as a type argument.</summary>
    struct HardKind;

    /// <summary>One packed scan's operands; <see cref="Invoke"/> runs the tiles [start, limit) of 16 words each.</summary>
    struct PackedJob : IRangeBody
    {
        public float* Input, Beta, Threshold, V;
        public ulong* Bits;
        public nuint N, T, Features, Words, Blocks;
        public bool Soft;

        public readonly void Invoke(int start, int limit) =>
            ForwardPacked(in this, (nuint)start * PackedTileBlocks, Math.Min((nuint)limit * PackedTileBlocks, Blocks));
    }

    /// <summary>
    /// The packed scan over the words (blocks of up to 64 neurons of one row) [b0, b1): tile by tile, so the tile's V,
    /// β and θ stay in L1 while the input rows stream past. Steps go four at a time (<see cref="Block4"/>: V, β and θ
    /// stay in registers for four steps, and the next four input rows of the block are prefetched), then one at a time.
    /// </summary>
    static void ForwardPacked(in PackedJob job, nuint b0, nuint b1)
    {
        if (job.Soft) ForwardPacked<SoftKind>(in job, b0, b1);
        else ForwardPacked<HardKind>(in job, b0, b1);
    }

    /// <summary><see cref="ForwardPacked(in PackedJob, nuint, nuint)"/> for one reset kind, a compile-time constant in the loops.</summary>
    static void ForwardPacked<TReset>(in PackedJob job, nuint b0, nuint b1) where TReset : struct
    {
        ref float ir = ref Unsafe.AsRef<float>(job.Input);
        ref float br = ref Unsafe.AsRef<float>(job.Beta);
        ref float tr = ref Unsafe.AsRef<float>(job.Threshold);
        ref float vr = ref Unsafe.AsRef<float>(job.V);
        ref ulong sr = ref Unsafe.AsRef<ulong>(job.Bits);
        nuint n = job.N, T = job.T, f = job.Features, words = job.Words, blocks = job.Blocks;
        for (nuint t0 = b0; t0 < b1; t0 += PackedTileBlocks)
        {
            nuint t1 = Math.Min(t0 + PackedTileBlocks, b1);
            // Where the tile's first block starts: row r0, word w0, neuron j0 = r0·F + w0·64.
            nuint r0 = t0 / words, w0 = t0 - r0 * words, j0 = r0 * f + w0 * 64;
            nuint t = 0, row = 0, wordRow = 0;
            for (; t + 4 <= T; t += 4, row += 4 * n, wordRow += 4 * blocks)
            {
                // Prefetch the next four steps' rows while they exist (prefetches never fault, but stay inside the input).
                float* next = t + 8 <= T ? job.Input + row + 4 * n : null;
                if (f % 64 == 0)
                {
                    // Whole words only: block b is neurons [64·b, 64·b + 64), one contiguous run for the tile.
                    Run4<TReset>(ref Unsafe.Add(ref ir, row), n, ref br, ref tr, ref vr, j0, t1 - t0, next, ref Unsafe.Add(ref sr, wordRow + t0), blocks);
                    continue;
                }
                nuint w = w0, j = j0, rowEnd = (r0 + 1) * f;
                for (nuint b = t0; b < t1; b++)
                {
                    nuint count = Math.Min(64, rowEnd - j);
                    Block4<TReset>(ref Unsafe.Add(ref ir, row), n, ref br, ref tr, ref vr, j, count, next,
                        ref Unsafe.Add(ref sr, wordRow + b), blocks);
                    j += count;
                    if (++w == words)
                    {
                        w = 0;
                        rowEnd += f;
                    }
                }
            }
            for (; t < T; t++, row += n, wordRow += blocks)
            {
                nuint w = w0, j = j0, rowEnd = (r0 + 1) * f;
                for (nuint b = t0; b < t1; b++)
                {
                    nuint count = Math.Min(64, rowEnd - j);
                    Unsafe.Add(ref sr, wordRow + b) = Block<TReset>(ref Unsafe.Add(ref ir, row), ref br, ref tr, ref vr, j, count);
                    j += count;
                    if (++w == words)
                    {
                        w = 0;
                        rowEnd += f;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Four steps of <paramref name="words"/> whole words (64·words contiguous neurons from <paramref name="j"/>), as
    /// <see cref="Block4{TReset}"/> on each word but with the word loop inside one call (the count a constant 64): the
    /// call and prefetch set-up per word cost about a quarter of the vector work.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    static void Run4<TReset>(ref float ir, nuint n, ref float br, ref float tr, ref float vr, nuint j, nuint words,
        float* prefetch, ref ulong sr, nuint stride) where TReset : struct
    {
        for (nuint b = 0; b < words; b++, j += 64)
        {
            if (prefetch != null && Sse.IsSupported)
                for (nuint u = 0; u < 4; u++)
                {
                    float* p = prefetch + u * n + j;
                    Sse.Prefetch0(p);
                    Sse.Prefetch0(p + 16);
                    Sse.Prefetch0(p + 32);
                    Sse.Prefetch0(p + 48);
                }
            Words4<TReset>(ref ir, n, ref br, ref tr, ref vr, j, 64, ref Unsafe.Add(ref sr, b), stride);
        }
    }

    /// <summary>
    /// Four steps of the <paramref name="count"/> (≤ 64) neurons from <paramref name="j"/>: input rows
    /// <paramref name="ir"/> + u·<paramref name="n"/>, spike words <paramref name="sr"/> + u·<paramref name="stride"/>
    /// (u = 0..3). <paramref name="prefetch"/> (or null) is the block's row four steps ahead, fetched into the cache.
    /// Not inlined: inside the tile loops the JIT ran out of registers and spilled the vector loop's counters (1.4×
    /// slower on W2).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    static void Block4<TReset>(ref float ir, nuint n, ref float br, ref float tr, ref float vr, nuint j, nuint count,
        float* prefetch, ref ulong sr, nuint stride) where TReset : struct
    {
        if (prefetch != null && Sse.IsSupported)
            for (nuint u = 0; u < 4; u++)
                for (nuint q = 0; q < count; q += 16) Sse.Prefetch0(prefetch + u * n + j + q);
        Words4<TReset>(ref ir, n, ref br, ref tr, ref vr, j, count, ref sr, stride);
    }

    /// <summary>
    /// The four steps of <see cref="Block4{TReset}"/> without the prefetch. Each step is the single-step formula, so
    /// the result is bitwise that of four <see cref="Block{TReset}"/> calls; V, β and θ stay in registers across them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Words4<TReset>(ref float ir, nuint n, ref float br, ref float tr, ref float vr, nuint j, nuint count,
        ref ulong sr, nuint stride) where TReset : struct
    {
        ref float i0 = ref Unsafe.Add(ref ir, j);
        ulong s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        nuint k = 0;
        if (Vector512.IsHardwareAccelerated)
            k = Words4<TReset, Lanes512, Vector512<float>>(ref i0, n, ref br, ref tr, ref vr, j, count, ref s0, ref s1, ref s2, ref s3);
        else if (Vector256.IsHardwareAccelerated)
            k = Words4<TReset, Lanes256, Vector256<float>>(ref i0, n, ref br, ref tr, ref vr, j, count, ref s0, ref s1, ref s2, ref s3);
        else if (Vector128.IsHardwareAccelerated)
            k = Words4<TReset, Lanes128, Vector128<float>>(ref i0, n, ref br, ref tr, ref vr, j, count, ref s0, ref s1, ref s2, ref s3);
        Words4<TReset, Lanes1, float>(ref i0, n, ref br, ref tr, ref vr, j, count, ref s0, ref s1, ref s2, ref s3, k);
        sr = s0;
        Unsafe.Add(ref sr, stride) = s1;
        Unsafe.Add(ref sr, 2 * stride) = s2;
        Unsafe.Add(ref sr, 3 * stride) = s3;
    }

    /// <summary>
    /// The whole lane groups of <see cref="Words4{TReset}"/>'s neurons [j + k, j + count): four steps each, the spike
    /// bit of neuron j + k of step u OR-ed into bit k of <paramref name="s0"/>..<paramref name="s3"/>. Returns where the
    /// lane groups stopped.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static nuint Words4<TReset, TL, TV>(ref float i0, nuint n, ref float br, ref float tr, ref float vr, nuint j, nuint count,
        ref ulong s0, ref ulong s1, ref ulong s2, ref ulong s3, nuint k = 0)
        where TReset : struct where TL : struct, ILanes<TV> where TV : struct
    {
        ref float i1 = ref Unsafe.Add(ref i0, n);
        ref float i2 = ref Unsafe.Add(ref i1, n);
        ref float i3 = ref Unsafe.Add(ref i2, n);
        for (; k + TL.Count <= count; k += TL.Count)
        {
            nuint i = j + k;
            TV th = TL.Load(ref tr, i), b = TL.Load(ref br, i), v = TL.Load(ref vr, i);
            s0 |= Step<TReset, TL, TV>(ref v, b, th, TL.Load(ref i0, k)) << (int)k;
            s1 |= Step<TReset, TL, TV>(ref v, b, th, TL.Load(ref i1, k)) << (int)k;
            s2 |= Step<TReset, TL, TV>(ref v, b, th, TL.Load(ref i2, k)) << (int)k;
            s3 |= Step<TReset, TL, TV>(ref v, b, th, TL.Load(ref i3, k)) << (int)k;
            TL.Store(v, ref vr, i);
        }
        return k;
    }

    /// <summary>One step of one lane group: updates <paramref name="v"/> and returns the spike bits (the scan's formula).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static ulong Step<TReset, TL, TV>(ref TV v, TV b, TV th, TV x) where TReset : struct where TL : struct, ILanes<TV> where TV : struct
    {
        TV h = Charge<TL, TV>(b, v, x);
        v = Reset<TL, TV>(typeof(TReset) == typeof(SoftKind), h, TL.GreaterOrEqualOne(h, th), th, TL.Splat(1f));
        return TL.GreaterOrEqualBits(h, th);
    }

    /// <summary>Steps the <paramref name="count"/> (≤ 64) neurons from <paramref name="j"/> once and returns their spike bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static ulong Block<TReset>(ref float ir, ref float br, ref float tr, ref float vr, nuint j, nuint count) where TReset : struct
    {
        ulong bits = 0;
        nuint k = 0;
        if (Vector512.IsHardwareAccelerated) k = Block<TReset, Lanes512, Vector512<float>>(ref ir, ref br, ref tr, ref vr, j, count, ref bits);
        else if (Vector256.IsHardwareAccelerated) k = Block<TReset, Lanes256, Vector256<float>>(ref ir, ref br, ref tr, ref vr, j, count, ref bits);
        else if (Vector128.IsHardwareAccelerated) k = Block<TReset, Lanes128, Vector128<float>>(ref ir, ref br, ref tr, ref vr, j, count, ref bits);
        Block<TReset, Lanes1, float>(ref ir, ref br, ref tr, ref vr, j, count, ref bits, k);
        return bits;
    }

    /// <summary>
    /// The whole lane groups of <see cref="Block{TReset}"/>'s neurons [j + k, j + count), the spike of neuron j + k
    /// OR-ed into bit k of <paramref name="bits"/>; returns where the lane groups stopped.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static nuint Block<TReset, TL, TV>(ref float ir, ref float br, ref float tr, ref float vr, nuint j, nuint count, ref ulong bits,
        nuint k = 0) where TReset : struct where TL : struct, ILanes<TV> where TV : struct
    {
        for (; k + TL.Count <= count; k += TL.Count)
        {
            nuint i = j + k;
            TV v = TL.Load(ref vr, i);
            bits |= Step<TReset, TL, TV>(ref v, TL.Load(ref br, i), TL.Load(ref tr, i), TL.Load(ref ir, i)) << (int)k;
            TL.Store(v, ref vr, i);
        }
        return k;
    }
}
