using System.Numerics;
using System.Numerics.Tensors;

namespace NeuroCore.Kernels;

// The direct path for a few rows of row-major A (batch-1 or batch-2 inference: a matrix-vector product). Packing
// would read and write all of B to use one micro-tile row of eight, so here B is streamed once per row instead.
public static unsafe partial class Gemm
{
    /// <summary>Products with at most this many rows of row-major A take the direct path.</summary>
    const int DirectMaxRows = 2;

    /// <summary>Columns per direct-path block: four vectors, enough independent FMAs to cover their latency.</summary>
    static int DirectBlock => 4 * Vector<float>.Count;

    /// <summary>
    /// C[0..m, n0..n1) directly, no packing; n0 is a multiple of <see cref="DirectBlock"/>. Each element is summed
    /// over p in ascending order with fused multiply-adds (B row-major) or by one <see cref="TensorPrimitives.Dot"/>
    /// (B transposed), whatever block it lands in, so the thread split cannot change it.
    /// </summary>
    static void Direct(in GemmJob job, int n0, int n1)
    {
        int k = job.K, w = Vector<float>.Count;
        nint lda = job.Lda, ldb = job.Ldb, ldc = job.Ldc;
        for (int i = 0; i < job.M; i++)
        {
            float* aRow = job.A + i * lda, cRow = job.C + i * ldc;
            if (job.TransB)
            {
                // B stored n×k: C[i, j] is the dot product of two contiguous rows.
                var a = new ReadOnlySpan<float>(aRow, k);
                for (int j = n0; j < n1; j++)
                    Update(ref cRow[j], TensorPrimitives.Dot(a, new ReadOnlySpan<float>(job.B + j * ldb, k)), job.Alpha, job.Beta);
                continue;
            }
            int j0 = n0;
            for (; j0 + DirectBlock <= n1; j0 += DirectBlock)
            {
                Vector<float> s0 = default, s1 = default, s2 = default, s3 = default;
                float* b = job.B + j0;
                for (int p = 0; p < k; p++, b += ldb)
                {
                    var ap = new Vector<float>(aRow[p]);
                    s0 = Vector.FusedMultiplyAdd(ap, *(Vector<float>*)b, s0);
                    s1 = Vector.FusedMultiplyAdd(ap, *(Vector<float>*)(b + w), s1);
                    s2 = Vector.FusedMultiplyAdd(ap, *(Vector<float>*)(b + 2 * w), s2);
                    s3 = Vector.FusedMultiplyAdd(ap, *(Vector<float>*)(b + 3 * w), s3);
                }
                float* c = cRow + j0;
                Update((Vector<float>*)c, s0, job.Alpha, job.Beta);
                Update((Vector<float>*)(c + w), s1, job.Alpha, job.Beta);
                Update((Vector<float>*)(c + 2 * w), s2, job.Alpha, job.Beta);
                Update((Vector<float>*)(c + 3 * w), s3, job.Alpha, job.Beta);
            }
            // Last columns (only at the end of C, so the same for any split): the same fused sum, one lane at a time.
            for (int j = j0; j < n1; j++)
            {
                float sum = 0f;
                float* b = job.B + j;
                for (int p = 0; p < k; p++, b += ldb) sum = MathF.FusedMultiplyAdd(aRow[p], *b, sum);
                Update(ref cRow[j], sum, job.Alpha, job.Beta);
            }
        }
    }

    /// <summary>c = alpha·sum + beta·c, not reading c when beta is 0 (the micro-kernels' update, one vector).</summary>
    static void Update(Vector<float>* c, Vector<float> sum, float alpha, float beta) =>
        *c = beta == 0f ? alpha * sum : Vector.FusedMultiplyAdd(new Vector<float>(alpha), sum, new Vector<float>(beta) * *c);

    /// <summary>c = alpha·sum + beta·c, not reading c when beta is 0 (the micro-kernels' update, one element).</summary>
    static void Update(ref float c, float sum, float alpha, float beta) =>
        c = beta == 0f ? alpha * sum : MathF.FusedMultiplyAdd(alpha, sum, beta * c);
}
