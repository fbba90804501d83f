namespace NeuroCore.Backends;

/// <summary>The shape of one SGEMM: row-major <c>C[m×n] = α·op(A)[m×k]·op(B)[k×n] + β·C</c>.</summary>
/// <param name="TransA">Use Aᵀ.</param>
/// <param name="TransB">Use Bᵀ.</param>
/// <param name="M">Rows of C.</param>
/// <param name="N">Columns of C.</param>
/// <param name="K">The inner dimension.</param>
/// <param name="Alpha">α.</param>
/// <param name="Lda">Leading dimension of A as stored.</param>
/// <param name="Ldb">Leading dimension of B as stored.</param>
/// <param name="Beta">β (0 ignores C's old contents, even NaN).</param>
/// <param name="Ldc">Leading dimension of C.</param>
public readonly record struct GemmArgs(bool TransA, bool TransB, int M, int N, int K, float Alpha, int Lda, int Ldb, float Beta, int Ldc)
{
    /// <summary>A dense product without transposes: lda = k, ldb = n, ldc = n, α = 1, β = 0.</summary>
    public static GemmArgs Dense(int m, int n, int k) => new(false, false, m, n, k, 1f, k, n, 0f, n);
}
