using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

/// <summary>Smaller operand: z = min(x, y) with <see cref="MathF.Min(float, float)"/> semantics (NaN propagates, −0 &lt; +0).</summary>
public readonly struct MinOp : IBinaryOp
{
    /// <inheritdoc/>
    public static float Invoke(float x, float y) => MathF.Min(x, y);

    /// <inheritdoc/>
    public static Vector128<float> Invoke(Vector128<float> x, Vector128<float> y) => Vector128.Min(x, y);

    /// <inheritdoc/>
    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => Vector256.Min(x, y);

    /// <inheritdoc/>
    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) => Vector512.Min(x, y);
}
