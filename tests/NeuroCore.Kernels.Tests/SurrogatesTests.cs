using FsCheck.Xunit;
using Xunit;

namespace NeuroCore.Kernels.Tests;

/// <summary>
/// Every surrogate: Grad is the derivative of Primitive (central differences in double), Primitive rises
/// monotonically by the surrogate's area (1 for the unit-area shapes, 2/k for the peak-1 fast sigmoid), the vector driver matches the scalar twin at every length, and parameters are validated.
/// </summary>
public class SurrogatesTests
{
    /// <summary>Runs <paramref name="check"/> on every surrogate with random parameters drawn from <paramref name="rng"/>.</summary>
    /// <remarks>
    /// scale is the natural x-scale of the shape; kinks are points where the primitive is not C²; rise is the area under
    /// g, F(∞) − F(−∞), with F(0) in the middle (F runs 0 → 1 for the unit-area shapes, −1/k → 1/k for fast sigmoid).
    /// </remarks>
    interface ICheck
    {
        void Run<T>(T s, string name, double scale, double[] kinks, double rise = 1) where T : struct, ISurrogate;
    }

    static double Draw(Random rng, double lo, double hi) => lo * Math.Pow(hi / lo, rng.NextDouble());

    static void ForEach(Random rng, ICheck check)
    {
        float k = (float)Draw(rng, 0.5, 30);
        check.Run(new FastSigmoidSurrogate(k), $"FastSigmoid(k={k})", 1 / k, [], rise: 2.0 / k);
        float a = (float)Draw(rng, 0.5, 5);
        check.Run(new ATanSurrogate(a), $"ATan(α={a})", 1 / a, []);
        float sk = (float)Draw(rng, 0.5, 10);
        check.Run(new SigmoidSurrogate(sk), $"Sigmoid(k={sk})", 1 / sk, []);
        float tw = (float)Draw(rng, 0.2, 3);
        check.Run(new TriangleSurrogate(tw), $"Triangle(w={tw})", tw, [-tw, 0, tw]);
        float rw = (float)Draw(rng, 0.2, 3);
        check.Run(new RectangularSurrogate(rw), $"Rectangular(w={rw})", rw, [-rw / 2.0, rw / 2.0]);
        float gs = (float)Draw(rng, 0.2, 3);
        check.Run(new GaussianSurrogate(gs), $"Gaussian(σ={gs})", gs, []);
        float ls = (float)Draw(rng, 0.1, 2);
        check.Run(new LogisticNoiseSurrogate(ls), $"LogisticNoise(s={ls})", ls, []);
        float ns = (float)Draw(rng, 0.2, 3);
        check.Run(new GaussianNoiseSurrogate(ns), $"GaussianNoise(σ={ns})", ns, []);
    }

    sealed class FiniteDifference(Random rng) : ICheck
    {
        public void Run<T>(T s, string name, double scale, double[] kinks, double rise) where T : struct, ISurrogate
        {
            double h = 1e-4 * scale, peak = s.Grad(0f);
            int checkedPoints = 0;
            for (int i = 0; i < 400; i++)
            {
                float xf = (float)((rng.NextDouble() * 2 - 1) * 6 * scale);
                double x = xf;
                if (kinks.Any(c => Math.Abs(x - c) < 4 * h)) continue;
                double fd = (s.Primitive(x + h) - s.Primitive(x - h)) / (2 * h);
                double g = s.Grad(xf);
                Assert.True(Math.Abs(g - fd) <= 1e-5 * peak + 1e-5 * Math.Abs(fd),
                    $"{name}: Grad({xf:R}) = {g:R}, central difference of Primitive = {fd:R}");
                checkedPoints++;
            }
            Assert.True(checkedPoints > 300, $"{name}: only {checkedPoints} points away from kinks");
        }
    }

