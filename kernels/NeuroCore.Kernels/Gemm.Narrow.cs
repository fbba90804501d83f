using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

// The narrow path: C = A·Bᵀ with a few columns (n ≤ 16) and both operands stored along k, as in a linear layer with
// few outputs (a classifier head: [rows, 512]·[10, 512]ᵀ). The packed path would run every tile at n/NR width and pack
// the whole of A for a product that reads each element of A once, so here every C element is a row-by-row dot
// product instead: four rows of A share each loaded vector of B (two columns of C at a time), and B (n rows) stays in L1.
public static unsafe partial class Gemm
{
    /// <summary>Most columns of C (rows of stored B) the narrow path takes.</summary>
    const int NarrowMaxN = 16;

    /// <summary>Least k for the narrow path: below it the dot products are mostly scalar tails.</summary>
    const int NarrowMinK = 32;

    /// <summary>Rows of C per unit of the thread split on the narrow path.</summary>
    const int NarrowBlock = 32;

    /// <summary>Whether a product takes the narrow path (see Gemm.Narrow.cs).</summary>
    static bool IsNarrow(bool transA, bool transB, int n, int k) => !transA && transB && n <= NarrowMaxN && k >= NarrowMinK;

    /// <summary>
    /// Rows [m0, m1) of C on the narrow path. Each element is one dot product computed the same way wherever its row
    /// lands: vector partial sums over whole vectors of k in ascending order (fused), their lane sum, then the last
    /// k mod width terms fused in ascending order. So the thread split cannot change any result.
    /// </summary>
    static void Narrow(in GemmJob job, int m0, int m1)
    {
        if (Vector512.IsHardwareAccelerated) NarrowRows<Narrow512, Vector512<float>>(in job, m0, m1);
        else if (Use256) NarrowRows<Narrow256, Vector256<float>>(in job, m0, m1);
        else NarrowScalar(in job, m0, m1);
    }

    /// <summary>The narrow path at one vector width: blocks of four rows, then single rows.</summary>
    static void NarrowRows<TW, TVec>(in GemmJob job, int m0, int m1)
        where TW : struct, INarrowWidth<TVec> where TVec : struct
    {
        int k = job.K, n = job.N, kv = k - k % TW.Count;
        nint lda = job.Lda, ldb = job.Ldb, ldc = job.Ldc;
        float alpha = job.Alpha, beta = job.Beta;
        int i = m0;
        for (; i + 4 <= m1; i += 4)
        {
            float* a0 = job.A + i * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
            float* c0 = job.C + i * ldc;
            int j = 0;
            // Two columns at a time: eight independent FMA chains (four would wait on the FMA latency), each A vector
            // loaded once for both. Every element still gets its own chain, so its value is the same as one at a time.
            for (; j + 2 <= n; j += 2)
            {
                float* b = job.B + j * ldb, bn = b + ldb;
                TVec s0 = default, s1 = default, s2 = default, s3 = default, t0 = default, t1 = default, t2 = default, t3 = default;
                for (int p = 0; p < kv; p += TW.Count)
                {
                    TVec bv = TW.Load(b + p), bw = TW.Load(bn + p);
                    TVec x0 = TW.Load(a0 + p), x1 = TW.Load(a1 + p), x2 = TW.Load(a2 + p), x3 = TW.Load(a3 + p);
                    s0 = TW.Fma(x0, bv, s0);
                    t0 = TW.Fma(x0, bw, t0);
                    s1 = TW.Fma(x1, bv, s1);
                    t1 = TW.Fma(x1, bw, t1);
                    s2 = TW.Fma(x2, bv, s2);
                    t2 = TW.Fma(x2, bw, t2);
                    s3 = TW.Fma(x3, bv, s3);
                    t3 = TW.Fma(x3, bw, t3);
                }
                NarrowFinish(a0, b, kv, k, TW.Sum(s0), c0 + j, alpha, beta);
                NarrowFinish(a1, b, kv, k, TW.Sum(s1), c0 + ldc + j, alpha, beta);
                NarrowFinish(a2, b, kv, k, TW.Sum(s2), c0 + 2 * ldc + j, alpha, beta);
                NarrowFinish(a3, b, kv, k, TW.Sum(s3), c0 + 3 * ldc + j, alpha, beta);
                NarrowFinish(a0, bn, kv, k, TW.Sum(t0), c0 + j + 1, alpha, beta);
                NarrowFinish(a1, bn, kv, k, TW.Sum(t1), c0 + ldc + j + 1, alpha, beta);
                NarrowFinish(a2, bn, kv, k, TW.Sum(t2), c0 + 2 * ldc + j + 1, alpha, beta);
                NarrowFinish(a3, bn, kv, k, TW.Sum(t3), c0 + 3 * ldc + j + 1, alpha, beta);
            }
            for (; j < n; j++)
            {
                float* b = job.B + j * ldb;
                TVec s0 = default, s1 = default, s2 = default, s3 = default;
                for (int p = 0; p < kv; p += TW.Count)
                {
                    TVec bv = TW.Load(b + p);
                    s0 = TW.Fma(TW.Load(a0 + p), bv, s0);
                    s1 = TW.Fma(TW.Load(a1 + p), bv, s1);
                    s2 = TW.Fma(TW.Load(a2 + p), bv, s2);
                    s3 = TW.Fma(TW.Load(a3 + p), bv, s3);
                }
                NarrowFinish(a0, b, kv, k, TW.Sum(s0), c0 + j, alpha, beta);
                NarrowFinish(a1, b, kv, k, TW.Sum(s1), c0 + ldc + j, alpha, beta);
                NarrowFinish(a2, b, kv, k, TW.Sum(s2), c0 + 2 * ldc + j, alpha, beta);
                NarrowFinish(a3, b, kv, k, TW.Sum(s3), c0 + 3 * ldc + j, alpha, beta);
            }
        }
        for (; i < m1; i++)
        {
            float* a = job.A + i * lda;
            for (int j = 0; j < n; j++)
            {
                float* b = job.B + j * ldb;
                TVec s = default;
                for (int p = 0; p < kv; p += TW.Count) s = TW.Fma(TW.Load(a + p), TW.Load(b + p), s);
                NarrowFinish(a, b, kv, k, TW.Sum(s), job.C + i * ldc + j, alpha, beta);
            }
        }
    }

