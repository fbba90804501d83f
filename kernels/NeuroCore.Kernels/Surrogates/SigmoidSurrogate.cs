using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

// Sigmoid surrogate: E. O. Neftci, H. Mostafa & F. Zenke, "Surrogate Gradient Learning in Spiking Neural Networks",
// IEEE Signal Processing Magazine 36(6), 2019 (SpikingJelly surrogate.Sigmoid).
//   F(x) = σ(kx) = 1/(1 + e^(−kx)),   g(x) = F'(x) = k·σ(kx)(1 − σ(kx)).  Unit area; peak k/4.

/// <summary>
/// Sigmoid surrogate (Neftci, Mostafa &amp; Zenke 2019): g(x) = k·σ(kx)(1 − σ(kx)), primitive F(x) = σ(kx).
/// </summary>
public readonly struct SigmoidSurrogate : ISurrogate
{
    readonly float _slope, _k;

    /// <summary>Slope k = 4 (SpikingJelly's default α).</summary>
    public SigmoidSurrogate() : this(4f) { }

    /// <summary>Creates the surrogate with slope <paramref name="slope"/>.</summary>
    /// <param name="slope">The slope k (&gt; 0).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="slope"/> is not finite and positive.</exception>
    public SigmoidSurrogate(float slope)
    {
        _slope = SurrogateArgs.Positive(slope, nameof(slope));
        _k = slope;
    }

    /// <summary>The slope k.</summary>
    public float Slope => _slope;

    // g = k·σ(kx)(1 − σ(kx)) written as k·e/(1 + e)² with e = exp(−k|x|): even in x, and no 1 − σ cancellation.
    /// <inheritdoc/>
    public float Grad(float x)
    {
        float e = MathF.Exp(-_k * MathF.Abs(x));
        float d = 1f + e;
        return _k * e / (d * d);
    }

    /// <inheritdoc/>
    public Vector128<float> Grad(Vector128<float> x)
    {
        Vector128<float> e = Vector128.Exp(Vector128.Create(-_k) * Vector128.Abs(x));
        Vector128<float> d = Vector128<float>.One + e;
        return Vector128.Create(_k) * e / (d * d);
    }

    /// <inheritdoc/>
    public Vector256<float> Grad(Vector256<float> x)
    {
        Vector256<float> e = Vector256.Exp(Vector256.Create(-_k) * Vector256.Abs(x));
        Vector256<float> d = Vector256<float>.One + e;
        return Vector256.Create(_k) * e / (d * d);
    }

    /// <inheritdoc/>
    public Vector512<float> Grad(Vector512<float> x)
    {
        Vector512<float> e = Vector512.Exp(Vector512.Create(-_k) * Vector512.Abs(x));
        Vector512<float> d = Vector512<float>.One + e;
        return Vector512.Create(_k) * e / (d * d);
    }

    /// <inheritdoc/>
    public double Primitive(double x) => 1 / (1 + Math.Exp(-(double)_slope * x));
}
