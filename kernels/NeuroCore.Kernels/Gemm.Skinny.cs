using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

// The skinny path: C = Aᵀ·B with few rows of C (m ≤ 16), A stored k×m and B stored k×n, as in the weight gradient of a
// linear layer with few outputs (dW[10, 512] = dyᵀ·x with dy [3200, 10] and x [3200, 512]). The packed path would pad
// the 10 rows to two 8-row micro-tiles (16 rows of work) and pack all of B, for a product that reads each element of B
// once. Here a block of two vectors of columns keeps the sums of up to 8 rows in registers while the rows of B stream
// past: k is cut into chunks whose slice of B (128 rows × 2 vectors) stays in L1 while every group of rows reads it,
// and a group's sums go to a small scratch tile between chunks. Each element is one fused multiply-add chain over p in
// ascending order from 0, the same in a vector lane or in the scalar column tail, so neither the thread split nor the
// column blocking can change any result.
public static unsafe partial class Gemm
{
    /// <summary>Most rows of C the skinny path takes: two groups of up to 8 rows (16 accumulators each).</summary>
    const int SkinnyMaxM = 16;

    /// <summary>Least k for the skinny path: below it the packed path's set-up is negligible anyway.</summary>
    const int SkinnyMinK = 32;

    /// <summary>Rows of B per chunk: 128 × 32 floats (16 KiB at Vector512) stay in L1 while each row group reads them.</summary>
    const int SkinnyChunkK = 128;

    /// <summary>Columns of C per unit of the thread split on the skinny path (two Vector512 or four Vector256).</summary>
    const int SkinnyBlock = 32;

    /// <summary>
    /// Whether a product takes the skinny path: Aᵀ·B with at most 16 rows of C, k ≥ 32, and hardware FMA on vectors
    /// (without it the packed scalar kernel's plain multiply-adds are faster than emulated fused steps).
    /// </summary>
    static bool IsSkinny(bool transA, bool transB, int m, int k) =>
        transA && !transB && m <= SkinnyMaxM && k >= SkinnyMinK && (Vector512.IsHardwareAccelerated || Use256);

    /// <summary>Columns [n0, n1) of C on the skinny path (all m rows).</summary>
    static void Skinny(in GemmJob job, int n0, int n1)
    {
        if (Vector512.IsHardwareAccelerated) SkinnyColumns<Narrow512, Vector512<float>>(in job, n0, n1);
        else SkinnyColumns<Narrow256, Vector256<float>>(in job, n0, n1);
    }

    /// <summary>The skinny path at one vector width: blocks of two vectors of columns, then single columns.</summary>
    static void SkinnyColumns<TW, TVec>(in GemmJob job, int n0, int n1)
        where TW : struct, INarrowWidth<TVec> where TVec : struct
    {
        int m = job.M, k = job.K, w = TW.Count, groups = (m + 7) / 8;
        nint lda = job.Lda, ldb = job.Ldb, ldc = job.Ldc;
        // The sums of every row for one column block between K chunks: m rows of 2·w floats.
        float* acc = stackalloc float[SkinnyMaxM * 2 * 16];
        int j = n0;
        for (; j + 2 * w <= n1; j += 2 * w)
        {
            for (int p0 = 0; p0 < k; p0 += SkinnyChunkK)
            {
                int p1 = Math.Min(k, p0 + SkinnyChunkK);
                for (int g = 0; g < groups; g++)
                {
                    // Near-equal groups (10 rows: 5 + 5), so each has enough independent chains to hide the FMA latency.
                    int r0 = m * g / groups, rows = (m * (g + 1) / groups) - r0;
                    float* a = job.A + (p0 * lda) + r0, b = job.B + (p0 * ldb) + j, t = acc + (r0 * 2 * w);
                    bool first = p0 == 0;
                    switch (rows)
                    {
                        case 1: SkinnyTile<TW, TVec, Rows1>(a, lda, b, ldb, p1 - p0, t, first); break;
                        case 2: SkinnyTile<TW, TVec, Rows2>(a, lda, b, ldb, p1 - p0, t, first); break;
                        case 3: SkinnyTile<TW, TVec, Rows3>(a, lda, b, ldb, p1 - p0, t, first); break;
                        case 4: SkinnyTile<TW, TVec, Rows4>(a, lda, b, ldb, p1 - p0, t, first); break;
                        case 5: SkinnyTile<TW, TVec, Rows5>(a, lda, b, ldb, p1 - p0, t, first); break;
                        case 6: SkinnyTile<TW, TVec, Rows6>(a, lda, b, ldb, p1 - p0, t, first); break;
                        case 7: SkinnyTile<TW, TVec, Rows7>(a, lda, b, ldb, p1 - p0, t, first); break;
                        default: SkinnyTile<TW, TVec, Rows8>(a, lda, b, ldb, p1 - p0, t, first); break;
                    }
                }
            }
            for (int i = 0; i < m; i++)
                for (int l = 0; l < 2 * w; l++) Update(ref job.C[(i * ldc) + j + l], acc[(i * 2 * w) + l], job.Alpha, job.Beta);
        }
        // Columns past the last whole block: the same fused chain, one element at a time.
        for (; j < n1; j++)
        {
            for (int i = 0; i < m; i++)
            {
                float sum = 0f;
                float* a = job.A + i, b = job.B + j;
                for (int p = 0; p < k; p++, a += lda, b += ldb) sum = MathF.FusedMultiplyAdd(*a, *b, sum);
                Update(ref job.C[(i * ldc) + j], sum, job.Alpha, job.Beta);
            }
        }
    }

