using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels.Tests;

/// <summary>
/// Test-only fast-sigmoid surrogate (until the surrogates branch lands): <c>g(x) = (k/2)/(1 + k|x|)²</c>, the
/// derivative of <c>P(x) = ½ + ½·kx/(1 + k|x|)</c>, which rises from 0 to 1. The scalar and vector forms use the same
/// operations in the same order, so they agree bitwise.
/// </summary>
internal readonly struct LifTestSurrogate(float slope) : ISurrogate
{
    readonly float _k = slope, _half = 0.5f * slope;

    public float Grad(float x)
    {
        float d = 1f + _k * MathF.Abs(x);
        return _half / (d * d);
    }

    public Vector128<float> Grad(Vector128<float> x)
    {
        Vector128<float> d = Vector128<float>.One + Vector128.Create(_k) * Vector128.Abs(x);
        return Vector128.Create(_half) / (d * d);
    }

    public Vector256<float> Grad(Vector256<float> x)
    {
        Vector256<float> d = Vector256<float>.One + Vector256.Create(_k) * Vector256.Abs(x);
        return Vector256.Create(_half) / (d * d);
    }

    public Vector512<float> Grad(Vector512<float> x)
    {
        Vector512<float> d = Vector512<float>.One + Vector512.Create(_k) * Vector512.Abs(x);
        return Vector512.Create(_half) / (d * d);
    }

    public double Primitive(double x) => 0.5 + 0.5 * _k * x / (1 + _k * Math.Abs(x));
}
