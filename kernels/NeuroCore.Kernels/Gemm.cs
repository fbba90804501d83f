using System.Runtime.CompilerServices;

namespace NeuroCore.Kernels;

/// <summary>
/// Single-precision general matrix multiply (SGEMM), row-major, with deterministic multi-threading.
/// </summary>
public static partial class Gemm
{
    /// <summary>
    /// Row-major C[m×n] = alpha·op(A)[m×k]·op(B)[k×n] + beta·C, where op(X) is X or Xᵀ.
    /// Effectively computes <c>c[i·ldc + j] = alpha·Σ_p opA(i,p)·opB(p,j) + beta·c[i·ldc + j]</c> with
    /// <c>opA(i,p) = transA ? a[p·lda + i] : a[i·lda + p]</c> and <c>opB(p,j) = transB ? b[j·ldb + p] : b[p·ldb + j]</c>.
    /// When <paramref name="beta"/> is 0 the old contents of C are never read, so NaN or garbage there is ignored.
    /// The result is bitwise identical for every <paramref name="threads"/> value: C is split on fixed tile
    /// boundaries and every element is summed in the same order.
    /// </summary>
    /// <param name="transA">Whether A is stored as k×m (its transpose is used).</param>
    /// <param name="transB">Whether B is stored as n×k (its transpose is used).</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">A, row-major with row stride <paramref name="lda"/> (m×k, or k×m when transposed).</param>
    /// <param name="lda">Row stride of A as stored, at least its stored column count.</param>
    /// <param name="b">B, row-major with row stride <paramref name="ldb"/> (k×n, or n×k when transposed).</param>
    /// <param name="ldb">Row stride of B as stored, at least its stored column count.</param>
    /// <param name="beta">Scale of the old C; 0 means C is write-only.</param>
    /// <param name="c">C, m×n row-major with row stride <paramref name="ldc"/>.</param>
    /// <param name="ldc">Row stride of C, at least n.</param>
    /// <param name="threads">Worker threads to use (1 = the calling thread only).</param>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc,
        int threads = 1)
    {
        Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (threads < 1) Throw.OutOfRange(nameof(threads), $"Gemm.Sgemm: threads must be at least 1, got {threads}.");
        if (m == 0 || n == 0) return;
        // Provisional simple blocked loop: scale C by beta, then accumulate alpha·op(A)·op(B) row by row.
        for (int i = 0; i < m; i++)
        {
            Span<float> crow = c.Slice(i * ldc, n);
            if (beta == 0f) crow.Clear();
            else if (beta != 1f) for (int j = 0; j < n; j++) crow[j] *= beta;
            for (int p = 0; p < k; p++)
            {
                float av = alpha * (transA ? a[p * lda + i] : a[i * lda + p]);
                if (transB) for (int j = 0; j < n; j++) crow[j] += av * b[j * ldb + p];
                else
                {
                    ReadOnlySpan<float> brow = b.Slice(p * ldb, n);
                    for (int j = 0; j < n; j++) crow[j] += av * brow[j];
                }
            }
        }
    }

    /// <summary>Checks sizes and strides of an SGEMM call; throws an <see cref="ArgumentException"/> naming the problem.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Validate(bool transA, bool transB, int m, int n, int k,
        int aLength, int lda, int bLength, int ldb, int cLength, int ldc)
    {
        if (m < 0 || n < 0 || k < 0) ThrowNegativeSize(m, n, k);
        // Stored shapes: A is m×k (k×m when transposed), B is k×n (n×k when transposed).
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        CheckOperand("A", "lda", aRows, aCols, lda, aLength, transA);
        CheckOperand("B", "ldb", bRows, bCols, ldb, bLength, transB);
        CheckOperand("C", "ldc", m, n, ldc, cLength, false);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void CheckOperand(string name, string ldName, int rows, int cols, int ld, int length, bool transposed)
    {
        if (ld < Math.Max(1, cols)) ThrowStride(name, ldName, rows, cols, ld, transposed);
        if (rows > 0 && cols > 0 && length < (long)(rows - 1) * ld + cols) ThrowLength(name, ldName, rows, cols, ld, length, transposed);
    }

    static void ThrowNegativeSize(int m, int n, int k) =>
        Throw.Argument($"Gemm.Sgemm: sizes must be non-negative, got m={m}, n={n}, k={k}.");

    static void ThrowStride(string name, string ldName, int rows, int cols, int ld, bool transposed) =>
        Throw.Argument($"Gemm.Sgemm: {name} is stored as [{rows}, {cols}]{(transposed ? " (transposed)" : "")}, " +
            $"so {ldName} must be at least {Math.Max(1, cols)}, got {ld}. Pass the row stride of {name} as stored.", ldName);

    static void ThrowLength(string name, string ldName, int rows, int cols, int ld, int length, bool transposed) =>
        Throw.Argument($"Gemm.Sgemm: {name} is stored as [{rows}, {cols}]{(transposed ? " (transposed)" : "")} with " +
            $"{ldName}={ld}, which needs at least {(long)(rows - 1) * ld + cols} elements, but the span has {length}. " +
            $"Check m, n, k, the transpose flags and {ldName}.", name.ToLowerInvariant());
}
