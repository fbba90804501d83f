using System.Runtime.CompilerServices;

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
                for (int ii = 0; ii < rows; ii++)
                {
                    float* src = a + (nint)(i0 + r + ii) * lda + p0;
                    float* d = dst + ii;
                    for (int p = 0; p < kc; p++) d[(nint)p * mr] = src[p];
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
                for (int jj = 0; jj < cols; jj++)
                {
                    float* src = b + (nint)(j0 + q + jj) * ldb + p0;
                    float* d = dst + jj;
                    for (int p = 0; p < kc; p++) d[(nint)p * nr] = src[p];
                }
                for (int jj = cols; jj < nr; jj++)
                    for (int p = 0; p < kc; p++) dst[(nint)p * nr + jj] = 0f;
            }
        }
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