    /// <summary>Adds the k tail past the whole vectors to a dot product (fused, ascending) and updates its C element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void NarrowFinish(float* a, float* b, int kv, int k, float sum, float* c, float alpha, float beta)
    {
        for (int p = kv; p < k; p++) sum = MathF.FusedMultiplyAdd(a[p], b[p], sum);
        Update(ref *c, sum, alpha, beta);
    }

    /// <summary>The narrow path without SIMD FMA: plain multiply-adds in ascending order (no emulated fused steps).</summary>
    static void NarrowScalar(in GemmJob job, int m0, int m1)
    {
        int k = job.K;
        nint lda = job.Lda, ldb = job.Ldb, ldc = job.Ldc;
        for (int i = m0; i < m1; i++)
        {
            float* a = job.A + i * lda;
            for (int j = 0; j < job.N; j++)
            {
                float* b = job.B + j * ldb;
                float s = 0f;
                for (int p = 0; p < k; p++) s += a[p] * b[p];
                ref float c = ref job.C[i * ldc + j];
                c = job.Beta == 0f ? job.Alpha * s : job.Alpha * s + job.Beta * c;
            }
        }
    }

    /// <summary>One vector width for the narrow and skinny paths, so their loops are written once (struct type arguments inline).</summary>
    internal interface INarrowWidth<TVec> where TVec : struct
    {
        /// <summary>Floats per vector.</summary>
        static abstract int Count { get; }

        /// <summary>Loads Count floats at <paramref name="source"/>.</summary>
        static abstract TVec Load(float* source);

        /// <summary>Stores <paramref name="value"/> at <paramref name="destination"/>.</summary>
        static abstract void Store(TVec value, float* destination);

        /// <summary>All lanes <paramref name="x"/>.</summary>
        static abstract TVec Broadcast(float x);

        /// <summary>Lane-wise fused a·b + c.</summary>
        static abstract TVec Fma(TVec a, TVec b, TVec c);

        /// <summary>The sum of the lanes (a fixed order for a given width).</summary>
        static abstract float Sum(TVec value);
    }

    /// <summary>Vector512 of float.</summary>
    readonly struct Narrow512 : INarrowWidth<Vector512<float>>
    {
        public static int Count => Vector512<float>.Count;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Load(float* source) => Vector512.Load(source);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector512<float> value, float* destination) => Vector512.Store(value, destination);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Broadcast(float x) => Vector512.Create(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Sum(Vector512<float> value) => Vector512.Sum(value);
    }

    /// <summary>Vector256 of float.</summary>
    readonly struct Narrow256 : INarrowWidth<Vector256<float>>
    {
        public static int Count => Vector256<float>.Count;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Load(float* source) => Vector256.Load(source);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector256<float> value, float* destination) => Vector256.Store(value, destination);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Broadcast(float x) => Vector256.Create(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Sum(Vector256<float> value) => Vector256.Sum(value);
    }
}
