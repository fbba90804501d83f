using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

// The short path: C = Aᵀ·B with a few rows (m ≤ 16) and a long k, as in the weight gradient of a linear layer with few
// outputs (dW = dYᵀ·X, [10, rows]·[rows, 512]). The packed path would pack the whole k×n of B for a product that reads
// each element of B once and run its tiles at m/MR height, so here B is streamed once, row by row, into per-thread
// sums of C held in L1.
public static unsafe partial class Gemm
{
    /// <summary>Most rows of C the short path takes.</summary>
    const int ShortMaxM = 16;

    /// <summary>Least k for the short path: below it packing B costs little.</summary>
    const int ShortMinK = 64;

    /// <summary>Columns of C per unit of the thread split on the short path (and per L1 sum buffer).</summary>
    const int ShortBlock = 64;

    /// <summary>Rows of B per pass over one column block: 256 × 64 floats (64 KiB) stay in L2 for every row group.</summary>
    const int ShortKBlock = 256;

    /// <summary>Whether a product takes the short path (see Gemm.Short.cs).</summary>
    static bool IsShort(bool transA, bool transB, int m, int k) => transA && !transB && m <= ShortMaxM && k >= ShortMinK;

    /// <summary>
    /// Columns [n0, n1) of C on the short path (n0 a block boundary). Each element is one chain of fused
    /// multiply-adds over p in ascending order (plain multiply-adds without SIMD FMA), whether its column lands in a
    /// vector lane or the scalar tail, so the thread split cannot change any result.
    /// </summary>
    static void Short(in GemmJob job, int n0, int n1)
    {
        int m = job.M, k = job.K;
        nint ldc = job.Ldc;
        float* acc = stackalloc float[ShortMaxM * ShortBlock];
        for (int j0 = n0; j0 < n1; j0 += ShortBlock)
        {
            int width = Math.Min(ShortBlock, n1 - j0);
            new Span<float>(acc, m * ShortBlock).Clear();
            for (int p0 = 0; p0 < k; p0 += ShortKBlock)
            {
                int p1 = Math.Min(k, p0 + ShortKBlock);
                if (Vector512.IsHardwareAccelerated) ShortPass<Narrow512, Vector512<float>>(in job, j0, width, p0, p1, acc);
                else if (Use256) ShortPass<Narrow256, Vector256<float>>(in job, j0, width, p0, p1, acc);
                else ShortPassScalar(in job, j0, width, p0, p1, acc);
            }
            for (int i = 0; i < m; i++)
            {
                float* cRow = job.C + i * ldc + j0, sums = acc + i * ShortBlock;
                for (int jj = 0; jj < width; jj++) Update(ref cRow[jj], sums[jj], job.Alpha, job.Beta);
            }
        }
    }

    /// <summary>
    /// Adds p in [p0, p1) to the sums of columns [j0, j0 + width): per vector of columns, blocks of four rows of C
    /// (one loaded vector of B feeds four fused steps), then single rows; columns past the whole vectors one by one.
    /// </summary>
    static void ShortPass<TW, TVec>(in GemmJob job, int j0, int width, int p0, int p1, float* acc)
        where TW : struct, INarrowWidth<TVec> where TVec : struct
    {
        int m = job.M, vEnd = width - width % TW.Count;
        nint lda = job.Lda, ldb = job.Ldb;
        float* aStart = job.A + p0 * lda, bStart = job.B + p0 * ldb + j0;
        for (int jv = 0; jv < vEnd; jv += TW.Count)
        {
            int i = 0;
            for (; i + 4 <= m; i += 4)
            {
                float* r0 = acc + i * ShortBlock + jv, r1 = r0 + ShortBlock, r2 = r1 + ShortBlock, r3 = r2 + ShortBlock;
                TVec s0 = TW.Load(r0), s1 = TW.Load(r1), s2 = TW.Load(r2), s3 = TW.Load(r3);
                float* a = aStart + i, b = bStart + jv;
                for (int p = p0; p < p1; p++, a += lda, b += ldb)
                {
                    TVec bv = TW.Load(b);
                    s0 = TW.Fma(TW.Broadcast(a[0]), bv, s0);
                    s1 = TW.Fma(TW.Broadcast(a[1]), bv, s1);
                    s2 = TW.Fma(TW.Broadcast(a[2]), bv, s2);
                    s3 = TW.Fma(TW.Broadcast(a[3]), bv, s3);
                }
                TW.Store(s0, r0);
                TW.Store(s1, r1);
                TW.Store(s2, r2);
                TW.Store(s3, r3);
            }
            for (; i < m; i++)
            {
                float* r = acc + i * ShortBlock + jv, a = aStart + i, b = bStart + jv;
                TVec s = TW.Load(r);
                for (int p = p0; p < p1; p++, a += lda, b += ldb) s = TW.Fma(TW.Broadcast(*a), TW.Load(b), s);
                TW.Store(s, r);
            }
        }
        for (int jj = vEnd; jj < width; jj++)
            for (int i = 0; i < m; i++)
            {
                float s = acc[i * ShortBlock + jj];
                float* a = aStart + i, b = bStart + jj;
                for (int p = p0; p < p1; p++, a += lda, b += ldb) s = MathF.FusedMultiplyAdd(*a, *b, s);
                acc[i * ShortBlock + jj] = s;
            }
    }

    /// <summary>The short path's pass without SIMD FMA: plain multiply-adds in ascending order.</summary>
    static void ShortPassScalar(in GemmJob job, int j0, int width, int p0, int p1, float* acc)
    {
        nint lda = job.Lda, ldb = job.Ldb;
        for (int p = p0; p < p1; p++)
        {
            float* a = job.A + p * lda, b = job.B + p * ldb + j0;
            for (int i = 0; i < job.M; i++)
            {
                float ap = a[i];
                float* sums = acc + i * ShortBlock;
                for (int jj = 0; jj < width; jj++) sums[jj] += ap * b[jj];
            }
        }
    }
}
