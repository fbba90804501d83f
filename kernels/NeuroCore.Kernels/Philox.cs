using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuroCore.Kernels;

/// <summary>
/// Philox4x32-10, the counter-based generator of Salmon, Moraes, Dror and Shaw, "Parallel Random Numbers: As Easy
/// as 1, 2, 3" (SC 2011): a keyed bijection of a 128-bit counter, 10 rounds of
/// <c>(c0, c1, c2, c3) → (hi(M1·c2) ⊕ c1 ⊕ k0, lo(M1·c2), hi(M0·c0) ⊕ c3 ⊕ k1, lo(M0·c0))</c> with the key bumped by the
/// Weyl constants (W0, W1) between rounds. NeuroCore's stream layout: the value with flat index i of
/// (seed, stream) is word <c>i mod 4</c> of the block with counter <c>(lo(i/4), hi(i/4), lo(stream), hi(stream))</c>
/// and key <c>(lo(seed), hi(seed))</c>. So any value can be regenerated on its own, results do not depend on how a
/// range is split over threads, and every vector width produces the same bits.
/// The vector path keeps whole blocks in registers (4 words per 128-bit lane): both multiplications of a round are
/// one widening even-lane multiply, and the word permutation is one in-lane shuffle.
/// </summary>
public static partial class Philox
{
    internal const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9, W1 = 0xBB67AE85;
    const float TwoPow24Inv = 1f / 16777216f;
    const int ChunkWords = 512; // stack scratch for bit chunks, 2 KiB

