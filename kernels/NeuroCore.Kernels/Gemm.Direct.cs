using System.Numerics;
using System.Numerics.Tensors;

namespace NeuroCore.Kernels;

// The direct path for a few rows of row-major A (batch-1 or batch-2 inference: a matrix-vector product). Packing
// would read and write all of B to use one micro-tile row of eight, so here B is streamed once per row instead.
public static unsafe partial class Gemm
{
    /// <summary>Products with at most this many rows of row-major A take the direct path.</summary>
    const int DirectMaxRows = 2;

    /// <summary>Columns of C per unit of the thread split on the direct path.</summary>
    const int DirectBlock = 64;

    /// <summary>Columns accumulated per pass over B on the direct path: a 4 KiB buffer that stays in L1.</summary>
    const int DirectChunk = 1024;

    /// <summary>
    /// C[0..m, n0..n1) directly, no packing. Each element is summed over p in ascending order with fused
    /// multiply-adds (B row-major) or by one <see cref="TensorPrimitives.Dot"/> (B transposed), whatever chunk it lands
    /// in, so the thread split cannot change it.
    /// </summary>
    static void Direct(in GemmJob job, int n0, int n1)
    {
        int k = job.K, w = Vector<float>.Count;
        nint lda = job.Lda, ldb = job.Ldb, ldc = job.Ldc;
        float* acc = stackalloc float[DirectChunk];
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
            // B stored k×n: stream its rows contiguously, accumulating up to DirectChunk sums in an L1-resident buffer.
            for (int j0 = n0; j0 < n1; j0 += DirectChunk)
            {
                int width = Math.Min(DirectChunk, n1 - j0), vectorEnd = width - width % w;
                new Span<float>(acc, width).Clear();
                float* b = job.B + j0;
                for (int p = 0; p < k; p++, b += ldb)
                {
                    float ap = aRow[p];
                    var apv = new Vector<float>(ap);
                    int j = 0;
                    for (; j < vectorEnd; j += w)
                        *(Vector<float>*)(acc + j) = Vector.FusedMultiplyAdd(apv, *(Vector<float>*)(b + j), *(Vector<float>*)(acc + j));
                    // Columns past the last whole vector: the same exactly rounded fused step, one lane at a time.
                    for (; j < width; j++) acc[j] = MathF.FusedMultiplyAdd(ap, b[j], acc[j]);
                }
                for (int j = 0; j < width; j++) Update(ref cRow[j0 + j], acc[j], job.Alpha, job.Beta);
            }
        }
    }

    /// <summary>c = alpha·sum + beta·c, not reading c when beta is 0 (the micro-kernels' update, one element).</summary>
    static void Update(ref float c, float sum, float alpha, float beta) =>
        c = beta == 0f ? alpha * sum : MathF.FusedMultiplyAdd(alpha, sum, beta * c);
}
