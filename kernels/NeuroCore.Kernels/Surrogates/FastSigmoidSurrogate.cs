using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

// Fast sigmoid (SuperSpike): F. Zenke & S. Ganguli, "SuperSpike: Supervised learning in multilayer spiking neural
// networks", Neural Computation 30(6), 2018. snnTorch's fast_sigmoid uses the same shape.
//
// The paper's surrogate is σ'(x) = 1/(1 + k|x|)², whose integral over ℝ is 2/k, not 1. Its antiderivative is
// x/(1 + k|x|) (for x > 0: d/dx x/(1+kx) = ((1+kx) − kx)/(1+kx)² = 1/(1+kx)²; odd by symmetry), which runs from
// −1/k to 1/k. The ISurrogate contract needs a primitive rising from 0 to 1, so we scale by k/2:
//   g(x) = (k/2) / (1 + k|x|)²,      F(x) = 1/2 + k·x / (2(1 + k|x|)),   F(−∞) = 0, F(0) = 1/2, F(∞) = 1.
// (The brief's F = x/(2(1+k|x|)) + 1/2 differentiates to 1/(2(1+k|x|)²), which integrates to 1/k, so it only
// reaches 0..1 for k = 1.) To reproduce the paper's unnormalised peak of 1, multiply g by 2/k downstream.
// Checked by SurrogateTests (Grad vs central difference of Primitive; Primitive 0 → 1).

/// <summary>
/// SuperSpike fast-sigmoid surrogate (Zenke &amp; Ganguli 2018), normalised to unit area:
/// g(x) = (k/2) / (1 + k|x|)², primitive F(x) = 1/2 + kx / (2(1 + k|x|)). Peak g(0) = k/2.
/// </summary>
public readonly struct FastSigmoidSurrogate : ISurrogate
{
    readonly float _k, _halfK;

    /// <summary>Slope k = 25 (snnTorch's default).</summary>
    public FastSigmoidSurrogate() : this(25f) { }

    /// <summary>Creates the surrogate with slope <paramref name="slope"/>.</summary>
    /// <param name="slope">k &gt; 0: larger is sharper.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="slope"/> is not finite and positive.</exception>
    public FastSigmoidSurrogate(float slope)
    {
        _k = SurrogateArgs.Positive(slope, nameof(slope));
        _halfK = 0.5f * slope;
    }

    /// <summary>The slope k.</summary>
    public float Slope => _k;

    /// <inheritdoc/>
    public float Grad(float x)
    {
        float d = 1f + _k * MathF.Abs(x);
        return _halfK / (d * d);
    }

    /// <inheritdoc/>
    public Vector128<float> Grad(Vector128<float> x)
    {
        Vector128<float> d = Vector128<float>.One + Vector128.Create(_k) * Vector128.Abs(x);
        return Vector128.Create(_halfK) / (d * d);
    }

    /// <inheritdoc/>
    public Vector256<float> Grad(Vector256<float> x)
    {
        Vector256<float> d = Vector256<float>.One + Vector256.Create(_k) * Vector256.Abs(x);
        return Vector256.Create(_halfK) / (d * d);
    }

    /// <inheritdoc/>
    public Vector512<float> Grad(Vector512<float> x)
    {
        Vector512<float> d = Vector512<float>.One + Vector512.Create(_k) * Vector512.Abs(x);
        return Vector512.Create(_halfK) / (d * d);
    }

    /// <inheritdoc/>
    public double Primitive(double x)
    {
        double k = _k;
        return double.IsInfinity(x) ? (x > 0 ? 1 : 0) : 0.5 + k * x / (2 * (1 + k * Math.Abs(x)));
    }
}
