using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

/// <summary>Gradient of <see cref="TanhOp"/> from its output: z = dy · (1 − t²), with x = t the forward output and y = dy.</summary>
public readonly struct TanhBackwardOp : IBinaryOp
{
    /// <inheritdoc/>
    public static float Invoke(float x, float y) => y * (1f - x * x);

    /// <inheritdoc/>
    public static Vector128<float> Invoke(Vector128<float> x, Vector128<float> y) => y * (Vector128<float>.One - x * x);

    /// <inheritdoc/>
    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => y * (Vector256<float>.One - x * x);

    /// <inheritdoc/>
    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) => y * (Vector512<float>.One - x * x);
}
