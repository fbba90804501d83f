using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

/// <summary>Larger operand: z = max(x, y) with <see cref="MathF.Max(float, float)"/> semantics (NaN propagates, +0 &gt; −0).</summary>
public readonly struct MaxOp : IBinaryOp
{
    /// <inheritdoc/>
    public static float Invoke(float x, float y) => MathF.Max(x, y);

    /// <inheritdoc/>
    public static Vector128<float> Invoke(Vector128<float> x, Vector128<float> y) => Vector128.Max(x, y);

    /// <inheritdoc/>
    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => Vector256.Max(x, y);

    /// <inheritdoc/>
    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) => Vector512.Max(x, y);
}
