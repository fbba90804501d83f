namespace NeuroCore.Data;

/// <summary>
/// Sine and cosine from a fixed polynomial in double precision: unlike <see cref="MathF.Sin"/>, which defers to
/// the platform's C library, these give the same bits everywhere, which keeps generated data sets reproducible.
/// </summary>
static class Trig
{
    /// <summary>sin(x) to about 1e-9 absolute for |x| ≤ 4π (wider inputs lose accuracy in the range reduction).</summary>
    public static float Sin(float x) => (float)Sin((double)x);

    /// <summary>cos(x) = sin(x + π/2).</summary>
    public static float Cos(float x) => (float)Sin(x + Math.PI / 2);

    static double Sin(double x)
    {
        const double twoPi = 2 * Math.PI;
        double r = x - twoPi * Math.Round(x / twoPi);      // r in [-π, π]
        if (r > Math.PI / 2) r = Math.PI - r;              // sin(π - r) = sin(r)
        else if (r < -Math.PI / 2) r = -Math.PI - r;
        double r2 = r * r;                                  // Taylor series to r^17 on [-π/2, π/2]: error < 1e-10
        double p = 1.0 / 355687428096000;
        p = p * r2 - 1.0 / 1307674368000;
        p = p * r2 + 1.0 / 6227020800;
        p = p * r2 - 1.0 / 39916800;
        p = p * r2 + 1.0 / 362880;
        p = p * r2 - 1.0 / 5040;
        p = p * r2 + 1.0 / 120;
        p = p * r2 - 1.0 / 6;
        return r + r * r2 * p;
    }
}
