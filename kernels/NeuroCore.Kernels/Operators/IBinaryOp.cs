using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

/// <summary>
/// A pure elementwise function z = f(x, y) given once as a scalar formula and once per vector width, for
/// <see cref="Elementwise.Zip{TOp}"/>. Implement it on a <c>readonly struct</c> so every call is inlined.
/// </summary>
public interface IBinaryOp
{
    /// <summary>The scalar formula; the specification the vector forms must agree with.</summary>
    /// <param name="x">The first operand.</param>
    /// <param name="y">The second operand.</param>
    /// <returns>f(x, y).</returns>
    static abstract float Invoke(float x, float y);

    /// <summary>f applied to each of 4 lane pairs.</summary>
    /// <param name="x">The first operands.</param>
    /// <param name="y">The second operands.</param>
    /// <returns>f(x, y) lane by lane.</returns>
    static abstract Vector128<float> Invoke(Vector128<float> x, Vector128<float> y);

    /// <summary>f applied to each of 8 lane pairs.</summary>
    /// <param name="x">The first operands.</param>
    /// <param name="y">The second operands.</param>
    /// <returns>f(x, y) lane by lane.</returns>
    static abstract Vector256<float> Invoke(Vector256<float> x, Vector256<float> y);

    /// <summary>f applied to each of 16 lane pairs.</summary>
    /// <param name="x">The first operands.</param>
    /// <param name="y">The second operands.</param>
    /// <returns>f(x, y) lane by lane.</returns>
    static abstract Vector512<float> Invoke(Vector512<float> x, Vector512<float> y);
}
