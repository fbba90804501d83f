using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

// Logistic-noise surrogate for noisy spiking neural networks (NSNN): G. Ma, R. Yan & H. Tang, "Exploiting noise as a
// resource for computation and learning in spiking neural networks", Patterns 4(10), 2023.
// With additive logistic noise ε ~ Logistic(0, s) on the membrane, P(spike) = P(x + ε ≥ 0) = σ(x/s), so the
// expected-spike derivative is the noise density:
//   F(x) = σ(x/s),   g(x) = p_ε(x) = σ(x/s)(1 − σ(x/s))/s = (1/s)·e/(1 + e)², e = exp(−|x|/s).
// (The same curve as SigmoidSurrogate with k = 1/s, parameterised by the noise scale.)

/// <summary>
/// NSNN logistic-noise surrogate (Ma, Yan &amp; Tang 2023): the density of Logistic(0, s) noise,
/// g(x) = σ(x/s)(1 − σ(x/s))/s, primitive F(x) = σ(x/s), the spike probability under that noise.
/// </summary>
public readonly struct LogisticNoiseSurrogate : ISurrogate
{
    readonly float _scale;
    readonly SigmoidSurrogate _curve;   // the same curve, slope k = 1/s: one implementation serves both

    /// <summary>Noise scale s = 1.</summary>
    public LogisticNoiseSurrogate() : this(1f) { }

    /// <summary>Creates the surrogate with noise scale <paramref name="scale"/>.</summary>
    /// <param name="scale">The noise scale s (&gt; 0).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="scale"/> is not finite and positive.</exception>
    public LogisticNoiseSurrogate(float scale)
    {
        _scale = SurrogateArgs.Positive(scale, nameof(scale));
        _curve = new SigmoidSurrogate(1f / scale);
    }

    /// <summary>The noise scale s.</summary>
    public float Scale => _scale;

    /// <inheritdoc/>
    public float Grad(float x) => _curve.Grad(x);

    /// <inheritdoc/>
    public Vector128<float> Grad(Vector128<float> x) => _curve.Grad(x);

    /// <inheritdoc/>
    public Vector256<float> Grad(Vector256<float> x) => _curve.Grad(x);

    /// <inheritdoc/>
    public Vector512<float> Grad(Vector512<float> x) => _curve.Grad(x);

    /// <inheritdoc/>
    public double Primitive(double x) => 1 / (1 + Math.Exp(-(1.0 / _scale) * x));
}
