// The product of a bit-packed 0/1 matrix A [m, k] and floats B [k, n] by 4-input subset sums ("four Russians"): the k
// indices are cut into groups of four, and each group contributes the sum of the B rows its set bits select.
//   C[i, j] = bias[j] + Σ_g ( Σ_{q = 0..3, A(i, 4g + q) = 1} B[4g + q, j] )     ( = A·B + bias )
// The inner sum starts from 0 and takes the rows in increasing q; the outer sum takes the groups in increasing g and
// adds every group's sum, even an empty one (0 + −0 is +0: the fast kernel's table row for pattern 0 is +0).
namespace NeuroCore.Kernels;

public static partial class Reference
{
    /// <summary>
    /// Scalar twin of <see cref="SpikeGemm.Multiply"/> (and, with <paramref name="accumulate"/>, of
    /// <see cref="SpikeGemm.MultiplyAdd"/>): per output, <c>acc = bias[j]</c> (0 without a bias, the old C[i, j] when
    /// adding), then for each group g ascending <c>t = 0; t += B[4g + q, j]</c> for q = 0..3 where bit 4g + q of row i
    /// is set and 4g + q &lt; k; <c>acc += t</c>.
    /// </summary>
    /// <param name="aBits">A [m, k] as bit-packed rows [m, ceil(k/64)]; padding bits are ignored.</param>
    /// <param name="m">Rows of A and C.</param>
    /// <param name="k">Columns of A, rows of B.</param>
    /// <param name="b">B [k, n], row-major.</param>
    /// <param name="n">Columns of B and C.</param>
    /// <param name="bias">n values, or empty for none (ignored when adding).</param>
    /// <param name="c">C [m, n], row-major.</param>
    /// <param name="accumulate">Whether C is added into (C += A·B) instead of overwritten.</param>
    public static void SpikeGemm(ReadOnlySpan<ulong> aBits, int m, int k, ReadOnlySpan<float> b, int n, ReadOnlySpan<float> bias,
        Span<float> c, bool accumulate = false)
    {
        int words = (k + 63) / 64;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float acc = accumulate ? c[i * n + j] : bias.IsEmpty ? 0f : bias[j];
                for (int g = 0; 4 * g < k; g++)
                {
                    float t = 0f;
                    for (int q = 0; q < 4 && 4 * g + q < k; q++)
                    {
                        int p = 4 * g + q;
                        if ((aBits[i * words + p / 64] >> (p % 64) & 1UL) != 0) t += b[p * n + j];
                    }
                    acc += t;
                }
                c[i * n + j] = acc;
            }
    }
}