    /// <summary>
    /// One raw Philox4x32-10 block: encrypts the 4-word counter under the 2-word key, exactly as Random123's
    /// <c>philox4x32(ctr, key)</c> (the known-answer vectors of its <c>kat_vectors</c> file apply).
    /// </summary>
    /// <param name="counter">The counter words c0..c3.</param>
    /// <param name="key">The key words k0, k1.</param>
    /// <param name="result">The 4 output words.</param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public static void Block(ReadOnlySpan<uint> counter, ReadOnlySpan<uint> key, Span<uint> result)
    {
        if (counter.Length != 4) Throw.LengthMismatch("Philox.Block: counter words", 4, counter.Length);
        if (key.Length != 2) Throw.LengthMismatch("Philox.Block: key words", 2, key.Length);
        if (result.Length < 4) Throw.LengthMismatch("Philox.Block: result words", 4, result.Length);
        Block(counter[0], counter[1], counter[2], counter[3], key[0], key[1], out result[0], out result[1], out result[2], out result[3]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Block(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1,
        out uint r0, out uint r1, out uint r2, out uint r3)
    {
        for (int round = 0; round < 10; round++)
        {
            if (round > 0)
            {
                k0 += W0;
                k1 += W1;
            }
            ulong p0 = (ulong)M0 * c0;
            ulong p1 = (ulong)M1 * c2;
            uint n0 = (uint)(p1 >> 32) ^ c1 ^ k0;
            uint n2 = (uint)(p0 >> 32) ^ c3 ^ k1;
            c1 = (uint)p1;
            c3 = (uint)p0;
            c0 = n0;
            c2 = n2;
        }
        r0 = c0; r1 = c1; r2 = c2; r3 = c3;
    }

    /// <summary>The block of (seed, stream) with block number <paramref name="block"/> = flat index / 4.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void BlockAt(ulong seed, ulong stream, ulong block, out uint r0, out uint r1, out uint r2, out uint r3) =>
        Block((uint)block, (uint)(block >> 32), (uint)stream, (uint)(stream >> 32), (uint)seed, (uint)(seed >> 32),
            out r0, out r1, out r2, out r3);

    /// <summary>
    /// Raw 32-bit values: effectively computes <c>dst[i] = word ((index + i) mod 4) of the block (index + i) / 4</c>
    /// of (seed, stream).
    /// </summary>
    /// <param name="seed">The key: one seed per experiment.</param>
    /// <param name="stream">An independent stream per use (layer, purpose).</param>
    /// <param name="index">Flat index of dst[0] within the stream.</param>
    /// <param name="dst">The destination.</param>
    public static void Bits(ulong seed, ulong stream, ulong index, Span<uint> dst)
    {
        int n = dst.Length, i = 0;
        // Head: finish the block that index falls in.
        if ((index & 3) != 0 && n > 0)
        {
            BlockAt(seed, stream, index >> 2, out uint r0, out uint r1, out uint r2, out uint r3);
            for (ulong lane = index & 3; lane < 4 && i < n; lane++, i++)
                dst[i] = lane switch { 0 => r0, 1 => r1, 2 => r2, _ => r3 };
        }
        ulong block = (index + (ulong)i) >> 2;
        int whole = (n - i) & ~3;
        if (whole > 0)
        {
            Span<uint> body = dst.Slice(i, whole);
            int done = BlocksVector(seed, stream, block, body);
            for (block += (ulong)done / 4; done < whole; done += 4, block++)
            {
                BlockAt(seed, stream, block, out body[done], out body[done + 1], out body[done + 2], out body[done + 3]);
            }
            i += whole;
            block = (index + (ulong)i) >> 2;
        }
        if (i < n)
        {
            BlockAt(seed, stream, block, out uint r0, out uint r1, out uint r2, out uint r3);
            for (int lane = 0; i < n; lane++, i++)
                dst[i] = lane switch { 0 => r0, 1 => r1, 2 => r2, _ => r3 };
        }
    }

    /// <summary>
    /// Uniform floats in [0, 1): effectively computes <c>dst[i] = (b(index + i) &gt;&gt; 8) · 2⁻²⁴</c> where b is the raw
    /// value of <see cref="Bits"/>, so every value is a multiple of 2⁻²⁴ and exactly representable.
    /// </summary>
    /// <param name="seed">The key.</param>
    /// <param name="stream">The stream.</param>
    /// <param name="index">Flat index of dst[0] within the stream.</param>
    /// <param name="dst">The destination.</param>
    public static void Uniform(ulong seed, ulong stream, ulong index, Span<float> dst)
    {
        Span<uint> bits = MemoryMarshal.Cast<float, uint>(dst);
        for (int start = 0; start < dst.Length; start += ChunkWords)
        {
            // Chunked so the conversion pass reads bits that are still in L1.
            int len = Math.Min(ChunkWords, dst.Length - start);
            Bits(seed, stream, index + (ulong)start, bits.Slice(start, len));
            BitsToUniform(bits.Slice(start, len), dst.Slice(start, len));
        }
    }

    /// <summary>
    /// Standard normal floats by the Box–Muller transform of value pairs: for even j, <c>z(j) = r·cos θ</c> and
    /// <c>z(j+1) = r·sin θ</c>, with <c>r = √(−2 ln u)</c>, <c>u = ((b(j) &gt;&gt; 8) + 1)·2⁻²⁴ ∈ (0, 1]</c>, and
    /// <c>θ = q·π/2 + (f·2⁻²² − ½)·π/2</c> where q = b(j+1) &gt;&gt; 30 and f = (b(j+1) &gt;&gt; 8) mod 2²² (θ uniform on the
    /// circle); dst[i] = z(index + i). Finite everywhere (|z| ≤ 5.8). Logarithm, sine and cosine are evaluated with
    /// arithmetic-only polynomials, so every vector width and the scalar path give the same bits.
    /// </summary>
    /// <param name="seed">The key.</param>
    /// <param name="stream">The stream.</param>
    /// <param name="index">Flat index of dst[0] within the stream.</param>
    /// <param name="dst">The destination.</param>
    public static void Normal(ulong seed, ulong stream, ulong index, Span<float> dst)
    {
        Span<uint> bits = stackalloc uint[ChunkWords];
        Span<float> z = MemoryMarshal.Cast<uint, float>(bits);
        ulong end = index + (ulong)dst.Length;
        for (ulong a = index & ~1UL; a < end; a += ChunkWords) // pairs start at even flat indices
        {
            int len = (int)Math.Min(ChunkWords, (end - a + 1) & ~1UL);
            Bits(seed, stream, a, bits[..len]);
            NormalPairs(bits[..len]);
            ulong from = Math.Max(a, index), to = Math.Min(a + (ulong)len, end);
            z.Slice((int)(from - a), (int)(to - from)).CopyTo(dst[(int)(from - index)..]);
        }
    }

    /// <summary>
    /// Bernoulli draws: effectively computes <c>dst[i] = u(index + i) &lt; p[i] ? 1 : 0</c> with u the
    /// <see cref="Uniform"/> value, so p = 0 never fires and p = 1 always does. <paramref name="dst"/> may be
    /// <paramref name="p"/> (in place).
    /// </summary>
    /// <param name="seed">The key.</param>
    /// <param name="stream">The stream.</param>
    /// <param name="index">Flat index of dst[0] within the stream.</param>
    /// <param name="p">Probability of a 1 per element.</param>
    /// <param name="dst">The 0/1 destination, at least as long as p.</param>
    /// <exception cref="ArgumentException">dst is shorter than p.</exception>
    public static void Bernoulli(ulong seed, ulong stream, ulong index, ReadOnlySpan<float> p, Span<float> dst)
    {
        if (dst.Length < p.Length) Throw.DestinationTooShort(nameof(dst));
        Span<uint> bits = stackalloc uint[ChunkWords];
        Span<float> u = MemoryMarshal.Cast<uint, float>(bits);
        for (int start = 0; start < p.Length; start += ChunkWords)
        {
            int len = Math.Min(ChunkWords, p.Length - start);
            Bits(seed, stream, index + (ulong)start, bits[..len]);
            BitsToUniform(bits[..len], u[..len]);
            Elementwise.Zip<BernoulliOp>(u[..len], p.Slice(start, len), dst.Slice(start, len));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float ToUniform(uint bits) => (bits >> 8) * TwoPow24Inv;

    /// <summary>Converts raw values to uniform floats in place or into dst; (b &gt;&gt; 8) fits an int and converts exactly.</summary>
    static void BitsToUniform(ReadOnlySpan<uint> bits, Span<float> dst)
    {
        ref uint br = ref MemoryMarshal.GetReference(bits);
        ref float dr = ref MemoryMarshal.GetReference(dst);
        nuint i = 0, n = (nuint)bits.Length;
        if (Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16)
                (Vector512.ConvertToSingle(Vector512.ShiftRightLogical(Vector512.LoadUnsafe(ref br, i), 8).AsInt32()) *
                    Vector512.Create(TwoPow24Inv)).StoreUnsafe(ref dr, i);
        else if (Vector256.IsHardwareAccelerated)
            for (; i + 8 <= n; i += 8)
                (Vector256.ConvertToSingle(Vector256.ShiftRightLogical(Vector256.LoadUnsafe(ref br, i), 8).AsInt32()) *
                    Vector256.Create(TwoPow24Inv)).StoreUnsafe(ref dr, i);
        else if (Vector128.IsHardwareAccelerated)
            for (; i + 4 <= n; i += 4)
                (Vector128.ConvertToSingle(Vector128.ShiftRightLogical(Vector128.LoadUnsafe(ref br, i), 8).AsInt32()) *
                    Vector128.Create(TwoPow24Inv)).StoreUnsafe(ref dr, i);
        for (; i < n; i++)
            Unsafe.Add(ref dr, i) = ToUniform(Unsafe.Add(ref br, i));
    }

    /// <summary>
    /// Whole blocks at the widest vector width, starting at block number <paramref name="block"/>; returns how many
    /// words it wrote (a multiple of 4; the caller finishes the rest with scalar blocks).
    /// </summary>
    static int BlocksVector(ulong seed, ulong stream, ulong block, Span<uint> dst) =>
        Vector512.IsHardwareAccelerated ? Blocks512(seed, stream, block, dst) :
        Vector256.IsHardwareAccelerated ? Blocks256(seed, stream, block, dst) :
        Vector128.IsHardwareAccelerated ? Blocks128(seed, stream, block, dst) : 0;

    /// <summary>Whole blocks with 512-bit vectors (internal so tests can compare every width in one process).</summary>
    internal static int Blocks512(ulong seed, ulong stream, ulong block, Span<uint> dst)
    {
        // Key lanes (k0, 0, k1, 0) per block, so one xor adds k0 to word 0 and k1 to word 2.
        ref uint d = ref MemoryMarshal.GetReference(dst);
        int n = dst.Length, i = 0;
        Vector512<uint> key = Pairs512((uint)seed, (uint)(seed >> 32));
        Vector512<ulong> ctr = Vector512.Create(block, stream, block + 1, stream, block + 2, stream, block + 3, stream);
        Vector512<ulong> step = Vector512.Create(4UL, 0UL, 4UL, 0UL, 4UL, 0UL, 4UL, 0UL);
        for (; i + 32 <= n; i += 32)
        {
            // Two independent blocks groups per iteration hide the multiply latency of the round chain.
            Vector512<uint> a = ctr.AsUInt32(), b = (ctr + step).AsUInt32();
            Vector512<uint> k = key;
            for (int r = 0; r < 10; r++)
            {
                if (r > 0) k += Pairs512(W0, W1);
                a = Round(a, k);
                b = Round(b, k);
            }
            a.StoreUnsafe(ref d, (nuint)i);
            b.StoreUnsafe(ref d, (nuint)(i + 16));
            ctr += step + step;
        }
        return i;
    }

    /// <summary>Whole blocks with 256-bit vectors (internal so tests can compare every width in one process).</summary>
    internal static int Blocks256(ulong seed, ulong stream, ulong block, Span<uint> dst)
    {
        // Key lanes (k0, 0, k1, 0) per block, so one xor adds k0 to word 0 and k1 to word 2.
        ref uint d = ref MemoryMarshal.GetReference(dst);
        int n = dst.Length, i = 0;
        Vector256<uint> key = Pairs256((uint)seed, (uint)(seed >> 32));
        Vector256<ulong> ctr = Vector256.Create(Vector128.Create(block, stream), Vector128.Create(block + 1, stream));
        Vector256<ulong> step = Vector256.Create(Vector128.Create(2UL, 0UL), Vector128.Create(2UL, 0UL));
        for (; i + 16 <= n; i += 16)
        {
            Vector256<uint> a = ctr.AsUInt32(), b = (ctr + step).AsUInt32();
            Vector256<uint> k = key;
            for (int r = 0; r < 10; r++)
            {
                if (r > 0) k += Pairs256(W0, W1);
                a = Round(a, k);
                b = Round(b, k);
            }
            a.StoreUnsafe(ref d, (nuint)i);
            b.StoreUnsafe(ref d, (nuint)(i + 8));
            ctr += step + step;
        }
        return i;
    }

    /// <summary>Whole blocks with 128-bit vectors (internal so tests can compare every width in one process).</summary>
    internal static int Blocks128(ulong seed, ulong stream, ulong block, Span<uint> dst)
    {
        // Key lanes (k0, 0, k1, 0) per block, so one xor adds k0 to word 0 and k1 to word 2.
        ref uint d = ref MemoryMarshal.GetReference(dst);
        int n = dst.Length, i = 0;
        Vector128<uint> key = Pairs128((uint)seed, (uint)(seed >> 32));
        Vector128<ulong> ctr = Vector128.Create(block, stream);
        Vector128<ulong> step = Vector128.Create(1UL, 0UL);
        for (; i + 8 <= n; i += 8)
        {
            Vector128<uint> a = ctr.AsUInt32(), b = (ctr + step).AsUInt32();
            Vector128<uint> k = key;
            for (int r = 0; r < 10; r++)
            {
                if (r > 0) k += Pairs128(W0, W1);
                a = Round(a, k);
                b = Round(b, k);
            }
            a.StoreUnsafe(ref d, (nuint)i);
            b.StoreUnsafe(ref d, (nuint)(i + 4));
            ctr += step + step;
        }
        return i;
    }

    // One round on whole blocks (c0, c1, c2, c3) per 128-bit lane; k holds (k0, 0, k1, 0).
    // prod = (lo(M0·c0), hi(M0·c0), lo(M1·c2), hi(M1·c2)); reversing its words gives (hi1, lo1, hi0, lo0), and
    // c shifted right by 32 within each 64-bit half gives (c1, 0, c3, 0): their xor with k is the next state.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector512<uint> Round(Vector512<uint> c, Vector512<uint> k)
    {
        Vector512<uint> m = Pairs512(M0, M1);
        Vector512<uint> prod = Avx512F.IsSupported
            ? Avx512F.Multiply(c, m).AsUInt32()
            : ((c.AsUInt64() & Vector512.Create(0xFFFFFFFFUL)) * m.AsUInt64()).AsUInt32();
        Vector512<uint> swapped = Avx512F.IsSupported
            ? Avx512F.Shuffle(prod, 0b00_01_10_11)
            : Vector512.Shuffle(prod, Vector512.Create(3u, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12));
        return swapped ^ Vector512.ShiftRightLogical(c.AsUInt64(), 32).AsUInt32() ^ k;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<uint> Round(Vector256<uint> c, Vector256<uint> k)
    {
        Vector256<uint> m = Pairs256(M0, M1);
        Vector256<uint> prod = Avx2.IsSupported
            ? Avx2.Multiply(c, m).AsUInt32()
            : ((c.AsUInt64() & Vector256.Create(0xFFFFFFFFUL)) * m.AsUInt64()).AsUInt32();
        Vector256<uint> swapped = Avx2.IsSupported
            ? Avx2.Shuffle(prod, 0b00_01_10_11)
            : Vector256.Shuffle(prod, Vector256.Create(3u, 2, 1, 0, 7, 6, 5, 4));
        return swapped ^ Vector256.ShiftRightLogical(c.AsUInt64(), 32).AsUInt32() ^ k;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector128<uint> Round(Vector128<uint> c, Vector128<uint> k)
    {
        Vector128<uint> m = Pairs128(M0, M1);
        Vector128<uint> prod = Sse2.IsSupported
            ? Sse2.Multiply(c, m).AsUInt32()
            : ((c.AsUInt64() & Vector128.Create(0xFFFFFFFFUL)) * m.AsUInt64()).AsUInt32();
        Vector128<uint> swapped = Sse2.IsSupported
            ? Sse2.Shuffle(prod, 0b00_01_10_11)
            : Vector128.Shuffle(prod, Vector128.Create(3u, 2, 1, 0));
        return swapped ^ Vector128.ShiftRightLogical(c.AsUInt64(), 32).AsUInt32() ^ k;
    }

    // (a, 0, b, 0) in every 128-bit lane: per-block constants for words 0 and 2.
    static Vector128<uint> Pairs128(uint a, uint b) => Vector128.Create(a, 0u, b, 0u);

    static Vector256<uint> Pairs256(uint a, uint b) => Vector256.Create(Pairs128(a, b), Pairs128(a, b));

    static Vector512<uint> Pairs512(uint a, uint b) => Vector512.Create(Pairs256(a, b), Pairs256(a, b));

    /// <summary>u &lt; p ? 1 : 0, the Bernoulli threshold, for the elementwise driver.</summary>
    readonly struct BernoulliOp : IBinaryOp
    {
        public static float Invoke(float u, float p) => u < p ? 1f : 0f;

        public static Vector128<float> Invoke(Vector128<float> u, Vector128<float> p) =>
            Vector128.ConditionalSelect(Vector128.LessThan(u, p), Vector128<float>.One, Vector128<float>.Zero);

        public static Vector256<float> Invoke(Vector256<float> u, Vector256<float> p) =>
            Vector256.ConditionalSelect(Vector256.LessThan(u, p), Vector256<float>.One, Vector256<float>.Zero);

        public static Vector512<float> Invoke(Vector512<float> u, Vector512<float> p) =>
            Vector512.ConditionalSelect(Vector512.LessThan(u, p), Vector512<float>.One, Vector512<float>.Zero);
    }
}
