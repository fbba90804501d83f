using Xunit;
using FsCheck.Xunit;

namespace NeuroCore.Kernels.Tests;

public class PhiloxTests
{
    // Known-answer vectors of Philox4x32-10 from Random123's tests/kat_vectors (Salmon et al., SC 2011):
    // counter (4 words), key (2 words) → result (4 words). The third uses the hex digits of π.
    public static TheoryData<uint[], uint[], uint[]> KnownAnswers => new()
    {
        { [0u, 0u, 0u, 0u], [0u, 0u], [0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u] },
        { [0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu], [0xffffffffu, 0xffffffffu], [0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu] },
        { [0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u], [0xa4093822u, 0x299f31d0u], [0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u] },
    };

    [Theory]
    [MemberData(nameof(KnownAnswers))]
    public void Block_KnownAnswerVectors_Match(uint[] counter, uint[] key, uint[] expected)
    {
        var fast = new uint[4];
        var reference = new uint[4];
        Philox.Block(counter, key, fast);
        Reference.PhiloxBlock(counter, key, reference);
        Assert.Equal(expected, fast);
        Assert.Equal(expected, reference);
    }

    [Fact]
    public void Bits_SeedZeroStreamZero_StartsWithTheZeroKnownAnswer()
    {
        // Index 0..3 is block 0 of stream 0 under key 0: counter (0,0,0,0), key (0,0) — the first KAT vector.
        var bits = new uint[4];
        Philox.Bits(0, 0, 0, bits);
        Assert.Equal([0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u], bits);
    }

    [Fact]
    public void Bits_CounterAndKeyLayout_MatchesTheContract()
    {
        // Value 4·b + w of (seed, stream) is word w of Block(counter (lo b, hi b, lo stream, hi stream), key (lo seed, hi seed)).
        const ulong seed = 0x0123456789abcdef, stream = 0xfedcba9876543210, block = 0x1_0000_0005;
        var bits = new uint[4];
        Philox.Bits(seed, stream, block * 4, bits);
        var expected = new uint[4];
        Philox.Block([5u, 1u, 0x76543210u, 0xfedcba98u], [0x89abcdefu, 0x01234567u], expected);
        Assert.Equal(expected, bits);
    }

    [Property(MaxTest = 8)]
    public void Bits_EveryLengthAndOffset_EqualsReference(int seed)
    {
        var rng = new Random(seed);
        ulong key = (ulong)rng.NextInt64(), stream = (ulong)rng.Next(4);
        foreach (int n in TestData.Lengths())
        {
            if (n > 5000) continue; // the reference computes one block per value
            ulong index = (ulong)rng.Next(0, 1 << 20);
            var fast = new uint[n];
            var reference = new uint[n];
            Philox.Bits(key, stream, index, fast);
            Reference.PhiloxBits(key, stream, index, reference);
            Assert.True(fast.AsSpan().SequenceEqual(reference), $"length {n}, index {index}");
        }
    }

    [Theory]
    [InlineData(512)]
    [InlineData(256)]
    [InlineData(128)]
    public void Blocks_EveryVectorWidth_BitwiseEqualToScalar(int width)
    {
        // Runs each width's code whether or not it is accelerated here (the fallback executes the same operations),
        // so one process checks that all widths produce identical bits.
        const ulong seed = 0x9e3779b97f4a7c15, stream = 7, block = 0xffff_fff0; // crosses a 32-bit counter carry
        var vector = new uint[4 * 64];
        int written = width switch
        {
            512 => Philox.Blocks512(seed, stream, block, vector),
            256 => Philox.Blocks256(seed, stream, block, vector),
            _ => Philox.Blocks128(seed, stream, block, vector),
        };
        Assert.Equal(vector.Length, written);
        var reference = new uint[vector.Length];
        Reference.PhiloxBits(seed, stream, block * 4, reference);
        Assert.Equal(reference, vector);
    }