    /// <summary>
    /// One group of <typeparamref name="TR"/> rows (1 to 8) × two vectors of columns over <paramref name="kc"/> rows of
    /// B: <c>t[r·2w + l] += Σ_p a[p·lda + r]·b[p·ldb + l]</c>, fused, p ascending, starting from 0 when
    /// <paramref name="first"/> (t not read) and from t otherwise. Rows past TR are compiled out.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void SkinnyTile<TW, TVec, TR>(float* a, nint lda, float* b, nint ldb, int kc, float* t, bool first)
        where TW : struct, INarrowWidth<TVec> where TVec : struct where TR : struct, IRowCount
    {
        int w = TW.Count, r = TR.Rows;
        TVec c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        TVec c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        if (!first)
        {
            c00 = TW.Load(t); c01 = TW.Load(t + w);
            if (r > 1) { c10 = TW.Load(t + (2 * w)); c11 = TW.Load(t + (3 * w)); }
            if (r > 2) { c20 = TW.Load(t + (4 * w)); c21 = TW.Load(t + (5 * w)); }
            if (r > 3) { c30 = TW.Load(t + (6 * w)); c31 = TW.Load(t + (7 * w)); }
            if (r > 4) { c40 = TW.Load(t + (8 * w)); c41 = TW.Load(t + (9 * w)); }
            if (r > 5) { c50 = TW.Load(t + (10 * w)); c51 = TW.Load(t + (11 * w)); }
            if (r > 6) { c60 = TW.Load(t + (12 * w)); c61 = TW.Load(t + (13 * w)); }
            if (r > 7) { c70 = TW.Load(t + (14 * w)); c71 = TW.Load(t + (15 * w)); }
        }
        for (int p = 0; p < kc; p++, a += lda, b += ldb)
        {
            TVec b0 = TW.Load(b), b1 = TW.Load(b + w);
            TVec x = TW.Broadcast(a[0]);
            c00 = TW.Fma(x, b0, c00); c01 = TW.Fma(x, b1, c01);
            if (r > 1) { x = TW.Broadcast(a[1]); c10 = TW.Fma(x, b0, c10); c11 = TW.Fma(x, b1, c11); }
            if (r > 2) { x = TW.Broadcast(a[2]); c20 = TW.Fma(x, b0, c20); c21 = TW.Fma(x, b1, c21); }
            if (r > 3) { x = TW.Broadcast(a[3]); c30 = TW.Fma(x, b0, c30); c31 = TW.Fma(x, b1, c31); }
            if (r > 4) { x = TW.Broadcast(a[4]); c40 = TW.Fma(x, b0, c40); c41 = TW.Fma(x, b1, c41); }
            if (r > 5) { x = TW.Broadcast(a[5]); c50 = TW.Fma(x, b0, c50); c51 = TW.Fma(x, b1, c51); }
            if (r > 6) { x = TW.Broadcast(a[6]); c60 = TW.Fma(x, b0, c60); c61 = TW.Fma(x, b1, c61); }
            if (r > 7) { x = TW.Broadcast(a[7]); c70 = TW.Fma(x, b0, c70); c71 = TW.Fma(x, b1, c71); }
        }
        TW.Store(c00, t); TW.Store(c01, t + w);
        if (r > 1) { TW.Store(c10, t + (2 * w)); TW.Store(c11, t + (3 * w)); }
        if (r > 2) { TW.Store(c20, t + (4 * w)); TW.Store(c21, t + (5 * w)); }
        if (r > 3) { TW.Store(c30, t + (6 * w)); TW.Store(c31, t + (7 * w)); }
        if (r > 4) { TW.Store(c40, t + (8 * w)); TW.Store(c41, t + (9 * w)); }
        if (r > 5) { TW.Store(c50, t + (10 * w)); TW.Store(c51, t + (11 * w)); }
        if (r > 6) { TW.Store(c60, t + (12 * w)); TW.Store(c61, t + (13 * w)); }
        if (r > 7) { TW.Store(c70, t + (14 * w)); TW.Store(c71, t + (15 * w)); }
    }

    /// <summary>A row count as a type, so <see cref="SkinnyTile{TW, TVec, TR}"/> is compiled once per group size.</summary>
    internal interface IRowCount
    {
        /// <summary>Rows in the group, 1 to 8.</summary>
        static abstract int Rows { get; }
    }

    readonly struct Rows1 : IRowCount { public static int Rows => 1; }

    readonly struct Rows2 : IRowCount { public static int Rows => 2; }

    readonly struct Rows3 : IRowCount { public static int Rows => 3; }

    readonly struct Rows4 : IRowCount { public static int Rows => 4; }

    readonly struct Rows5 : IRowCount { public static int Rows => 5; }

    readonly struct Rows6 : IRowCount { public static int Rows => 6; }

    readonly struct Rows7 : IRowCount { public static int Rows => 7; }

    readonly struct Rows8 : IRowCount { public static int Rows => 8; }
}
