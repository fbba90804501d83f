using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

/// <summary>Gradient of <see cref="SigmoidOp"/> from its output: z = dy · s · (1 − s), with x = s the forward output and y = dy.</summary>
public readonly struct SigmoidBackwardOp : IBinaryOp
{
    /// <inheritdoc/>
    public static float Invoke(float x, float y) => y * x * (1f - x);

    /// <inheritdoc/>
    public static Vector128<float> Invoke(Vector128<float> x, Vector128<float> y) => y * x * (Vector128<float>.One - x);

    /// <inheritdoc/>
    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => y * x * (Vector256<float>.One - x);

    /// <inheritdoc/>
    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) => y * x * (Vector512<float>.One - x);
}
