using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuroCore.Kernels;

public static unsafe partial class Gemm
{
    /// <summary>Largest micro-tile (MR·NR over all kernels), the size of the scratch tile for edges.</summary>
    const int MaxTile = 16 * 32;

    /// <summary>
    /// Packs op(A)[i0..i0+mc, p0..p0+kc) into MR-row micro-panels: panel r holds, for each p, the MR values
    /// op(A)[i0 + r·MR + ii, p0 + p] at dst[(r·kc + p)·MR + ii]. Rows past mc are zero, so edge tiles run the full kernel.
    /// </summary>
    static void PackA(bool transA, float* a, nint lda, int i0, int mc, int p0, int kc, float* dst)
    {
        int mr = Mr;
        for (int r = 0; r < mc; r += mr, dst += (nint)mr * kc)
        {
            // Stored k×m (transposed): the MR values of one p are contiguous; stored m×k: each row runs along p.
            float* src = transA ? a + p0 * lda + i0 + r : a + (i0 + r) * lda + p0;
            PackPanel(src, lda, lanesContiguous: transA, Math.Min(mr, mc - r), mr, kc, dst);
        }
    }

    /// <summary>
    /// Packs op(B)[p0..p0+kc, j0..j0+nc) into NR-column micro-panels: panel q holds, for each p, the NR values
    /// op(B)[p0 + p, j0 + q·NR + jj] at dst[(q·kc + p)·NR + jj]. Columns past nc are zero.
    /// </summary>
    static void PackB(bool transB, float* b, nint ldb, int p0, int kc, int j0, int nc, float* dst)
    {
        int nr = Nr;
        for (int q = 0; q < nc; q += nr, dst += (nint)nr * kc)
        {
            // Stored k×n: the NR values of one p are contiguous; stored n×k (transposed): each column runs along p.
            float* src = transB ? b + (j0 + q) * ldb + p0 : b + p0 * ldb + j0 + q;
            PackPanel(src, ldb, lanesContiguous: !transB, Math.Min(nr, nc - q), nr, kc, dst);
        }
    }

    /// <summary>
    /// Packs one micro-panel: dst[p·width + l] = lane l at step p for p &lt; kc, zero for lanes l ≥ <paramref name="lanes"/>.
    /// Lane l at step p is src[p·ld + l] when <paramref name="lanesContiguous"/>, else src[l·ld + p].
    /// </summary>
    static void PackPanel(float* src, nint ld, bool lanesContiguous, int lanes, int width, int kc, float* dst)
    {
        if (lanesContiguous)
        {
            for (int p = 0; p < kc; p++, src += ld)
            {
                float* d = dst + (nint)p * width;
                if (lanes == width) Unsafe.CopyBlockUnaligned(d, src, (uint)(width * sizeof(float)));
                else
                {
                    for (int l = 0; l < lanes; l++) d[l] = src[l];
                    for (int l = lanes; l < width; l++) d[l] = 0f;
                }
            }
            return;
        }
        // Lanes run along p in memory: transpose 8×8 blocks while whole blocks remain, then scalar.
        int done = 0;
        if (Avx.IsSupported && width % 8 == 0 && lanes == width)
            for (; done + 8 <= kc; done += 8)
                for (int l = 0; l < width; l += 8) Transpose8x8(src + l * ld + done, ld, dst + (nint)done * width + l, width);
        for (int l = 0; l < lanes; l++)
        {
            float* s = src + l * ld;
            for (int p = done; p < kc; p++) dst[(nint)p * width + l] = s[p];
        }
        for (int l = lanes; l < width; l++)
            for (int p = 0; p < kc; p++) dst[(nint)p * width + l] = 0f;
    }

    /// <summary>
    /// Writes the transpose of the 8×8 block src[r·ldSrc + c] to dst[c·ldDst + r] with AVX shuffles
    /// (callers check <see cref="Avx.IsSupported"/>; the scalar packing loops handle everything else).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Transpose8x8(float* src, nint ldSrc, float* dst, nint ldDst)
    {
        Vector256<float> r0 = Avx.LoadVector256(src), r1 = Avx.LoadVector256(src + ldSrc);
        Vector256<float> r2 = Avx.LoadVector256(src + 2 * ldSrc), r3 = Avx.LoadVector256(src + 3 * ldSrc);
        Vector256<float> r4 = Avx.LoadVector256(src + 4 * ldSrc), r5 = Avx.LoadVector256(src + 5 * ldSrc);
        Vector256<float> r6 = Avx.LoadVector256(src + 6 * ldSrc), r7 = Avx.LoadVector256(src + 7 * ldSrc);
        // Interleave pairs of rows, then pairs of pairs, then swap 128-bit halves.
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(dst + ldDst, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(dst + 2 * ldDst, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(dst + 3 * ldDst, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(dst + 4 * ldDst, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(dst + 5 * ldDst, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(dst + 6 * ldDst, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(dst + 7 * ldDst, Avx.Permute2x128(u3, u7, 0x31));
    }

    /// <summary>
    /// Per-thread packing buffers, allocated once per thread on the pinned object heap (64-byte aligned pointers)
    /// and reused by every later call on that thread, so steady-state SGEMM allocates nothing.
    /// </summary>
    sealed class PackBuffers
    {
        [ThreadStatic] static PackBuffers? t_current;

        // Held so the pinned arrays live as long as the thread uses the pointers.
        readonly float[] _storage;

        /// <summary>Packed A block, MC×KC.</summary>
        public float* A { get; }

        /// <summary>Packed B block, KC×NC.</summary>
        public float* B { get; }

        PackBuffers()
        {
            int aLength = McTarget * KcMax, bLength = KcMax * Nc;
            // 16 spare floats for the alignment of each buffer.
            _storage = GC.AllocateUninitializedArray<float>(aLength + bLength + 32, pinned: true);
            float* start = (float*)Unsafe.AsPointer(ref _storage[0]);
            A = (float*)(((nint)start + 63) & ~(nint)63);
            B = (float*)(((nint)(A + aLength) + 63) & ~(nint)63);
        }

        public static PackBuffers ForCurrentThread() => t_current ??= new PackBuffers();
    }
}
