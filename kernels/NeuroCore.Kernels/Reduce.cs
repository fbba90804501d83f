using System.Numerics.Tensors;

namespace NeuroCore.Kernels;

/// <summary>
/// Reductions over flat spans and over the rows or columns of a row-major [rows, cols] matrix. Sums use
/// <see cref="TensorPrimitives"/>' vectorised accumulation, so the order of additions (and the last bits of the
/// result) depends on the vector width, while staying within float rounding of the scalar
/// <see cref="Reference.Sum"/>.
/// </summary>
public static class Reduce
{
    /// <summary>Effectively computes <c>Σ_i x[i]</c>; 0 for an empty span; NaN if any element is NaN.</summary>
    /// <param name="x">The values.</param>
    /// <returns>The sum.</returns>
    public static float Sum(ReadOnlySpan<float> x) => TensorPrimitives.Sum(x);

    /// <summary>
    /// Effectively computes <c>max_i x[i]</c> with <see cref="MathF.Max(float, float)"/> semantics (NaN propagates,
    /// +0 &gt; −0); −∞ for an empty span, the identity of max.
    /// </summary>
    /// <param name="x">The values.</param>
    /// <returns>The largest value.</returns>
    public static float Max(ReadOnlySpan<float> x) => x.IsEmpty ? float.NegativeInfinity : TensorPrimitives.Max(x);

    /// <summary>Sum of each row: effectively computes <c>dst[r] = Σ_c x[r·cols + c]</c> (overwrites dst).</summary>
    /// <param name="x">The matrix, row-major [rows, cols].</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="cols">Number of columns.</param>
    /// <param name="dst">The row sums, length at least <paramref name="rows"/>.</param>
    /// <exception cref="ArgumentException">A span is shorter than the shape requires, or a dimension is negative.</exception>
    public static void SumRows(ReadOnlySpan<float> x, int rows, int cols, Span<float> dst)
    {
        CheckMatrix("Reduce.SumRows", x.Length, rows, cols);
        if (dst.Length < rows) Throw.LengthMismatch("Reduce.SumRows: dst must hold one value per row", rows, dst.Length);
        for (int r = 0; r < rows; r++)
            dst[r] = TensorPrimitives.Sum(x.Slice(r * cols, cols));
    }

    /// <summary>
    /// Sum of each column: effectively computes <c>dst[c] = Σ_r x[r·cols + c]</c> (overwrites dst), adding rows in
    /// ascending order, so each column's sum is bitwise the same as the scalar reference's.
    /// </summary>
    /// <param name="x">The matrix, row-major [rows, cols].</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="cols">Number of columns.</param>
    /// <param name="dst">The column sums, length at least <paramref name="cols"/>.</param>
    /// <exception cref="ArgumentException">A span is shorter than the shape requires, or a dimension is negative.</exception>
    public static void SumColumns(ReadOnlySpan<float> x, int rows, int cols, Span<float> dst)
    {
        CheckMatrix("Reduce.SumColumns", x.Length, rows, cols);
        if (dst.Length < cols) Throw.LengthMismatch("Reduce.SumColumns: dst must hold one value per column", cols, dst.Length);
        Span<float> d = dst[..cols];
        if (rows == 0)
        {
            d.Clear();
            return;
        }
        // Row 0 is copied, not added to 0, so −0 columns stay −0 as in the reference.
        x[..cols].CopyTo(d);
        for (int r = 1; r < rows; r++)
            TensorPrimitives.Add(d, x.Slice(r * cols, cols), d);
    }

    /// <summary>
    /// Index of the largest element of each row: effectively computes <c>dst[r] = argmax_c x[r·cols + c]</c>,
    /// the first index on ties; a NaN counts as larger than everything (the first NaN wins), as in PyTorch.
    /// </summary>
    /// <param name="x">The matrix, row-major [rows, cols].</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="cols">Number of columns; at least 1 when rows &gt; 0.</param>
    /// <param name="dst">The indices, length at least <paramref name="rows"/>.</param>
    /// <exception cref="ArgumentException">A span is too short, or rows &gt; 0 with no columns.</exception>
    public static void ArgMaxRows(ReadOnlySpan<float> x, int rows, int cols, Span<int> dst)
    {
        CheckMatrix("Reduce.ArgMaxRows", x.Length, rows, cols);
        if (rows > 0 && cols == 0) Throw.Argument("Reduce.ArgMaxRows: rows have no columns, so there is no argmax; pass cols >= 1.", nameof(cols));
        if (dst.Length < rows) Throw.LengthMismatch("Reduce.ArgMaxRows: dst must hold one index per row", rows, dst.Length);
        for (int r = 0; r < rows; r++)
            dst[r] = TensorPrimitives.IndexOfMax(x.Slice(r * cols, cols));
    }

    /// <summary>Validates a [rows, cols] span; the message is built only on failure, so checks never allocate.</summary>
    internal static void CheckMatrix(string op, int length, int rows, int cols, string span = "input")
    {
        if (rows < 0 || cols < 0) Throw.Argument($"{op}: rows ({rows}) and cols ({cols}) must be non-negative.");
        if ((long)rows * cols > length)
            Throw.Argument($"{op}: a [{rows}, {cols}] matrix needs {(long)rows * cols} elements but the {span} span has {length}; check rows and cols.");
    }
}
