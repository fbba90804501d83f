using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

// Triangle (piecewise-linear) surrogate: S. K. Esser et al., "Convolutional networks for fast, energy-efficient
// neuromorphic computing", PNAS 113(41), 2016; G. Bellec et al., "Long short-term memory and learning-to-learn in
// networks of spiking neurons", NeurIPS 2018 (pseudo-derivative max(0, 1 − |x|)). Normalised to unit area:
//   g(x) = max(0, 1 − |x|/w)/w,
//   F(x) = 0 (x ≤ −w);  (1 + x/w)²/2 (−w < x ≤ 0);  1 − (1 − x/w)²/2 (0 < x < w);  1 (x ≥ w).
// (∫ of the triangle with half-width w and height 1/w is 1; each quadratic piece differentiates to g.)

/// <summary>
/// Triangle surrogate (Esser et al. 2016; Bellec et al. 2018) with half-width w: g(x) = max(0, 1 − |x|/w)/w,
/// primitive F piecewise quadratic from 0 at −w to 1 at w. Peak 1/w; not differentiable at 0 and ±w.
/// </summary>
public readonly struct TriangleSurrogate : ISurrogate
{
    readonly float _width, _inv;

    /// <summary>Half-width w = 1.</summary>
    public TriangleSurrogate() : this(1f) { }

    /// <summary>Creates the surrogate with half-width <paramref name="width"/>.</summary>
    /// <param name="width">w &gt; 0: the support is (−w, w).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="width"/> is not finite and positive.</exception>
    public TriangleSurrogate(float width)
    {
        _width = SurrogateArgs.Positive(width, nameof(width));
        _inv = 1f / width;
    }

    /// <summary>The half-width w.</summary>
    public float Width => _width;

    /// <inheritdoc/>
    public float Grad(float x) => MathF.Max(0f, 1f - MathF.Abs(x) * _inv) * _inv;

    /// <inheritdoc/>
    public Vector128<float> Grad(Vector128<float> x) =>
        Vector128.Max(Vector128<float>.Zero, Vector128<float>.One - Vector128.Abs(x) * Vector128.Create(_inv)) * Vector128.Create(_inv);

    /// <inheritdoc/>
    public Vector256<float> Grad(Vector256<float> x) =>
        Vector256.Max(Vector256<float>.Zero, Vector256<float>.One - Vector256.Abs(x) * Vector256.Create(_inv)) * Vector256.Create(_inv);

    /// <inheritdoc/>
    public Vector512<float> Grad(Vector512<float> x) =>
        Vector512.Max(Vector512<float>.Zero, Vector512<float>.One - Vector512.Abs(x) * Vector512.Create(_inv)) * Vector512.Create(_inv);

    /// <inheritdoc/>
    public double Primitive(double x)
    {
        double u = x / _width;
        if (u <= -1) return 0;
        if (u >= 1) return 1;
        return u <= 0 ? 0.5 * (1 + u) * (1 + u) : 1 - 0.5 * (1 - u) * (1 - u);
    }
}