    sealed class Monotone : ICheck
    {
        public void Run<T>(T s, string name, double scale, double[] kinks, double rise) where T : struct, ISurrogate
        {
            // Unit-area shapes run 0 → 1 (F(0) = ½); fast sigmoid runs −1/k → 1/k (F(0) = 0): lo + rise/2 at 0.
            double lo = rise == 1 ? 0 : -rise / 2, hi = lo + rise, tol = 1e-12 * rise;
            Assert.Equal(lo, s.Primitive(double.NegativeInfinity), tol);
            Assert.Equal(hi, s.Primitive(double.PositiveInfinity), tol);
            Assert.Equal(lo + rise / 2, s.Primitive(0), tol);
            // Fast sigmoid's tails are only algebraic (F(x) ≈ ±1/k ∓ 1/(k²|x|)), so 1e4 scales leave 1e-4 of the rise.
            Assert.True(s.Primitive(-1e4 * scale) < lo + 1e-3 * rise, $"{name}: F(−1e4·scale) = {s.Primitive(-1e4 * scale)}");
            Assert.True(s.Primitive(1e4 * scale) > hi - 1e-3 * rise, $"{name}: F(1e4·scale) = {s.Primitive(1e4 * scale)}");
            double prev = s.Primitive(-60 * scale);
            Assert.True(prev >= lo, $"{name}: F < F(−∞)");
            for (int i = -5999; i <= 6000; i++)
            {
                double f = s.Primitive(i * 0.01 * scale);
                Assert.True(f >= prev && f <= hi, $"{name}: F({i * 0.01 * scale}) = {f:R} after {prev:R}");
                prev = f;
            }
            // Where the surrogate is clearly positive, F must strictly increase across a step of the scale.
            Assert.True(s.Primitive(0.1 * scale) > s.Primitive(-0.1 * scale), $"{name}: F flat at 0");
            Assert.True(s.Grad(0f) > 0 && s.Grad(float.PositiveInfinity) == 0 && s.Grad(float.NegativeInfinity) == 0,
                $"{name}: Grad(0) must be > 0 and Grad(±∞) = 0");
        }
    }

    sealed class VectorMatchesScalar(Random rng) : ICheck
    {
        public void Run<T>(T s, string name, double scale, double[] kinks, double rise) where T : struct, ISurrogate
        {
            double peak = s.Grad(0f);
            foreach (int n in TestData.Lengths())
            {
                float[] x = TestData.Random(rng, n, (float)(5 * scale), specials: true);
                // Land some inputs exactly on the kinks (and on 0) so the comparisons there agree too.
                for (int i = 0; i < n; i += 7) if (kinks.Length > 0) x[i] = (float)kinks[rng.Next(kinks.Length)];
                var expected = new float[n];
                var actual = new float[n];
                Reference.SurrogateMap(s, x, expected);
                Surrogate.Map(s, x, actual);
                string context = $"{name} n={n} ({IsaInfo.Describe()})";
                TestData.AssertClose(expected, actual, 4e-6, 1e-6 * peak, context);
                Surrogate.Map(s, x, x); // in place
                TestData.AssertClose(expected, x, 4e-6, 1e-6 * peak, context + " in place");
            }
        }
    }

    [Property(MaxTest = 20)]
    public void Grad_EqualsCentralDifferenceOfPrimitive(int seed) => ForEach(new Random(seed), new FiniteDifference(new Random(~seed)));

    [Property(MaxTest = 3)]
    public void Primitive_RisesMonotonicallyByTheArea(int seed) => ForEach(new Random(seed), new Monotone());

    [Property(MaxTest = 2)]
    public void Map_EveryLength_MatchesScalarTwin(int seed) => ForEach(new Random(seed), new VectorMatchesScalar(new Random(~seed)));

    [Fact]
    public void Map_RejectsShortDestinationAndPartialOverlap()
    {
        var buf = new float[10];
        var s = new ATanSurrogate(2f);
        Assert.Throws<ArgumentException>(() => Surrogate.Map(s, buf.AsSpan(0, 5), buf.AsSpan(5, 4)));
        Assert.Throws<ArgumentException>(() => Surrogate.Map(s, buf.AsSpan(0, 5), buf.AsSpan(1, 5)));
        Surrogate.Map(s, buf.AsSpan(0, 5), buf.AsSpan(5, 5)); // disjoint is fine
    }

