using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

/// <summary>Quotient: z = x / y (IEEE: ±∞ or NaN on division by zero).</summary>
public readonly struct DivOp : IBinaryOp
{
    /// <inheritdoc/>
    public static float Invoke(float x, float y) => x / y;

    /// <inheritdoc/>
    public static Vector128<float> Invoke(Vector128<float> x, Vector128<float> y) => x / y;

    /// <inheritdoc/>
    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => x / y;

    /// <inheritdoc/>
    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) => x / y;
}