    [Theory]
    [InlineData(512)]
    [InlineData(256)]
    [InlineData(128)]
    public void NormalPairs_EveryVectorWidth_BitwiseEqualToScalar(int width)
    {
        var bits = new uint[4096];
        Philox.Bits(99, 4, 0, bits);
        for (int i = 0; i < 64; i++) bits[i] = (uint)i * 0x0400_0000u | (uint)(i & 3) * 0xFFu; // edge values: u = 2⁻²⁴, all quadrants
        bits[64] = uint.MaxValue; bits[65] = uint.MaxValue; bits[66] = 0; bits[67] = 0;
        var vector = (uint[])bits.Clone();
        Philox.NormalPairsAtWidth(width, vector);
        for (int i = 0; i < bits.Length; i += 2)
        {
            (float z0, float z1) = Philox.BoxMuller(bits[i], bits[i + 1]);
            Assert.Equal(BitConverter.SingleToUInt32Bits(z0), vector[i]);
            Assert.Equal(BitConverter.SingleToUInt32Bits(z1), vector[i + 1]);
            Assert.True(float.IsFinite(z0) && float.IsFinite(z1));
        }
    }

    [Property(MaxTest = 8)]
    public void UniformNormalBernoulli_EveryLength_MatchReference(int seed)
    {
        var rng = new Random(seed);
        ulong key = (ulong)rng.NextInt64(), stream = (ulong)rng.Next(100);
        foreach (int n in TestData.Lengths())
        {
            if (n > 5000) continue;
            ulong index = (ulong)rng.Next(0, 1 << 20);
            var fast = new float[n];
            var reference = new float[n];
            Philox.Uniform(key, stream, index, fast);
            Reference.PhiloxUniform(key, stream, index, reference);
            TestData.AssertBitwise(reference, fast, $"Uniform n={n} index={index}");
            Philox.Normal(key, stream, index, fast);
            Reference.PhiloxNormal(key, stream, index, reference);
            // The reference evaluates log/cos/sin in double; the kernel's float polynomials agree to rounding.
            TestData.AssertClose(reference, fast, 1e-6, 1e-6, $"Normal n={n} index={index}");
            float[] p = TestData.Random(rng, n, 1f);
            for (int i = 0; i < n; i++) p[i] = Math.Abs(p[i]);
            Philox.Bernoulli(key, stream, index, p, fast);
            Reference.PhiloxBernoulli(key, stream, index, p, reference);
            TestData.AssertBitwise(reference, fast, $"Bernoulli n={n} index={index}");
            Philox.Bernoulli(key, stream, index, p, p); // in place
            TestData.AssertBitwise(reference, p, $"Bernoulli in place n={n}");
        }
    }

    [Property(MaxTest = 20)]
    public void Uniform_AnySplitOfTheRange_GivesTheSameNumbers(int seed)
    {
        var rng = new Random(seed);
        ulong key = (ulong)rng.NextInt64(), stream = (ulong)rng.Next(3), index = (ulong)rng.Next(1000);
        int n = rng.Next(1, 3000);
        var whole = new float[n];
        var pieces = new float[n];
        var normalWhole = new float[n];
        var normalPieces = new float[n];
        Philox.Uniform(key, stream, index, whole);
        Philox.Normal(key, stream, index, normalWhole);
        for (int start = 0; start < n;)
        {
            int len = Math.Min(n - start, rng.Next(1, 70));
            Philox.Uniform(key, stream, index + (ulong)start, pieces.AsSpan(start, len));
            Philox.Normal(key, stream, index + (ulong)start, normalPieces.AsSpan(start, len));
            start += len;
        }
        TestData.AssertBitwise(whole, pieces, "Uniform split");
        TestData.AssertBitwise(normalWhole, normalPieces, "Normal split");
    }

    [Fact]
    public void Uniform_ManySamples_InUnitIntervalWithUniformMoments()
    {
        var u = new float[1 << 20];
        Philox.Uniform(42, 1, 0, u);
        double sum = 0, sumSq = 0;
        foreach (float v in u)
        {
            Assert.InRange(v, 0f, 0.99999995f);
            sum += v;
            sumSq += (double)v * v;
        }
        double mean = sum / u.Length, variance = sumSq / u.Length - mean * mean;
        // Standard error of the mean: sqrt(1/12 / 2^20) ≈ 2.8e-4; allow 5 sigma.
        Assert.InRange(mean, 0.5 - 1.5e-3, 0.5 + 1.5e-3);
        Assert.InRange(variance, 1.0 / 12 - 1.5e-3, 1.0 / 12 + 1.5e-3);
    }

