using FsCheck.Xunit;
using Xunit;

namespace NeuroCore.Kernels.Tests;

public class ElementwiseTests
{
    // Transcendental ops: the vector Exp/Log and MathF may differ by a few ulp; arithmetic ops must agree bitwise.
    const double TransRel = 4e-6, TransAbs = 1e-7;

    static void CheckMap<TOp>(int seed, float scale, bool exact) where TOp : struct, IUnaryOp
    {
        var rng = new Random(seed);
        foreach (int n in TestData.Lengths())
        {
            float[] x = TestData.Random(rng, n, scale, specials: true);
            var expected = new float[n];
            var actual = new float[n];
            Reference.Map<TOp>(x, expected);
            Elementwise.Map<TOp>(x, actual);
            string context = $"{typeof(TOp).Name} n={n} seed={seed}";
            if (exact) TestData.AssertBitwise(expected, actual, context);
            else TestData.AssertClose(expected, actual, TransRel, TransAbs, context);
            Elementwise.Map<TOp>(x, x); // in place
            if (exact) TestData.AssertBitwise(expected, x, context + " in place");
            else TestData.AssertClose(expected, x, TransRel, TransAbs, context + " in place");
        }
    }

    static void CheckZip<TOp>(int seed, float scale, bool exact) where TOp : struct, IBinaryOp
    {
        var rng = new Random(seed);
        foreach (int n in TestData.Lengths())
        {
            float[] x = TestData.Random(rng, n, scale, specials: true);
            float[] y = TestData.Random(rng, n, scale, specials: true);
            var expected = new float[n];
            var actual = new float[n];
            Reference.Zip<TOp>(x, y, expected);
            Elementwise.Zip<TOp>(x, y, actual);
            string context = $"{typeof(TOp).Name} n={n} seed={seed}";
            if (exact) TestData.AssertBitwise(expected, actual, context);
            else TestData.AssertClose(expected, actual, TransRel, TransAbs, context);
            // Aliasing: y == x, and z == y.
            Reference.Zip<TOp>(x, x, expected);
            Elementwise.Zip<TOp>(x, x, actual);
            TestData.AssertBitwise(expected, actual, context + " y==x");
            Reference.Zip<TOp>(x, y, expected);
            Elementwise.Zip<TOp>(x, y, y);
            TestData.AssertBitwise(expected, y, context + " z==y");
        }
    }

    [Property(MaxTest = 3)] public void Relu_EveryLength_MatchesReference(int seed) => CheckMap<ReluOp>(seed, 4f, exact: true);
    [Property(MaxTest = 3)] public void Exp_EveryLength_MatchesReference(int seed) => CheckMap<ExpOp>(seed, 90f, exact: false);
    [Property(MaxTest = 3)] public void Log_EveryLength_MatchesReference(int seed) => CheckMap<LogOp>(seed, 1e6f, exact: false);
    [Property(MaxTest = 3)] public void Sigmoid_EveryLength_MatchesReference(int seed) => CheckMap<SigmoidOp>(seed, 30f, exact: false);
    [Property(MaxTest = 3)] public void Tanh_EveryLength_MatchesReference(int seed) => CheckMap<TanhOp>(seed, 6f, exact: false);
    [Property(MaxTest = 3)] public void Add_EveryLength_MatchesReference(int seed) => CheckZip<AddOp>(seed, 100f, exact: true);
    [Property(MaxTest = 3)] public void Sub_EveryLength_MatchesReference(int seed) => CheckZip<SubOp>(seed, 100f, exact: true);
    [Property(MaxTest = 3)] public void Mul_EveryLength_MatchesReference(int seed) => CheckZip<MulOp>(seed, 100f, exact: true);
    [Property(MaxTest = 3)] public void Div_EveryLength_MatchesReference(int seed) => CheckZip<DivOp>(seed, 100f, exact: true);
    [Property(MaxTest = 3)] public void Max_EveryLength_MatchesReference(int seed) => CheckZip<MaxOp>(seed, 4f, exact: true);
    [Property(MaxTest = 3)] public void Min_EveryLength_MatchesReference(int seed) => CheckZip<MinOp>(seed, 4f, exact: true);
    [Property(MaxTest = 3)] public void ReluBackward_EveryLength_MatchesReference(int seed) => CheckZip<ReluBackwardOp>(seed, 4f, exact: true);
    [Property(MaxTest = 3)] public void SigmoidBackward_EveryLength_MatchesReference(int seed) => CheckZip<SigmoidBackwardOp>(seed, 1f, exact: true);
    [Property(MaxTest = 3)] public void TanhBackward_EveryLength_MatchesReference(int seed) => CheckZip<TanhBackwardOp>(seed, 1f, exact: true);

