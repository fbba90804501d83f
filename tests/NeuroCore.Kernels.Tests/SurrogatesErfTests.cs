using System.Runtime.Intrinsics;
using Xunit;

namespace NeuroCore.Kernels.Tests;

/// <summary>ErfMath (fitted, fast) against known high-precision values and the Reference series/continued fraction.</summary>
public class SurrogatesErfTests
{
    // Known values (to 16+ significant digits, e.g. A&S table 7.1 / any arbitrary-precision package).
    public static TheoryData<double, double, double> Known => new()
    {
        // x, erf(x), erfc(x)
        { 0.1, 0.1124629160182848922, 0.8875370839817151078 },
        { 0.5, 0.5204998778130465377, 0.4795001221869534623 },
        { 1.0, 0.8427007929497148693, 0.1572992070502851307 },
        { 2.0, 0.9953222650189527342, 0.004677734981047265838 },
        { 3.0, 0.9999779095030014146, 2.209049699858544137e-05 },
        { 4.0, 0.9999999845827420997, 1.541725790028001885e-08 },
        { 5.0, 0.9999999999984625402, 1.537459794428034850e-12 },
        { 10.0, 1.0, 2.088487583762544757e-45 },
    };

    static void Rel(double expected, double actual, double rel, string what) =>
        Assert.True(Math.Abs(actual - expected) <= rel * Math.Abs(expected), $"{what} = {actual:R}, expected {expected:R}");

    [Theory]
    [MemberData(nameof(Known))]
    public void KnownValues(double x, double erf, double erfc)
    {
        Rel(erf, Reference.Erf(x), 1e-14, $"Reference.Erf({x})");
        Rel(erfc, Reference.Erfc(x), 1e-13, $"Reference.Erfc({x})");
        Rel(erf, ErfMath.Erf(x), 1e-14, $"ErfMath.Erf({x})");
        Rel(erfc, ErfMath.Erfc(x), 1e-12, $"ErfMath.Erfc({x})");
        Rel(-erf, ErfMath.Erf(-x), 1e-14, $"ErfMath.Erf(−{x})");
        Rel(2 - erfc, ErfMath.Erfc(-x), 1e-13, $"ErfMath.Erfc(−{x})");
        FloatClose(erfc, ErfMath.Erfc((float)x), $"ErfMath.Erfc((float){x})"); // x is exact in float here
        FloatClose(erf, ErfMath.Erf((float)x), $"ErfMath.Erf((float){x})");
    }

    [Fact]
    public void Double_MatchesReferenceOnDenseGrid()
    {
        for (double x = -6; x <= 27; x += 0.0037)
        {
            double e = Reference.Erfc(x);
            // Relative while normal; past x ≈ 26.5 the result is subnormal in double and only absolute error is meaningful.
            Assert.True(Math.Abs(ErfMath.Erfc(x) - e) <= 2e-12 * e + 1e-320, $"ErfMath.Erfc({x}) = {ErfMath.Erfc(x):R}, expected {e:R}");
            double f = Reference.Erf(x);
            Assert.True(Math.Abs(ErfMath.Erf(x) - f) <= 1e-13 * Math.Abs(f) + 1e-16, $"ErfMath.Erf({x}) = {ErfMath.Erf(x):R}, expected {f:R}");
        }
        for (double x = 1e-300; x < 1; x *= 3.7) Rel(Reference.Erf(x), ErfMath.Erf(x), 1e-14, $"ErfMath.Erf({x})"); // tiny x
        Assert.Equal(0.0, ErfMath.Erfc(40.0));
        Assert.Equal(2.0, ErfMath.Erfc(double.NegativeInfinity));
        Assert.Equal(1.0, ErfMath.Erf(double.PositiveInfinity));
        Assert.True(double.IsNaN(ErfMath.Erfc(double.NaN)) && double.IsNaN(ErfMath.Erf(double.NaN)));
    }

    // Float results are one rounding of a ~1e-13-accurate double: ≤ 2⁻²⁴ ≈ 6e-8 relative while normal, and within
    // half a subnormal step below float.MinNormal (erfc(x) for x ≳ 9.1).
    static void FloatClose(double exact, float actual, string what)
    {
        double err = Math.Abs(actual - exact);
        Assert.True(err <= 1e-7 * Math.Abs(exact) || (Math.Abs(exact) < 1.2e-38 && err <= 1.5e-45), $"{what} = {actual:R}, exact {exact:R}");
    }

    static float[] FloatGrid()
    {
        var xs = new List<float>();
        for (double x = -6; x <= 11; x += 0.00113) xs.Add((float)x);
        xs.AddRange([0f, -0f, 1e-30f, -1e-20f, 1e-8f, 0.4999999f, 0.5f, 10.0f, float.Epsilon]);
        while (xs.Count % 16 != 0) xs.Add(1f);
        return [.. xs];
    }

    [Fact]
    public void FloatScalarAndVector_WithinOneE7OfReference()
    {
        float[] xs = FloatGrid();
        for (int i = 0; i < xs.Length; i++)
        {
            FloatClose(Reference.Erfc(xs[i]), ErfMath.Erfc(xs[i]), $"Erfc((float){xs[i]:R})");
            FloatClose(Reference.Erf(xs[i]), ErfMath.Erf(xs[i]), $"Erf((float){xs[i]:R})");
        }
        // Every width, accelerated or not (the software fallback is exercised when the width is off).
        for (int i = 0; i < xs.Length; i += 16)
        {
            Vector512<float> x512 = Vector512.Create(xs.AsSpan(i, 16));
            Vector256<float> x256 = Vector256.Create(xs.AsSpan(i, 8));
            Vector128<float> x128 = Vector128.Create(xs.AsSpan(i, 4));
            Vector512<float> c512 = ErfMath.Erfc(x512), e512 = ErfMath.Erf(x512);
            Vector256<float> c256 = ErfMath.Erfc(x256), e256 = ErfMath.Erf(x256);
            Vector128<float> c128 = ErfMath.Erfc(x128), e128 = ErfMath.Erf(x128);
            for (int j = 0; j < 16; j++)
            {
                float x = xs[i + j];
                double rc = Reference.Erfc(x), re = Reference.Erf(x);
                FloatClose(rc, c512[j], $"Erfc512({x:R})");
                FloatClose(re, e512[j], $"Erf512({x:R})");
                if (j < 8) { FloatClose(rc, c256[j], $"Erfc256({x:R})"); FloatClose(re, e256[j], $"Erf256({x:R})"); }
                if (j < 4) { FloatClose(rc, c128[j], $"Erfc128({x:R})"); FloatClose(re, e128[j], $"Erf128({x:R})"); }
            }
        }
        var specials = Vector128.Create(float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f);
        Vector128<float> c = ErfMath.Erfc(specials), e = ErfMath.Erf(specials);
        Assert.True(float.IsNaN(c[0]) && float.IsNaN(e[0]));
        Assert.Equal((0f, 2f, 1f), (c[1], c[2], c[3]));
        Assert.Equal((1f, -1f, 0f), (e[1], e[2], e[3]));
    }
}
