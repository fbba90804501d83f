using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

// Gaussian surrogate: Y. Wu, L. Deng, G. Li, J. Zhu & L. Shi, "Spatio-Temporal Backpropagation for Training
// High-Performance Spiking Neural Networks", Frontiers in Neuroscience 12:331, 2018 (the Gaussian curve).
// Normalised density:
//   g(x) = N(x; 0, σ) = exp(−x²/(2σ²)) / (σ√(2π)),   F(x) = Φ(x/σ) = erfc(−x/(σ√2))/2 (ErfMath).

/// <summary>
/// Gaussian surrogate (Wu et al. 2018): g(x) = exp(−x²/(2σ²))/(σ√(2π)), primitive F(x) = Φ(x/σ), the normal CDF.
/// </summary>
public readonly struct GaussianSurrogate : ISurrogate
{
    readonly float _sigma, _a, _peak;

    /// <summary>σ = 1.</summary>
    public GaussianSurrogate() : this(1f) { }

    /// <summary>Creates the surrogate with standard deviation <paramref name="sigma"/>.</summary>
    /// <param name="sigma">The width σ &gt; 0.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sigma"/> is not finite and positive.</exception>
    public GaussianSurrogate(float sigma)
    {
        _sigma = SurrogateArgs.Positive(sigma, nameof(sigma));
        _a = (float)(-0.5 / ((double)sigma * sigma));
        _peak = (float)(1 / (sigma * Math.Sqrt(2 * Math.PI)));
    }

    /// <summary>The standard deviation σ.</summary>
    public float Sigma => _sigma;

    // g = peak·exp(a·x²), a = −1/(2σ²), peak = 1/(σ√(2π)); x² overflows to ∞ for huge |x|, and exp(−∞) = 0.
    /// <inheritdoc/>
    public float Grad(float x) => _peak * MathF.Exp(_a * (x * x));

    /// <inheritdoc/>
    public Vector128<float> Grad(Vector128<float> x) =>
        Vector128.Create(_peak) * Vector128.Exp(Vector128.Create(_a) * (x * x));

    /// <inheritdoc/>
    public Vector256<float> Grad(Vector256<float> x) =>
        Vector256.Create(_peak) * Vector256.Exp(Vector256.Create(_a) * (x * x));

    /// <inheritdoc/>
    public Vector512<float> Grad(Vector512<float> x) =>
        Vector512.Create(_peak) * Vector512.Exp(Vector512.Create(_a) * (x * x));

    /// <inheritdoc/>
    public double Primitive(double x) => ErfMath.NormalCdf(x / _sigma);
}
