using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

// The error function for the Gaussian surrogates (.NET has no Math.Erf).
//
//   erf(x) = 2/√π ∫₀ˣ e^(−u²) du,   erfc(x) = 1 − erf(x),   Φ(x) = erfc(−x/√2)/2.
//
// Method: for x ≥ 0, erfc(x) = t·exp(−x² + P(t)) with t = 1/(1 + x/2) (the form of Numerical Recipes' erfcc, whose
// degree-9 P is only good to 1.2e-7). Here P is a degree-21 Chebyshev series in t on [1/15, 1] (x ∈ [0, 28]), fitted
// by Chebyshev interpolation of ln(erfcx(x)/t) at 40 nodes; the fitted exponent is good to ~1e-13 absolute, so erfc
// is good to ~1e-13 relative over its whole range (it underflows double past x ≈ 27.3). erfc(−x) = 2 − erfc(x).
// erf uses its Taylor series x·Σ (−1)ⁿ x²ⁿ / (n!(2n+1)) · 2/√π for |x| < 1/2 (13 terms, keeps relative accuracy
// near 0) and 1 − erfc(|x|) beyond. The float forms (scalar and Vector128/256/512) evaluate the same formula in
// double and round once, which gives ≤ 1e-7 relative error; a float-only evaluation cannot, since rounding x² in
// float alone costs x²·2⁻²⁴ relative error in exp(−x²) (≈ 1e-6 at x = 4).
// Oracle: Reference.Erf / Reference.Erfc (positive-term series and continued fraction), tested in ErfTests.

/// <summary>
/// erf and erfc in double (accurate to ~1e-13 relative) and float (scalar and vector, ≤ 1e-7 relative, computed in
/// double). NaN propagates; erf(±∞) = ±1, erfc(+∞) = 0, erfc(−∞) = 2.
/// </summary>
public static class ErfMath
{
    const double MaxX = 28.0, SmallX = 0.5;
    const double TLo = 1.0 / 15, THi = 1.0;
    // u = (2t − (THi + TLo)) / (THi − TLo) maps t ∈ [TLo, THi] onto [−1, 1].
    const double USlope = 2 / (THi - TLo), UOffset = -(THi + TLo) / (THi - TLo);

    static ReadOnlySpan<double> Cheb =>
    [
        -0.612112796947552,
        0.6066093233955925,
        0.014072164265718268,
        -0.008309243808055389,
        -0.0005536038880319394,
        0.0002912283504431512,
        1.6327895655920965e-05,
        -1.4009715541196677e-05,
        -3.741121460398844e-08,
        7.328204597145671e-07,
        -5.6968092687625926e-08,
        -3.5596576308805086e-08,
        6.844867450617187e-09,
        1.290351736571438e-09,
        -5.5051653236049e-10,
        -4.992606328357852e-12,
        3.2636049418499627e-11,
        -4.346756288242659e-12,
        -1.217964618049905e-12,
        4.335920511522318e-13,
        -3.0586644328423063e-15,
        -2.2754020889692585e-14,
    ];

    // 2/√π · (−1)ⁿ / (n!(2n+1)), n = 0..12.
    static ReadOnlySpan<double> Taylor =>
    [
        1.1283791670955126,
        -0.37612638903183754,
        0.11283791670955126,
        -0.026866170645131252,
        0.005223977625442188,
        -0.0008548327023450852,
        0.00012055332981789664,
        -1.492565035840625e-05,
        1.6462114365889246e-06,
        -1.6365844691234924e-07,
        1.4807192815879218e-08,
        -1.2290555301717926e-09,
        9.422759064650411e-11,
    ];

    /// <summary>The complementary error function erfc(x) = 1 − erf(x), ~1e-13 relative.</summary>
    /// <param name="x">The argument.</param>
    /// <returns>erfc(x) ∈ [0, 2].</returns>
    public static double Erfc(double x)
    {
        double ax = Math.Min(Math.Abs(x), MaxX);
        double t = 1 / (1 + ax * 0.5);
        double u = t * USlope + UOffset, u2 = u + u, b1 = 0, b2 = 0;
        for (int j = Cheb.Length - 1; j > 0; j--)
        {
            double b = u2 * b1 - b2 + Cheb[j];
            b2 = b1;
            b1 = b;
        }
        double r = t * Math.Exp(u * b1 - b2 + Cheb[0] - ax * ax);
        return x < 0 ? 2 - r : r;
    }

