namespace NeuroCore.Kernels;

// No accessibility modifier: this partial part takes whatever the other parts of Reference declare.
static partial class Reference
{
    /// <summary>
    /// Scalar twin of <see cref="Gemm.Sgemm"/>: row-major C[m×n] = alpha·op(A)[m×k]·op(B)[k×n] + beta·C.
    /// Effectively computes <c>c[i·ldc + j] = alpha·Σ_p opA(i,p)·opB(p,j) + beta·c[i·ldc + j]</c>, summing p in
    /// ascending order in float, where <c>opA(i,p) = transA ? a[p·lda + i] : a[i·lda + p]</c> and
    /// <c>opB(p,j) = transB ? b[j·ldb + p] : b[p·ldb + j]</c>. When beta is 0 the old contents of C are not read
    /// (NaN in C does not propagate), as in BLAS.
    /// </summary>
    /// <param name="transA">Whether A is stored as k×m (its transpose is used).</param>
    /// <param name="transB">Whether B is stored as n×k (its transpose is used).</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">A, row-major with row stride <paramref name="lda"/>.</param>
    /// <param name="lda">Row stride of A as stored.</param>
    /// <param name="b">B, row-major with row stride <paramref name="ldb"/>.</param>
    /// <param name="ldb">Row stride of B as stored.</param>
    /// <param name="beta">Scale of the old C; 0 means C is write-only.</param>
    /// <param name="c">C, row-major with row stride <paramref name="ldc"/>.</param>
    /// <param name="ldc">Row stride of C.</param>
    public static void Gemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        NeuroCore.Kernels.Gemm.Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float sum = 0f;
                for (int p = 0; p < k; p++)
                {
                    float av = transA ? a[p * lda + i] : a[i * lda + p];
                    float bv = transB ? b[j * ldb + p] : b[p * ldb + j];
                    sum += av * bv;
                }
                ref float cij = ref c[i * ldc + j];
                cij = beta == 0f ? alpha * sum : alpha * sum + beta * cij;
            }
        }
    }
}
