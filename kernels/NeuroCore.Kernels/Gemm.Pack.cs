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
            int rows = Math.Min(mr, mc - r);
            if (transA)
            {
                // Stored k×m: the MR values for one p are contiguous.
                float* src = a + (nint)p0 * lda + i0 + r;
                for (int p = 0; p < kc; p++, src += lda)
                {
                    float* d = dst + (nint)p * mr;
                    if (rows == mr) Unsafe.CopyBlockUnaligned(d, src, (uint)(mr * sizeof(float)));
                    else
                    {
                        for (int ii = 0; ii < rows; ii++) d[ii] = src[ii];
                        for (int ii = rows; ii < mr; ii++) d[ii] = 0f;
                    }
                }
            }
            else
            {
                // Stored m×k: each of the MR rows is a contiguous run along p, written with stride MR.
                float* src0 = a + (nint)(i0 + r) * lda + p0;
                int done = 0;
                if (Avx.IsSupported && mr == 8 && rows == 8)
                    for (; done + 8 <= kc; done += 8) Transpose8x8(src0 + done, lda, dst + (nint)done * 8, 8);
                for (int ii = 0; ii < rows; ii++)
                {
                    float* src = src0 + (nint)ii * lda;
                    float* d = dst + ii;
                    for (int p = done; p < kc; p++) d[(nint)p * mr] = src[p];
                }
                for (int ii = rows; ii < mr; ii++)
                    for (int p = 0; p < kc; p++) dst[(nint)p * mr + ii] = 0f;
            }
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
            int cols = Math.Min(nr, nc - q);
            if (!transB)
            {
                // Stored k×n: the NR values for one p are contiguous.
                float* src = b + (nint)p0 * ldb + j0 + q;
                for (int p = 0; p < kc; p++, src += ldb)
                {
                    float* d = dst + (nint)p * nr;
                    if (cols == nr) Unsafe.CopyBlockUnaligned(d, src, (uint)(nr * sizeof(float)));
                    else
                    {
                        for (int jj = 0; jj < cols; jj++) d[jj] = src[jj];
                        for (int jj = cols; jj < nr; jj++) d[jj] = 0f;
                    }
                }
            }
            else
            {
                // Stored n×k: each of the NR columns of op(B) is a contiguous run along p, written with stride NR.
                float* src0 = b + (nint)(j0 + q) * ldb + p0;
                int done = 0;
                if (Avx.IsSupported && nr % 8 == 0 && cols == nr)
                    for (; done + 8 <= kc; done += 8)
                        for (int jj = 0; jj < nr; jj += 8) Transpose8x8(src0 + (nint)jj * ldb + done, ldb, dst + (nint)done * nr + jj, nr);
                for (int jj = 0; jj < cols; jj++)
                {
                    float* src = src0 + (nint)jj * ldb;
                    float* d = dst + jj;
                    for (int p = done; p < kc; p++) d[(nint)p * nr] = src[p];
                }
                for (int jj = cols; jj < nr; jj++)
                    for (int p = 0; p < kc; p++) dst[(nint)p * nr + jj] = 0f;
            }
        }
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
