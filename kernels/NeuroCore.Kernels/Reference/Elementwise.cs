namespace NeuroCore.Kernels;

public static partial class Reference
{
    /// <summary>Scalar twin of <see cref="Elementwise.Map{TOp}"/>: <c>y[i] = TOp.Invoke(x[i])</c>, one element at a time.</summary>
    /// <typeparam name="TOp">The operator.</typeparam>
    /// <param name="x">The input.</param>
    /// <param name="y">The destination (may be x).</param>
    public static void Map<TOp>(ReadOnlySpan<float> x, Span<float> y) where TOp : struct, IUnaryOp
    {
        for (int i = 0; i < x.Length; i++) y[i] = TOp.Invoke(x[i]);
    }

    /// <summary>Scalar twin of <see cref="Elementwise.Zip{TOp}"/>: <c>z[i] = TOp.Invoke(x[i], y[i])</c>.</summary>
    /// <typeparam name="TOp">The operator.</typeparam>
    /// <param name="x">The first operand.</param>
    /// <param name="y">The second operand.</param>
    /// <param name="z">The destination (may be x or y).</param>
    public static void Zip<TOp>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> z) where TOp : struct, IBinaryOp
    {
        for (int i = 0; i < x.Length; i++) z[i] = TOp.Invoke(x[i], y[i]);
    }
}
