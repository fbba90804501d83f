using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

/// <summary>
/// A surrogate gradient for the spike function. Forward is always the Heaviside step
/// <c>S = H(x) = [x ≥ 0]</c> with <c>x = V − θ</c>; backward replaces the Dirac delta with <see cref="Grad(float)"/>,
/// the derivative of the smooth <see cref="Primitive(double)"/>: a rising, sigmoid-like function. Its total rise
/// F(∞) − F(−∞) is the area under g and need not be 1 (unit-area shapes such as ATan rise from 0 to 1; the
/// peak-1 fast sigmoid rises by 2/k).
/// Implementations are readonly structs whose fields hold their shape parameters (e.g. slope), so generic kernels
/// over <c>TSurrogate : struct, ISurrogate</c> inline the call (DESIGN.md decision 3).
/// </summary>
public interface ISurrogate
{
    /// <summary>The surrogate derivative g(x) used in place of dH/dx.</summary>
    float Grad(float x);

    /// <summary>g(x) on 128-bit lanes.</summary>
    Vector128<float> Grad(Vector128<float> x);

    /// <summary>g(x) on 256-bit lanes.</summary>
    Vector256<float> Grad(Vector256<float> x);

    /// <summary>g(x) on 512-bit lanes.</summary>
    Vector512<float> Grad(Vector512<float> x);

    /// <summary>
    /// A smooth, non-decreasing function whose derivative is <see cref="Grad(float)"/>, in double (for tests: a
    /// forward smoothed through it has exactly the gradients the surrogate backward computes). Defined up to an additive constant.
    /// </summary>
    double Primitive(double x);
}
