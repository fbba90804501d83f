namespace NeuroCore.Kernels;

public static partial class Reference
{
    /// <summary>
    /// Scalar twin of <see cref="Softmax.Forward"/>: <c>y[r,c] = exp(x[r,c] − m) / Σ_k exp(x[r,k] − m)</c>,
    /// <c>m = max_k x[r,k]</c>, accumulated in double.
    /// </summary>
    /// <param name="x">[rows, cols].</param>
    /// <param name="rows">Rows.</param>
    /// <param name="cols">Columns.</param>
    /// <param name="y">[rows, cols].</param>
    public static void SoftmaxForward(ReadOnlySpan<float> x, int rows, int cols, Span<float> y)
    {
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> xr = x.Slice(r * cols, cols);
            double m = Max(xr), s = 0;
            for (int c = 0; c < cols; c++) s += Math.Exp(xr[c] - m);
            for (int c = 0; c < cols; c++) y[r * cols + c] = (float)(Math.Exp(xr[c] - m) / s);
        }
    }

    /// <summary>
    /// Scalar twin of <see cref="Softmax.LogForward"/>: <c>y[r,c] = x[r,c] − m − log Σ_k exp(x[r,k] − m)</c>, in double.
    /// </summary>
    /// <param name="x">[rows, cols].</param>
    /// <param name="rows">Rows.</param>
    /// <param name="cols">Columns.</param>
    /// <param name="y">[rows, cols].</param>
    public static void LogSoftmaxForward(ReadOnlySpan<float> x, int rows, int cols, Span<float> y)
    {
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> xr = x.Slice(r * cols, cols);
            double m = Max(xr), s = 0;
            for (int c = 0; c < cols; c++) s += Math.Exp(xr[c] - m);
            double log = Math.Log(s);
            for (int c = 0; c < cols; c++) y[r * cols + c] = (float)(xr[c] - m - log);
        }
    }

    /// <summary>Scalar twin of <see cref="Softmax.Backward"/>: <c>dx[r,c] = y[r,c]·(dy[r,c] − Σ_k dy[r,k]·y[r,k])</c>, in double.</summary>
    /// <param name="y">Forward output [rows, cols].</param>
    /// <param name="dy">Output gradient.</param>
    /// <param name="rows">Rows.</param>
    /// <param name="cols">Columns.</param>
    /// <param name="dx">Input gradient.</param>
    public static void SoftmaxBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, int rows, int cols, Span<float> dx)
    {
        for (int r = 0; r < rows; r++)
        {
            double dot = 0;
            for (int c = 0; c < cols; c++) dot += (double)dy[r * cols + c] * y[r * cols + c];
            for (int c = 0; c < cols; c++) dx[r * cols + c] = (float)(y[r * cols + c] * (dy[r * cols + c] - dot));
        }
    }

    /// <summary>Scalar twin of <see cref="Softmax.LogBackward"/>: <c>dx[r,c] = dy[r,c] − exp(y[r,c])·Σ_k dy[r,k]</c>, in double.</summary>
    /// <param name="y">Forward output (log-probabilities) [rows, cols].</param>
    /// <param name="dy">Output gradient.</param>
    /// <param name="rows">Rows.</param>
    /// <param name="cols">Columns.</param>
    /// <param name="dx">Input gradient.</param>
    public static void LogSoftmaxBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, int rows, int cols, Span<float> dx)
    {
        for (int r = 0; r < rows; r++)
        {
            double s = 0;
            for (int c = 0; c < cols; c++) s += dy[r * cols + c];
            for (int c = 0; c < cols; c++) dx[r * cols + c] = (float)(dy[r * cols + c] - Math.Exp(y[r * cols + c]) * s);
        }
    }
}
