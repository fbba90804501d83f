using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

// Gaussian-noise surrogate for noisy spiking neural networks (NSNN): G. Ma, R. Yan & H. Tang, "Exploiting noise as a
// resource for computation and learning in spiking neural networks", Patterns 4(10), 2023.
// With additive noise ε ~ N(0, σ²) on the membrane, P(spike) = P(x + ε ≥ 0) = Φ(x/σ), and its derivative is the noise
// density:
//   F(x) = Φ(x/σ) = erfc(−x/(σ√2))/2 (ErfMath),   g(x) = exp(−x²/(2σ²)) / (σ√(2π)).
// (The same curve as GaussianSurrogate, named for the NSNN noise model whose std it takes.)

/// <summary>
/// NSNN Gaussian-noise surrogate (Ma, Yan &amp; Tang 2023): the density of N(0, σ²) noise,
/// g(x) = exp(−x²/(2σ²))/(σ√(2π)), primitive F(x) = Φ(x/σ) (Gaussian CDF via erfc), the spike probability.
/// </summary>
public readonly struct GaussianNoiseSurrogate : ISurrogate
{
    readonly GaussianSurrogate _curve;   // the same curve; this type names the NSNN noise model

    /// <summary>Noise std σ = 1.</summary>
    public GaussianNoiseSurrogate() : this(1f) { }

    /// <summary>Creates the surrogate with standard deviation <paramref name="sigma"/>.</summary>
    /// <param name="sigma">The noise standard deviation σ &gt; 0.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sigma"/> is not finite and positive.</exception>
    public GaussianNoiseSurrogate(float sigma) => _curve = new GaussianSurrogate(sigma);

    /// <summary>The standard deviation σ.</summary>
    public float Sigma => _curve.Sigma;

    /// <inheritdoc/>
    public float Grad(float x) => _curve.Grad(x);

    /// <inheritdoc/>
    public Vector128<float> Grad(Vector128<float> x) => _curve.Grad(x);

    /// <inheritdoc/>
    public Vector256<float> Grad(Vector256<float> x) => _curve.Grad(x);

    /// <inheritdoc/>
    public Vector512<float> Grad(Vector512<float> x) => _curve.Grad(x);

    /// <inheritdoc/>
    public double Primitive(double x) => _curve.Primitive(x);
}
