using System.Numerics.Tensors;

namespace NeuroCore.Kernels;

/// <summary>
/// Row-wise softmax and log-softmax over a row-major [rows, cols] matrix, numerically stable (the row maximum is
/// subtracted before exponentiating, so no finite input overflows), with their backward passes from the forward
/// output. Each row is a few vectorised <see cref="TensorPrimitives"/> passes over data that stays in cache.
/// </summary>
public static class Softmax
{
    const int Chunk = 256; // stack scratch for exponentials, 1 KiB

    /// <summary>
    /// Effectively computes <c>y[r,c] = exp(x[r,c] − m_r) / Σ_k exp(x[r,k] − m_r)</c> with <c>m_r = max_k x[r,k]</c>.
    /// A row holding NaN or +∞ becomes NaN (as in PyTorch). <paramref name="y"/> may be <paramref name="x"/>.
    /// </summary>
    /// <param name="x">The logits, [rows, cols].</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="cols">Number of columns (the softmax axis).</param>
    /// <param name="y">The probabilities, [rows, cols].</param>
    /// <exception cref="ArgumentException">A span is shorter than [rows, cols] or partially overlaps another.</exception>
    public static void Forward(ReadOnlySpan<float> x, int rows, int cols, Span<float> y)
    {
        Check("Softmax.Forward", x.Length, y.Length, rows, cols);
        if (cols == 0) return;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> xr = x.Slice(r * cols, cols);
            Span<float> yr = y.Slice(r * cols, cols);
            float m = TensorPrimitives.Max(xr);
            TensorPrimitives.Subtract(xr, m, yr);
            TensorPrimitives.Exp(yr, yr);
            TensorPrimitives.Divide(yr, TensorPrimitives.Sum(yr), yr);
        }
    }

    /// <summary>
    /// Effectively computes <c>y[r,c] = x[r,c] − m_r − log Σ_k exp(x[r,k] − m_r)</c> with <c>m_r = max_k x[r,k]</c>.
    /// <paramref name="y"/> may be <paramref name="x"/>.
    /// </summary>
    /// <param name="x">The logits, [rows, cols].</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="cols">Number of columns (the softmax axis).</param>
    /// <param name="y">The log-probabilities, [rows, cols].</param>
    /// <exception cref="ArgumentException">A span is shorter than [rows, cols] or partially overlaps another.</exception>
    public static void LogForward(ReadOnlySpan<float> x, int rows, int cols, Span<float> y)
    {
        Check("Softmax.LogForward", x.Length, y.Length, rows, cols);
        if (cols == 0) return;
        Span<float> tmp = stackalloc float[Chunk];
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> xr = x.Slice(r * cols, cols);
            Span<float> yr = y.Slice(r * cols, cols);
            float m = TensorPrimitives.Max(xr);
            TensorPrimitives.Subtract(xr, m, yr);
            float s = 0f;
            for (int c = 0; c < cols; c += Chunk)
            {
                int len = Math.Min(Chunk, cols - c);
                TensorPrimitives.Exp(yr.Slice(c, len), tmp[..len]);
                s += TensorPrimitives.Sum(tmp[..len]);
            }
            TensorPrimitives.Subtract(yr, MathF.Log(s), yr);
        }
    }

    /// <summary>
    /// Softmax backward from its output: effectively computes <c>dx[r,c] = y[r,c]·(dy[r,c] − Σ_k dy[r,k]·y[r,k])</c>.
    /// <paramref name="dx"/> may be <paramref name="dy"/> (in place), not <paramref name="y"/>.
    /// </summary>
    /// <param name="y">The forward output, [rows, cols].</param>
    /// <param name="dy">The gradient of the loss with respect to y.</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="cols">Number of columns.</param>
    /// <param name="dx">The gradient with respect to the logits (overwritten).</param>
    /// <exception cref="ArgumentException">A span is too short, or dx overlaps y.</exception>
    public static void Backward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, int rows, int cols, Span<float> dx)
    {
        CheckBackward("Softmax.Backward", y, dy, dx, rows, cols);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> yr = y.Slice(r * cols, cols);
            ReadOnlySpan<float> dyr = dy.Slice(r * cols, cols);
            Span<float> dxr = dx.Slice(r * cols, cols);
            float dot = TensorPrimitives.Dot(dyr, yr);
            TensorPrimitives.Subtract(dyr, dot, dxr);
            TensorPrimitives.Multiply(dxr, yr, dxr);
        }
    }

    /// <summary>
    /// Log-softmax backward from its output: effectively computes <c>dx[r,c] = dy[r,c] − exp(y[r,c])·Σ_k dy[r,k]</c>.
    /// <paramref name="dx"/> may be <paramref name="dy"/> (in place), not <paramref name="y"/>.
    /// </summary>
    /// <param name="y">The forward output (log-probabilities), [rows, cols].</param>
    /// <param name="dy">The gradient of the loss with respect to y.</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="cols">Number of columns.</param>
    /// <param name="dx">The gradient with respect to the logits (overwritten).</param>
    /// <exception cref="ArgumentException">A span is too short, or dx overlaps y.</exception>
    public static void LogBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, int rows, int cols, Span<float> dx)
    {
        CheckBackward("Softmax.LogBackward", y, dy, dx, rows, cols);
        Span<float> tmp = stackalloc float[Chunk];
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> yr = y.Slice(r * cols, cols);
            ReadOnlySpan<float> dyr = dy.Slice(r * cols, cols);
            Span<float> dxr = dx.Slice(r * cols, cols);
            float negSum = -TensorPrimitives.Sum(dyr);
            for (int c = 0; c < cols; c += Chunk)
            {
                int len = Math.Min(Chunk, cols - c);
                TensorPrimitives.Exp(yr.Slice(c, len), tmp[..len]);
                TensorPrimitives.MultiplyAdd(tmp[..len], negSum, dyr.Slice(c, len), dxr.Slice(c, len));
            }
        }
    }

    static void Check(string op, int xLength, int yLength, int rows, int cols)
    {
        Reduce.CheckMatrix(op, xLength, rows, cols);
        Reduce.CheckMatrix(op, yLength, rows, cols, "output");
    }

    static void CheckBackward(string op, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int rows, int cols)
    {
        Reduce.CheckMatrix(op, y.Length, rows, cols, "y");
        Reduce.CheckMatrix(op, dy.Length, rows, cols, "dy");
        Reduce.CheckMatrix(op, dx.Length, rows, cols, "dx");
        if (y.Overlaps(dx)) Throw.Argument($"{op}: dx overlaps the forward output y, which is still read; give dx its own buffer (dx may reuse dy).", nameof(dx));
        if (dy.Overlaps(dx, out int offset) && offset != 0) Throw.PartialOverlap();
    }
}
