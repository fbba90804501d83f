using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace NeuroCore.Data.Tests;

/// <summary>The seeded corruptions of the noise-robustness evaluation: statistics, determinism, clipping and the spec syntax.</summary>
public sealed class ImageNoiseTests
{
    static LabeledImageSet Flat(float value, int count = 20, int size = 28)
    {
        var pixels = new float[count * size * size];
        Array.Fill(pixels, value);
        return new LabeledImageSet("flat", size, size, 10, pixels, [.. Enumerable.Range(0, count).Select(i => (byte)(i % 10))]);
    }

    [Theory]
    [InlineData(0.05f)]
    [InlineData(0.1f)]
    public void Gaussian_OnMidGray_HasZeroMeanAndStandardDeviationSigma(float sigma)
    {
        var noisy = ImageNoise.Apply(Flat(0.5f), new NoiseCondition(NoiseKind.Gaussian, sigma), seed: 7);
        var d = noisy.Pixels.Select(p => (double)p - 0.5).ToArray();   // at 0.5 ± 5σ clipping never bites
        double mean = d.Average(), sd = Math.Sqrt(d.Sum(x => (x - mean) * (x - mean)) / d.Length);
        Assert.InRange(mean, -0.01 * sigma * 10, 0.01 * sigma * 10);
        Assert.InRange(sd, 0.97 * sigma, 1.03 * sigma);
        Assert.Equal(noisy.Labels, Flat(0.5f).Labels);
    }

    [Fact]
    public void SaltPepper_ReplacesAFractionPOfPixels_HalfBlackHalfWhite()
    {
        var noisy = ImageNoise.Apply(Flat(0.5f), new NoiseCondition(NoiseKind.SaltPepper, 0.1f), seed: 3);
        int n = noisy.Pixels.Length, black = noisy.Pixels.Count(p => p == 0f), white = noisy.Pixels.Count(p => p == 1f);
        Assert.Equal(n, black + white + noisy.Pixels.Count(p => p == 0.5f));
        Assert.InRange((black + white) / (double)n, 0.09, 0.11);
        Assert.InRange(black / (double)(black + white), 0.45, 0.55);
    }

    [Fact]
    public void Jitter_IsOneAffineMapPerImage_WithinItsRange()
    {
        // Image i holds pixels 0.3 and 0.6 (mean 0.45): (x − m)·c + m + b keeps the pair's midpoint at m + b and scales their gap by c.
        int count = 200, size = 2;
        var pixels = new float[count * size * size];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = i % 2 == 0 ? 0.3f : 0.6f;
        var set = new LabeledImageSet("pairs", size, size, 10, pixels, new byte[count]);
        float s = 0.4f;
        var noisy = ImageNoise.Apply(set, new NoiseCondition(NoiseKind.Jitter, s), seed: 5);
        var contrasts = new List<double>();
        for (int i = 0; i < count; i++)
        {
            var img = noisy.Image(i);
            double c = (img[1] - img[0]) / 0.3, b = ((img[0] + img[1]) / 2) - 0.45;
            Assert.Equal(img[1] - img[0], img[3] - img[2], 1e-5);   // the same map for every pixel of the image
            Assert.InRange(c, 1 - s - 1e-4, 1 + s + 1e-4);
            Assert.InRange(b, -s / 2 - 1e-4, s / 2 + 1e-4);
            contrasts.Add(c);
        }
        Assert.True(contrasts.Distinct().Count() > count / 2, "each image draws its own contrast");
    }

    [Fact]
    public void SameSeed_SameImages_OtherSeed_OtherImages_LevelZeroGaussianIsTheIdentity()
    {
        var set = Flat(0.5f, count: 4);
        var c = new NoiseCondition(NoiseKind.Gaussian, 0.2f);
        Assert.Equal(ImageNoise.Apply(set, c, 1).Pixels, ImageNoise.Apply(set, c, 1).Pixels);
        Assert.NotEqual(ImageNoise.Apply(set, c, 1).Pixels, ImageNoise.Apply(set, c, 2).Pixels);
        Assert.Equal(set.Pixels, ImageNoise.Apply(set, new NoiseCondition(NoiseKind.Gaussian, 0f), 1).Pixels);
        // Image i is keyed by its index alone: the corruption of a subset equals the subset of the corruption.
        Assert.Equal(ImageNoise.Apply(set, c, 9).Pixels.AsSpan(0, 2 * 784).ToArray(), ImageNoise.Apply(set.Subset(2), c, 9).Pixels);
    }

    [Property(MaxTest = 60)]
    public Property EveryKind_EveryLevel_StaysInTheUnitInterval() =>
        Prop.ForAll(Gen.Choose(0, 2).ToArbitrary(), Gen.Choose(0, 100).ToArbitrary(), Gen.Choose(0, 1_000_000).ToArbitrary(), (kind, level, seed) =>
        {
            var rng = new Random(seed);
            var pixels = new float[3 * 49];
            for (int i = 0; i < pixels.Length; i++) pixels[i] = rng.Next(3) switch { 0 => 0f, 1 => 1f, _ => (float)rng.NextDouble() };
            var set = new LabeledImageSet("r", 7, 7, 10, pixels, [1, 2, 3]);
            var noisy = ImageNoise.Apply(set, new NoiseCondition((NoiseKind)kind, level / 100f), (ulong)seed);
            Assert.All(noisy.Pixels, p => Assert.InRange(p, 0f, 1f));
        });

    [Fact]
    public void Parse_ReadsKindsLevelsAndDefaults_AndNamesWhatIsWrong()
    {
        var list = NoiseCondition.Parse(["gaussian:0.1,0.2,0.3", "salt-pepper:0.05", "jitter"]);
        Assert.Equal(["gaussian:0.1", "gaussian:0.2", "gaussian:0.3", "salt-pepper:0.05", "jitter:0.2", "jitter:0.4"], list.Select(c => c.ToString()));
        Assert.Contains("'blur'", Assert.Throws<FormatException>(() => NoiseCondition.Parse(["blur:0.1"])).Message, StringComparison.Ordinal);
        Assert.Contains("[0, 1]", Assert.Throws<FormatException>(() => NoiseCondition.Parse(["gaussian:1.5"])).Message, StringComparison.Ordinal);
        Assert.Contains("no level", Assert.Throws<FormatException>(() => NoiseCondition.Parse(["gaussian:"])).Message, StringComparison.Ordinal);
    }
}
