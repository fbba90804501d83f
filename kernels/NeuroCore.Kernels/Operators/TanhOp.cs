using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

/// <summary>
/// Hyperbolic tangent: y = tanh x, computed as sign(x) · (1 − e)/(1 + e) with e = e^(−2|x|), and for |x| &lt; 1/8
/// as the odd Taylor polynomial x·(1 − x²/3 + 2x⁴/15 − 17x⁶/315), where the quotient would lose digits to
/// cancellation. Scalar and vector forms evaluate the same formula, so tails agree with bodies.
/// </summary>
public readonly struct TanhOp : IUnaryOp
{
    const float SmallLimit = 0.125f;
    const float C3 = -1f / 3f, C5 = 2f / 15f, C7 = -17f / 315f;

    /// <inheritdoc/>
    public static float Invoke(float x)
    {
        float a = MathF.Abs(x);
        if (a < SmallLimit)
        {
            float x2 = x * x;
            return x + x * x2 * (C3 + x2 * (C5 + x2 * C7));
        }
        float e = MathF.Exp(-2f * a);
        return MathF.CopySign((1f - e) / (1f + e), x);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke(Vector128<float> x)
    {
        Vector128<float> sign = Vector128.Create(-0f);
        Vector128<float> a = Vector128.AndNot(x, sign);
        Vector128<float> x2 = x * x;
        Vector128<float> poly = x + x * x2 * (Vector128.Create(C3) + x2 * (Vector128.Create(C5) + x2 * Vector128.Create(C7)));
        Vector128<float> e = Vector128.Exp(a * Vector128.Create(-2f));
        Vector128<float> t = ((Vector128<float>.One - e) / (Vector128<float>.One + e)) | (x & sign);
        return Vector128.ConditionalSelect(Vector128.LessThan(a, Vector128.Create(SmallLimit)), poly, t);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x)
    {
        Vector256<float> sign = Vector256.Create(-0f);
        Vector256<float> a = Vector256.AndNot(x, sign);
        Vector256<float> x2 = x * x;
        Vector256<float> poly = x + x * x2 * (Vector256.Create(C3) + x2 * (Vector256.Create(C5) + x2 * Vector256.Create(C7)));
        Vector256<float> e = Vector256.Exp(a * Vector256.Create(-2f));
        Vector256<float> t = ((Vector256<float>.One - e) / (Vector256<float>.One + e)) | (x & sign);
        return Vector256.ConditionalSelect(Vector256.LessThan(a, Vector256.Create(SmallLimit)), poly, t);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Invoke(Vector512<float> x)
    {
        Vector512<float> sign = Vector512.Create(-0f);
        Vector512<float> a = Vector512.AndNot(x, sign);
        Vector512<float> x2 = x * x;
        Vector512<float> poly = x + x * x2 * (Vector512.Create(C3) + x2 * (Vector512.Create(C5) + x2 * Vector512.Create(C7)));
        Vector512<float> e = Vector512.Exp(a * Vector512.Create(-2f));
        Vector512<float> t = ((Vector512<float>.One - e) / (Vector512<float>.One + e)) | (x & sign);
        return Vector512.ConditionalSelect(Vector512.LessThan(a, Vector512.Create(SmallLimit)), poly, t);
    }
}
