namespace NeuroCore.Kernels;

public static partial class Reference
{
    /// <summary>Scalar twin of <see cref="Reduce.Sum"/>: <c>Σ_i x[i]</c> added left to right in float.</summary>
    /// <param name="x">The values.</param>
    /// <returns>The sum.</returns>
    public static float Sum(ReadOnlySpan<float> x)
    {
        float s = 0f;
        foreach (float v in x) s += v;
        return s;
    }

    /// <summary>Scalar twin of <see cref="Reduce.Max"/>: <c>max_i x[i]</c>; NaN if any is NaN, +0 &gt; −0, −∞ if empty.</summary>
    /// <param name="x">The values.</param>
    /// <returns>The largest value.</returns>
    public static float Max(ReadOnlySpan<float> x)
    {
        float m = float.NegativeInfinity;
        foreach (float v in x) m = MathF.Max(m, v);
        return m;
    }

    /// <summary>Scalar twin of <see cref="Reduce.SumRows"/>: <c>dst[r] = Σ_c x[r·cols + c]</c>.</summary>
    /// <param name="x">[rows, cols].</param>
    /// <param name="rows">Rows.</param>
    /// <param name="cols">Columns.</param>
    /// <param name="dst">[rows].</param>
    public static void SumRows(ReadOnlySpan<float> x, int rows, int cols, Span<float> dst)
    {
        for (int r = 0; r < rows; r++) dst[r] = Sum(x.Slice(r * cols, cols));
    }

    /// <summary>Scalar twin of <see cref="Reduce.SumColumns"/>: <c>dst[c] = x[0, c] + x[1, c] + …</c> in row order.</summary>
    /// <param name="x">[rows, cols].</param>
    /// <param name="rows">Rows.</param>
    /// <param name="cols">Columns.</param>
    /// <param name="dst">[cols].</param>
    public static void SumColumns(ReadOnlySpan<float> x, int rows, int cols, Span<float> dst)
    {
        for (int c = 0; c < cols; c++)
        {
            float s = rows > 0 ? x[c] : 0f;
            for (int r = 1; r < rows; r++) s += x[r * cols + c];
            dst[c] = s;
        }
    }

    /// <summary>
    /// Scalar twin of <see cref="Reduce.ArgMaxRows"/>: per row, the index of the first NaN if there is one, else of
    /// the first maximum, where +0 counts as larger than −0.
    /// </summary>
    /// <param name="x">[rows, cols].</param>
    /// <param name="rows">Rows.</param>
    /// <param name="cols">Columns (≥ 1).</param>
    /// <param name="dst">[rows].</param>
    public static void ArgMaxRows(ReadOnlySpan<float> x, int rows, int cols, Span<int> dst)
    {
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = x.Slice(r * cols, cols);
            int best = 0;
            for (int c = 0; c < cols; c++)
            {
                float v = row[c];
                if (float.IsNaN(v)) { best = c; break; }
                float b = row[best];
                if (v > b || (v == 0f && b == 0f && float.IsNegative(b) && !float.IsNegative(v))) best = c;
            }
            dst[r] = best;
        }
    }
}
