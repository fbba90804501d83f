using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

/// <summary>Logistic sigmoid: y = 1 / (1 + e⁻ˣ); saturates to exactly 0 and 1 at the far ends.</summary>
public readonly struct SigmoidOp : IUnaryOp
{
    /// <inheritdoc/>
    public static float Invoke(float x) => 1f / (1f + MathF.Exp(-x));

    /// <inheritdoc/>
    public static Vector128<float> Invoke(Vector128<float> x) => Vector128<float>.One / (Vector128<float>.One + Vector128.Exp(-x));

    /// <inheritdoc/>
    public static Vector256<float> Invoke(Vector256<float> x) => Vector256<float>.One / (Vector256<float>.One + Vector256.Exp(-x));

    /// <inheritdoc/>
    public static Vector512<float> Invoke(Vector512<float> x) => Vector512<float>.One / (Vector512<float>.One + Vector512.Exp(-x));
}
