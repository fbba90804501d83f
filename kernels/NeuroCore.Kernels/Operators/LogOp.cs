using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

/// <summary>Natural logarithm: y = ln x (NaN for x &lt; 0, −∞ at ±0).</summary>
public readonly struct LogOp : IUnaryOp
{
    /// <inheritdoc/>
    public static float Invoke(float x) => MathF.Log(x);

    /// <inheritdoc/>
    public static Vector128<float> Invoke(Vector128<float> x) => Vector128.Log(x);

    /// <inheritdoc/>
    public static Vector256<float> Invoke(Vector256<float> x) => Vector256.Log(x);

    /// <inheritdoc/>
    public static Vector512<float> Invoke(Vector512<float> x) => Vector512.Log(x);
}
