using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

/// <summary>
/// A pure elementwise function y = f(x) given once as a scalar formula and once per vector width, so that
/// <see cref="Elementwise.Map{TOp}"/> can run it at any width with the same meaning. Implement it on a
/// <c>readonly struct</c>: the generic driver is specialised per struct and every call is inlined.
/// </summary>
public interface IUnaryOp
{
    /// <summary>The scalar formula; the specification the vector forms must agree with.</summary>
    /// <param name="x">The input.</param>
    /// <returns>f(x).</returns>
    static abstract float Invoke(float x);

    /// <summary>f applied to each of 4 lanes.</summary>
    /// <param name="x">The inputs.</param>
    /// <returns>f(x) lane by lane.</returns>
    static abstract Vector128<float> Invoke(Vector128<float> x);

    /// <summary>f applied to each of 8 lanes.</summary>
    /// <param name="x">The inputs.</param>
    /// <returns>f(x) lane by lane.</returns>
    static abstract Vector256<float> Invoke(Vector256<float> x);

    /// <summary>f applied to each of 16 lanes.</summary>
    /// <param name="x">The inputs.</param>
    /// <returns>f(x) lane by lane.</returns>
    static abstract Vector512<float> Invoke(Vector512<float> x);
}
