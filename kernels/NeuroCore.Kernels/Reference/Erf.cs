namespace NeuroCore.Kernels;

// Oracle for ErfMath, written from the defining series rather than fitted coefficients:
//   erf(x)  = 2/√π · e^(−x²) · Σₙ 2ⁿ x^(2n+1) / (1·3·5···(2n+1))     (Abramowitz & Stegun 7.1.6; all terms positive,
//             so there is no cancellation), used for |x| ≤ 2.5;
//   erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …)))))   (A&S 7.1.14, continued fraction),
//             evaluated backwards from a fixed depth, used for x > 2.5; erfc(−x) = 2 − erfc(x).

public static partial class Reference
{
    const double SwitchX = 2.5;
    const double InvSqrtPi = 0.56418958354775628695;

    /// <summary>The error function from its positive-term series (|x| ≤ 2.5) or 1 − the continued fraction.</summary>
    /// <param name="x">The argument.</param>
    /// <returns>erf(x).</returns>
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        double ax = Math.Abs(x);
        double r = ax <= SwitchX ? ErfSeries(ax) : 1 - ErfcContinuedFraction(ax);
        return x < 0 ? -r : r;
    }

    /// <summary>The complementary error function from 1 − series (|x| ≤ 2.5) or the continued fraction.</summary>
    /// <param name="x">The argument.</param>
    /// <returns>erfc(x).</returns>
    public static double Erfc(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        double ax = Math.Abs(x);
        double r = ax <= SwitchX ? 1 - ErfSeries(ax) : ErfcContinuedFraction(ax);
        return x < 0 ? 2 - r : r;
    }

    static double ErfSeries(double x)
    {
        double term = x, sum = x, x2 = x * x;
        for (int n = 1; n < 500 && term > sum * 1e-18; n++)
        {
            term *= 2 * x2 / (2 * n + 1);
            sum += term;
        }
        return 2 * InvSqrtPi * Math.Exp(-x2) * sum;
    }

    static double ErfcContinuedFraction(double x)
    {
        if (double.IsPositiveInfinity(x)) return 0;
        double f = x;
        for (int n = 2000; n >= 1; n--) f = x + n * 0.5 / f;
        return InvSqrtPi * Math.Exp(-x * x) / f;
    }
}
