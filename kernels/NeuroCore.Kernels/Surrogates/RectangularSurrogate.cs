using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

// Rectangular surrogate: Y. Wu, L. Deng, G. Li, J. Zhu & L. Shi, "Spatio-Temporal Backpropagation for Training
// High-Performance Spiking Neural Networks", Frontiers in Neuroscience 12:331, 2018 (the rectangular curve).
//   g(x) = [|x| < w/2] / w,   F(x) = clamp(x/w + 1/2, 0, 1).   Unit area; not differentiable at ±w/2.

/// <summary>
/// Rectangular surrogate (Wu et al. 2018) with width w: g(x) = [|x| &lt; w/2]/w, primitive F(x) = clamp(x/w + 1/2, 0, 1).
/// NaN inputs give 0.
/// </summary>
public readonly struct RectangularSurrogate : ISurrogate
{
    readonly float _width, _inv, _half;

    /// <summary>Width w = 1.</summary>
    public RectangularSurrogate() : this(1f) { }

    /// <summary>Creates the surrogate with width <paramref name="width"/>.</summary>
    /// <param name="width">w &gt; 0: the support is (−w/2, w/2).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="width"/> is not finite and positive.</exception>
    public RectangularSurrogate(float width)
    {
        _width = SurrogateArgs.Positive(width, nameof(width));
        _inv = 1f / width;
        _half = 0.5f * width;
    }

    /// <summary>The width w.</summary>
    public float Width => _width;

    /// <inheritdoc/>
    public float Grad(float x) => MathF.Abs(x) < _half ? _inv : 0f;

    /// <inheritdoc/>
    public Vector128<float> Grad(Vector128<float> x) =>
        Vector128.ConditionalSelect(Vector128.LessThan(Vector128.Abs(x), Vector128.Create(_half)), Vector128.Create(_inv), Vector128<float>.Zero);

    /// <inheritdoc/>
    public Vector256<float> Grad(Vector256<float> x) =>
        Vector256.ConditionalSelect(Vector256.LessThan(Vector256.Abs(x), Vector256.Create(_half)), Vector256.Create(_inv), Vector256<float>.Zero);

    /// <inheritdoc/>
    public Vector512<float> Grad(Vector512<float> x) =>
        Vector512.ConditionalSelect(Vector512.LessThan(Vector512.Abs(x), Vector512.Create(_half)), Vector512.Create(_inv), Vector512<float>.Zero);

    /// <inheritdoc/>
    public double Primitive(double x) => Math.Clamp(x / _width + 0.5, 0, 1);
}