    [Fact]
    public void ScalarForms_AgreeWithDoublePrecisionMath()
    {
        // The operators' own formulas against the textbook functions in double, over a dense grid.
        for (double t = -20; t <= 20; t += 0.001)
        {
            float x = (float)t;
            AssertNear(Math.Exp(x), ExpOp.Invoke(x), x);
            AssertNear(Math.Tanh(x), TanhOp.Invoke(x), x);
            AssertNear(1 / (1 + Math.Exp(-(double)x)), SigmoidOp.Invoke(x), x);
            if (x > 0) AssertNear(Math.Log(x), LogOp.Invoke(x), x);
        }
        foreach (float tiny in new[] { 1e-30f, -1e-20f, 1e-7f, -3e-4f, 0.1249f, -0.1251f })
            AssertNear(Math.Tanh(tiny), TanhOp.Invoke(tiny), tiny); // the small-|x| polynomial and its switch point
        Assert.Equal(1f, TanhOp.Invoke(float.PositiveInfinity));
        Assert.Equal(-1f, TanhOp.Invoke(float.NegativeInfinity));
        Assert.Equal(0f, SigmoidOp.Invoke(float.NegativeInfinity));
        Assert.Equal(1f, SigmoidOp.Invoke(float.PositiveInfinity));
        Assert.True(float.IsNaN(ReluOp.Invoke(float.NaN)));
        Assert.Equal(0f, ReluBackwardOp.Invoke(0f, 5f)); // the subgradient at 0 is 0, as in PyTorch
        Assert.Equal(5f, ReluBackwardOp.Invoke(1e-30f, 5f));
        Assert.Equal(0.25f * 2f, SigmoidBackwardOp.Invoke(0.5f, 2f));   // s(1 − s) at s = ½ is ¼
        Assert.Equal(0.75f * 2f, TanhBackwardOp.Invoke(0.5f, 2f));      // 1 − t² at t = ½ is ¾

        static void AssertNear(double expected, float actual, float x) =>
            Assert.True(Math.Abs(actual - expected) <= 2e-7 * Math.Max(1, Math.Abs(expected)) + 1e-37,
                $"f({x:R}) = {actual:R}, expected {expected:R}");
    }

    [Fact]
    public void Map_BadSpans_Throw()
    {
        var a = new float[10];
        Assert.Throws<ArgumentException>(() => Elementwise.Map<ReluOp>(a, new float[9]));
        Assert.Throws<ArgumentException>(() => Elementwise.Map<ReluOp>(a.AsSpan(0, 8), a.AsSpan(1, 8)));
        Assert.Throws<ArgumentException>(() => Elementwise.Zip<AddOp>(a, new float[9], new float[10]));
        Assert.Throws<ArgumentException>(() => Elementwise.Zip<AddOp>(a.AsSpan(0, 8), a.AsSpan(0, 8), a.AsSpan(2, 8)));
        var longer = new float[12];
        Elementwise.Map<ReluOp>(a, longer); // a longer destination is fine; its extra elements are untouched
    }
}