    [Fact]
    public void HandDerivedValues()
    {
        // FastSigmoid k=2 (snnTorch scale): g(0) = 1; g(0.5) = 1/(1+1)² = 1/4; F(0.5) = 0.5/(1+1) = 1/4; F(∞) = 1/k.
        Assert.Equal(1f, new FastSigmoidSurrogate(2f).Grad(0f));
        Assert.Equal(1f, new FastSigmoidSurrogate(25f).Grad(0f));
        Assert.Equal(0.25f, new FastSigmoidSurrogate(2f).Grad(0.5f));
        Assert.Equal(0.25, new FastSigmoidSurrogate(2f).Primitive(0.5), 15);
        Assert.Equal(-0.25, new FastSigmoidSurrogate(2f).Primitive(-0.5), 15);
        Assert.Equal(0.5, new FastSigmoidSurrogate(2f).Primitive(double.PositiveInfinity), 15);
        // k=25 at x = 0.04: 1/(1+1)² = 1/4, as snnTorch's fast_sigmoid backward gives.
        Assert.Equal(0.25f, new FastSigmoidSurrogate(25f).Grad(0.04f), 6);
        // ATan α=2: g(0) = α/2 = 1; g(1/π) = 1/(1+1) = 1/2; F(1/π) = atan(1)/π + 1/2 = 3/4.
        Assert.Equal(1f, new ATanSurrogate(2f).Grad(0f));
        Assert.Equal(0.5f, new ATanSurrogate(2f).Grad(1f / MathF.PI), 6);
        Assert.Equal(0.75, new ATanSurrogate(2f).Primitive(1 / Math.PI), 7);
        // Sigmoid k=4: g(0) = 4·(1/2)(1/2) = 1.
        Assert.Equal(1f, new SigmoidSurrogate(4f).Grad(0f));
        // Triangle w=2: g(1) = (1 − 1/2)/2 = 1/4; F(1) = 1 − (1/2)²/2 = 7/8.
        Assert.Equal(0.25f, new TriangleSurrogate(2f).Grad(1f));
        Assert.Equal(0.875, new TriangleSurrogate(2f).Primitive(1), 15);
        // Rectangular w=2: g = 1/2 inside (−1, 1), 0 at and beyond ±1; F(0.5) = 3/4.
        Assert.Equal(0.5f, new RectangularSurrogate(2f).Grad(0.999f));
        Assert.Equal(0f, new RectangularSurrogate(2f).Grad(1f));
        Assert.Equal(0.75, new RectangularSurrogate(2f).Primitive(0.5), 15);
        // Gaussian σ=1: g(0) = 1/√(2π); F(1) = Φ(1) = 0.8413447460685429.
        Assert.Equal(1 / Math.Sqrt(2 * Math.PI), new GaussianSurrogate(1f).Grad(0f), 6);
        Assert.Equal(0.8413447460685429, new GaussianNoiseSurrogate(1f).Primitive(1), 12);
        // Logistic noise s=1/2: g(0) = σ(0)(1−σ(0))/s = 1/2; F(ln 3 / 2) = σ(ln 3) = 3/4.
        Assert.Equal(0.5f, new LogisticNoiseSurrogate(0.5f).Grad(0f));
        Assert.Equal(0.75, new LogisticNoiseSurrogate(0.5f).Primitive(Math.Log(3) / 2), 6);
    }

    public static TheoryData<float> BadParameters => [0f, -0f, -1f, float.NaN, float.PositiveInfinity, float.NegativeInfinity];

    [Theory]
    [MemberData(nameof(BadParameters))]
    public void Constructors_RejectNonPositiveParameters_NamingThem(float bad)
    {
        AssertRejects("slope", () => new FastSigmoidSurrogate(bad));
        AssertRejects("alpha", () => new ATanSurrogate(bad));
        AssertRejects("slope", () => new SigmoidSurrogate(bad));
        AssertRejects("width", () => new TriangleSurrogate(bad));
        AssertRejects("width", () => new RectangularSurrogate(bad));
        AssertRejects("sigma", () => new GaussianSurrogate(bad));
        AssertRejects("scale", () => new LogisticNoiseSurrogate(bad));
        AssertRejects("sigma", () => new GaussianNoiseSurrogate(bad));
    }

    static void AssertRejects(string param, Func<object> make)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(make);
        Assert.Equal(param, e.ParamName);
        Assert.Contains(param, e.Message);
    }

    [Fact]
    public void ParameterlessConstructors_UseDocumentedDefaults()
    {
        Assert.Equal(25f, new FastSigmoidSurrogate().Slope);
        Assert.Equal(2f, new ATanSurrogate().Alpha);
        Assert.Equal(4f, new SigmoidSurrogate().Slope);
        Assert.Equal(1f, new TriangleSurrogate().Width);
        Assert.Equal(1f, new RectangularSurrogate().Width);
        Assert.Equal(1f, new GaussianSurrogate().Sigma);
        Assert.Equal(1f, new LogisticNoiseSurrogate().Scale);
        Assert.Equal(1f, new GaussianNoiseSurrogate().Sigma);
    }
}
