using Xunit;

namespace NeuroCore.Kernels.Tests;

/// <summary>Inputs and comparisons shared by the kernel property tests.</summary>
internal static class TestData
{
    /// <summary>Every length 0..257 (all tails and unroll remainders at every width) plus a few large ones.</summary>
    public static IEnumerable<int> Lengths()
    {
        for (int n = 0; n <= 257; n++) yield return n;
        yield return 1023;
        yield return 4099;
        yield return 65_537;
    }

    static readonly float[] Specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f];

    /// <summary>Random values in [−scale, scale], with about one special value (NaN, ±∞, ±0) per 16 elements when asked.</summary>
    public static float[] Random(Random rng, int n, float scale = 4f, bool specials = false)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++)
            x[i] = specials && rng.Next(16) == 0 ? Specials[rng.Next(Specials.Length)] : (float)((rng.NextDouble() * 2 - 1) * scale);
        return x;
    }

    /// <summary>
    /// Asserts |actual − expected| ≤ abs + rel·|expected| element by element (tolerance scaled by magnitude);
    /// NaN must meet NaN and infinities must match exactly.
    /// </summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double rel, double abs, string context)
    {
        Assert.True(expected.Length == actual.Length, $"{context}: length {actual.Length}, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            float e = expected[i], a = actual[i];
            if (float.IsNaN(e) || float.IsNaN(a) || float.IsInfinity(e) || float.IsInfinity(a))
            {
                if (!e.Equals(a)) Assert.Fail($"{context}: [{i}] = {a}, expected {e}");
                continue;
            }
            double err = Math.Abs((double)a - e);
            if (!(err <= abs + rel * Math.Abs(e))) Assert.Fail($"{context}: [{i}] = {a:R}, expected {e:R} (error {err:E2})");
        }
    }

    /// <summary>Asserts bitwise equality (so NaN = NaN and +0 ≠ −0).</summary>
    public static void AssertBitwise(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string context)
    {
        Assert.True(expected.Length == actual.Length, $"{context}: length {actual.Length}, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{context}: [{i}] = {actual[i]:R}, expected {expected[i]:R}");
    }
}