    /// <summary>The error function erf(x) = 2/√π ∫₀ˣ e^(−u²) du, ~1e-13 relative.</summary>
    /// <param name="x">The argument.</param>
    /// <returns>erf(x) ∈ [−1, 1].</returns>
    public static double Erf(double x)
    {
        double ax = Math.Abs(x);
        if (ax < SmallX)
        {
            double x2 = x * x, s = Taylor[^1];
            for (int j = Taylor.Length - 2; j >= 0; j--) s = s * x2 + Taylor[j];
            return x * s;
        }
        double r = 1 - Erfc(ax);
        return x < 0 ? -r : r;
    }

    /// <summary>The standard normal CDF Φ(x) = erfc(−x/√2)/2.</summary>
    /// <param name="x">The argument.</param>
    /// <returns>Φ(x) ∈ [0, 1].</returns>
    public static double NormalCdf(double x) => 0.5 * Erfc(-x * 0.70710678118654752440);

    /// <summary>erfc in float, evaluated in double and rounded once (≤ 1e-7 relative).</summary>
    /// <param name="x">The argument.</param>
    /// <returns>erfc(x).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Erfc(float x) => (float)Erfc((double)x);

    /// <summary>erf in float, evaluated in double and rounded once (≤ 1e-7 relative).</summary>
    /// <param name="x">The argument.</param>
    /// <returns>erf(x).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Erf(float x) => (float)Erf((double)x);

    /// <summary>erfc on 128-bit float lanes: each half is widened to double, evaluated, and narrowed (≤ 1e-7 relative).</summary>
    /// <param name="x">The arguments.</param>
    /// <returns>erfc(x) per lane.</returns>
    public static Vector128<float> Erfc(Vector128<float> x)
    {
        (Vector128<double> lo, Vector128<double> hi) = Vector128.Widen(x);
        return Vector128.Narrow(ErfcCore(lo), ErfcCore(hi));
    }

    /// <summary>erf on 128-bit float lanes, computed in double like <see cref="Erfc(Vector128{float})"/>.</summary>
    /// <param name="x">The arguments.</param>
    /// <returns>erf(x) per lane.</returns>
    public static Vector128<float> Erf(Vector128<float> x)
    {
        (Vector128<double> lo, Vector128<double> hi) = Vector128.Widen(x);
        return Vector128.Narrow(ErfCore(lo), ErfCore(hi));
    }

