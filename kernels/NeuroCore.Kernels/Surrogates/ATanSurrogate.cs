using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

// Arctangent surrogate: W. Fang, Z. Yu, Y. Chen, T. Masquelier, T. Huang & Y. Tian, "Incorporating Learnable Membrane
// Time Constant to Enhance Learning of Spiking Neural Networks", ICCV 2021 (SpikingJelly surrogate.ATan).
//   F(x) = atan(π/2·α·x)/π + 1/2,    g(x) = F'(x) = (α/2) / (1 + (π/2·α·x)²).
// (d/dx atan(c·x)/π = c/(π(1 + c²x²)) with c = πα/2 gives α/2 over the same denominator.) Unit area; peak α/2.

/// <summary>
/// Arctangent surrogate (Fang et al. 2021): g(x) = (α/2) / (1 + (π/2·α·x)²), primitive F(x) = atan(π/2·α·x)/π + 1/2.
/// </summary>
public readonly struct ATanSurrogate : ISurrogate
{
    readonly float _alpha, _halfAlpha, _c;

    /// <summary>α = 2 (SpikingJelly's default).</summary>
    public ATanSurrogate() : this(2f) { }

    /// <summary>Creates the surrogate with sharpness <paramref name="alpha"/>.</summary>
    /// <param name="alpha">α &gt; 0: larger is sharper.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="alpha"/> is not finite and positive.</exception>
    public ATanSurrogate(float alpha)
    {
        _alpha = SurrogateArgs.Positive(alpha, nameof(alpha));
        _halfAlpha = 0.5f * alpha;
        _c = MathF.PI / 2 * alpha;
    }

    /// <summary>The sharpness α.</summary>
    public float Alpha => _alpha;

    /// <inheritdoc/>
    public float Grad(float x)
    {
        float cx = _c * x;
        return _halfAlpha / (1f + cx * cx);
    }

    /// <inheritdoc/>
    public Vector128<float> Grad(Vector128<float> x)
    {
        Vector128<float> cx = Vector128.Create(_c) * x;
        return Vector128.Create(_halfAlpha) / (Vector128<float>.One + cx * cx);
    }

    /// <inheritdoc/>
    public Vector256<float> Grad(Vector256<float> x)
    {
        Vector256<float> cx = Vector256.Create(_c) * x;
        return Vector256.Create(_halfAlpha) / (Vector256<float>.One + cx * cx);
    }

    /// <inheritdoc/>
    public Vector512<float> Grad(Vector512<float> x)
    {
        Vector512<float> cx = Vector512.Create(_c) * x;
        return Vector512.Create(_halfAlpha) / (Vector512<float>.One + cx * cx);
    }

    /// <inheritdoc/>
    public double Primitive(double x) => Math.Atan(Math.PI / 2 * _alpha * x) / Math.PI + 0.5;
}
