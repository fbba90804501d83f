using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

/// <summary>Gradient of <see cref="ReluOp"/>: z = x &gt; 0 ? dy : 0, with x the forward input and y = dy the upstream gradient.</summary>
public readonly struct ReluBackwardOp : IBinaryOp
{
    /// <inheritdoc/>
    public static float Invoke(float x, float y) => x > 0f ? y : 0f;

    /// <inheritdoc/>
    public static Vector128<float> Invoke(Vector128<float> x, Vector128<float> y) => Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<float>.Zero), y, Vector128<float>.Zero);

    /// <inheritdoc/>
    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), y, Vector256<float>.Zero);

    /// <inheritdoc/>
    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), y, Vector512<float>.Zero);
}