    static Vector128<double> ErfcCore(Vector128<double> x)
    {
        Vector128<double> ax = Vector128.Min(Vector128.Abs(x), Vector128.Create(MaxX));
        Vector128<double> t = Vector128<double>.One / (Vector128<double>.One + ax * 0.5);
        Vector128<double> u = t * USlope + Vector128.Create(UOffset);
        Vector128<double> u2 = u + u, b1 = Vector128<double>.Zero, b2 = Vector128<double>.Zero;
        for (int j = Cheb.Length - 1; j > 0; j--)
        {
            Vector128<double> b = u2 * b1 - b2 + Vector128.Create(Cheb[j]);
            b2 = b1;
            b1 = b;
        }
        Vector128<double> p = u * b1 - b2 + Vector128.Create(Cheb[0]);
        Vector128<double> r = t * Vector128.Exp(p - ax * ax);
        return Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128<double>.Zero), Vector128.Create(2.0) - r, r);
    }

    static Vector128<double> ErfCore(Vector128<double> x)
    {
        Vector128<double> x2 = x * x, s = Vector128.Create(Taylor[^1]);
        for (int j = Taylor.Length - 2; j >= 0; j--) s = s * x2 + Vector128.Create(Taylor[j]);
        Vector128<double> small = x * s;
        Vector128<double> large = Vector128<double>.One - ErfcCore(Vector128.Abs(x));
        large = Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128<double>.Zero), -large, large);
        return Vector128.ConditionalSelect(Vector128.LessThan(Vector128.Abs(x), Vector128.Create(SmallX)), small, large);
    }

    /// <summary>erfc on 256-bit float lanes: each half is widened to double, evaluated, and narrowed (≤ 1e-7 relative).</summary>
    /// <param name="x">The arguments.</param>
    /// <returns>erfc(x) per lane.</returns>
    public static Vector256<float> Erfc(Vector256<float> x)
    {
        (Vector256<double> lo, Vector256<double> hi) = Vector256.Widen(x);
        return Vector256.Narrow(ErfcCore(lo), ErfcCore(hi));
    }

    /// <summary>erf on 256-bit float lanes, computed in double like <see cref="Erfc(Vector256{float})"/>.</summary>
    /// <param name="x">The arguments.</param>
    /// <returns>erf(x) per lane.</returns>
    public static Vector256<float> Erf(Vector256<float> x)
    {
        (Vector256<double> lo, Vector256<double> hi) = Vector256.Widen(x);
        return Vector256.Narrow(ErfCore(lo), ErfCore(hi));
    }

    static Vector256<double> ErfcCore(Vector256<double> x)
    {
        Vector256<double> ax = Vector256.Min(Vector256.Abs(x), Vector256.Create(MaxX));
        Vector256<double> t = Vector256<double>.One / (Vector256<double>.One + ax * 0.5);
        Vector256<double> u = t * USlope + Vector256.Create(UOffset);
        Vector256<double> u2 = u + u, b1 = Vector256<double>.Zero, b2 = Vector256<double>.Zero;
        for (int j = Cheb.Length - 1; j > 0; j--)
        {
            Vector256<double> b = u2 * b1 - b2 + Vector256.Create(Cheb[j]);
            b2 = b1;
            b1 = b;
        }
        Vector256<double> p = u * b1 - b2 + Vector256.Create(Cheb[0]);
        Vector256<double> r = t * Vector256.Exp(p - ax * ax);
        return Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<double>.Zero), Vector256.Create(2.0) - r, r);
    }

    static Vector256<double> ErfCore(Vector256<double> x)
    {
        Vector256<double> x2 = x * x, s = Vector256.Create(Taylor[^1]);
        for (int j = Taylor.Length - 2; j >= 0; j--) s = s * x2 + Vector256.Create(Taylor[j]);
        Vector256<double> small = x * s;
        Vector256<double> large = Vector256<double>.One - ErfcCore(Vector256.Abs(x));
        large = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<double>.Zero), -large, large);
        return Vector256.ConditionalSelect(Vector256.LessThan(Vector256.Abs(x), Vector256.Create(SmallX)), small, large);
    }

    /// <summary>erfc on 512-bit float lanes: each half is widened to double, evaluated, and narrowed (≤ 1e-7 relative).</summary>
    /// <param name="x">The arguments.</param>
    /// <returns>erfc(x) per lane.</returns>
    public static Vector512<float> Erfc(Vector512<float> x)
    {
        (Vector512<double> lo, Vector512<double> hi) = Vector512.Widen(x);
        return Vector512.Narrow(ErfcCore(lo), ErfcCore(hi));
    }

    /// <summary>erf on 512-bit float lanes, computed in double like <see cref="Erfc(Vector512{float})"/>.</summary>
    /// <param name="x">The arguments.</param>
    /// <returns>erf(x) per lane.</returns>
    public static Vector512<float> Erf(Vector512<float> x)
    {
        (Vector512<double> lo, Vector512<double> hi) = Vector512.Widen(x);
        return Vector512.Narrow(ErfCore(lo), ErfCore(hi));
    }

    static Vector512<double> ErfcCore(Vector512<double> x)
    {
        Vector512<double> ax = Vector512.Min(Vector512.Abs(x), Vector512.Create(MaxX));
        Vector512<double> t = Vector512<double>.One / (Vector512<double>.One + ax * 0.5);
        Vector512<double> u = t * USlope + Vector512.Create(UOffset);
        Vector512<double> u2 = u + u, b1 = Vector512<double>.Zero, b2 = Vector512<double>.Zero;
        for (int j = Cheb.Length - 1; j > 0; j--)
        {
            Vector512<double> b = u2 * b1 - b2 + Vector512.Create(Cheb[j]);
            b2 = b1;
            b1 = b;
        }
        Vector512<double> p = u * b1 - b2 + Vector512.Create(Cheb[0]);
        Vector512<double> r = t * Vector512.Exp(p - ax * ax);
        return Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<double>.Zero), Vector512.Create(2.0) - r, r);
    }

    static Vector512<double> ErfCore(Vector512<double> x)
    {
        Vector512<double> x2 = x * x, s = Vector512.Create(Taylor[^1]);
        for (int j = Taylor.Length - 2; j >= 0; j--) s = s * x2 + Vector512.Create(Taylor[j]);
        Vector512<double> small = x * s;
        Vector512<double> large = Vector512<double>.One - ErfcCore(Vector512.Abs(x));
        large = Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<double>.Zero), -large, large);
        return Vector512.ConditionalSelect(Vector512.LessThan(Vector512.Abs(x), Vector512.Create(SmallX)), small, large);
    }
}