    [Fact]
    public void Normal_ManySamples_HaveZeroMeanUnitVariance()
    {
        var z = new float[1 << 20];
        Philox.Normal(7, 3, 5, z);
        double sum = 0, sumSq = 0, sum4 = 0;
        foreach (float v in z)
        {
            Assert.True(float.IsFinite(v));
            sum += v;
            sumSq += (double)v * v;
            sum4 += (double)v * v * v * v;
        }
        double n = z.Length, mean = sum / n, variance = sumSq / n - mean * mean, kurtosis = sum4 / n;
        Assert.InRange(mean, -5e-3, 5e-3);        // SE ≈ 1e-3
        Assert.InRange(variance, 0.99, 1.01);     // SE ≈ 1.4e-3
        Assert.InRange(kurtosis, 2.95, 3.05);     // E[z⁴] = 3; SE ≈ 9e-3
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.1f)]
    [InlineData(0.5f)]
    [InlineData(0.9f)]
    [InlineData(1f)]
    public void Bernoulli_ManySamples_FireAtTheRequestedRate(float rate)
    {
        var p = new float[1 << 18];
        Array.Fill(p, rate);
        var s = new float[p.Length];
        Philox.Bernoulli(11, 2, 0, p, s);
        double ones = 0;
        foreach (float v in s)
        {
            Assert.True(v == 0f || v == 1f);
            ones += v;
        }
        double observed = ones / s.Length, se = Math.Sqrt(rate * (1 - rate) / s.Length);
        Assert.InRange(observed, rate - 5 * se - 1e-9, rate + 5 * se + 1e-9);
    }

    [Fact]
    public void Generator_SequentialReads_MatchTheBulkFunctions()
    {
        const ulong seed = 123, stream = 9;
        var bits = new uint[103];
        var uniform = new float[103];
        var normal = new float[104];
        Philox.Bits(seed, stream, 0, bits);
        Philox.Uniform(seed, stream, 0, uniform);
        Philox.Normal(seed, stream, 0, normal);
        var g = new PhiloxGenerator(seed, stream);
        for (int i = 0; i < bits.Length; i++) Assert.Equal(bits[i], g.NextUInt());
        g = new PhiloxGenerator(seed, stream);
        for (int i = 0; i < uniform.Length; i++) Assert.Equal(uniform[i], g.NextFloat());
        g = new PhiloxGenerator(seed, stream);
        for (int i = 0; i < normal.Length; i++) Assert.Equal(normal[i], g.NextNormal());
        g = new PhiloxGenerator(seed, stream, 50);
        Assert.Equal(bits[50], g.NextUInt());
        Assert.Equal(51UL, g.Position);
    }

    [Fact]
    public void Generator_NextInt_IsInRangeAndUnbiased()
    {
        var g = new PhiloxGenerator(5, 0);
        const int buckets = 7, draws = 70_000;
        var counts = new int[buckets];
        for (int i = 0; i < draws; i++) counts[g.NextInt(buckets)]++;
        double expected = draws / (double)buckets, chi2 = 0;
        foreach (int c in counts) chi2 += (c - expected) * (c - expected) / expected;
        Assert.True(chi2 < 22.5, $"chi² = {chi2} over 6 degrees of freedom (p ≈ 0.001 at 22.5)");
        Assert.Equal(0, g.NextInt(1));
        // A bound near 2^31 exercises the rejection path: 2^32 mod range is large.
        int big = int.MaxValue - 7;
        for (int i = 0; i < 1000; i++) Assert.InRange(g.NextInt(big), 0, big - 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => new PhiloxGenerator(1, 1).NextInt(0));
    }

    [Fact]
    public void Block_WrongSpanLengths_Throw()
    {
        Assert.Throws<ArgumentException>(() => Philox.Block(new uint[3], new uint[2], new uint[4]));
        Assert.Throws<ArgumentException>(() => Philox.Block(new uint[4], new uint[1], new uint[4]));
        Assert.Throws<ArgumentException>(() => Philox.Bernoulli(1, 1, 0, new float[5], new float[4]));
    }
}
