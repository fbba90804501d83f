using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

/// <summary>Exponential: y = eˣ.</summary>
public readonly struct ExpOp : IUnaryOp
{
    /// <inheritdoc/>
    public static float Invoke(float x) => MathF.Exp(x);

    /// <inheritdoc/>
    public static Vector128<float> Invoke(Vector128<float> x) => Vector128.Exp(x);

    /// <inheritdoc/>
    public static Vector256<float> Invoke(Vector256<float> x) => Vector256.Exp(x);

    /// <inheritdoc/>
    public static Vector512<float> Invoke(Vector512<float> x) => Vector512.Exp(x);
}
