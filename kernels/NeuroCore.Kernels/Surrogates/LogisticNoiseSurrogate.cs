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
    readonly float _scale, _k;

    /// <summary>Noise scale s = 1.</summary>
    public LogisticNoiseSurrogate() : this(1f) { }

    /// <summary>Creates the surrogate with noise scale <paramref name="scale"/>.</summary>
    /// <param name="scale">The noise scale s (&gt; 0).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="scale"/> is not finite and positive.</exception>
    public LogisticNoiseSurrogate(float scale)
    {
        _scale = SurrogateArgs.Positive(scale, nameof(scale));
        _k = 1f / scale;
    }

    /// <summary>The noise scale s.</summary>
    public float Scale => _scale;

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
    public double Primitive(double x) => 1 / (1 + Math.Exp(-(1.0 / _scale) * x));
}
