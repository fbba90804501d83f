using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

/// <summary>Rectifier: y = x &lt; 0 ? 0 : x. NaN and −0 pass through unchanged (NaN propagates, as in PyTorch).</summary>
public readonly struct ReluOp : IUnaryOp
{
    /// <inheritdoc/>
    public static float Invoke(float x) => x < 0f ? 0f : x;

    /// <inheritdoc/>
    public static Vector128<float> Invoke(Vector128<float> x) => Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128<float>.Zero), Vector128<float>.Zero, x);

    /// <inheritdoc/>
    public static Vector256<float> Invoke(Vector256<float> x) => Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), Vector256<float>.Zero, x);

    /// <inheritdoc/>
    public static Vector512<float> Invoke(Vector512<float> x) => Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<float>.Zero), Vector512<float>.Zero, x);
}
