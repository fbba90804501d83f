using FsCheck.Xunit;
using Xunit;

namespace NeuroCore.Kernels.Tests;

/// <summary>
/// The threaded overloads of <see cref="Elementwise"/> and <see cref="Reduce.Sum(ReadOnlySpan{float}, int)"/>: bitwise
/// the single-threaded call (elementwise) or the same bits for every thread count (the sum), at every length.
/// </summary>
public class ElementwiseThreadedTests
{
    // Every length 0..257 (one thread: below a block), then lengths that cut into several blocks with a tail.
    static IEnumerable<int> Lengths() => TestData.Lengths().Append((3 * Elementwise.ThreadBlock) + 31);

    static void CheckMap<TOp>(int seed, float scale) where TOp : struct, IUnaryOp
    {
        var rng = new Random(seed);
        foreach (int n in Lengths())
        {
            float[] x = TestData.Random(rng, n, scale, specials: true);
            var expected = new float[n];
            Elementwise.Map<TOp>(x, expected);
            for (int threads = 1; threads <= 3; threads++)
            {
                var actual = new float[n + 1];
                actual[n] = 7f;
                Elementwise.Map<TOp>(x, actual, threads, parallelThreshold: 0);
                TestData.AssertBitwise(expected, actual.AsSpan(0, n), $"{typeof(TOp).Name} n={n} threads={threads}");
                Assert.Equal(7f, actual[n]);
                var inPlace = (float[])x.Clone();
                Elementwise.Map<TOp>(inPlace, inPlace, threads, parallelThreshold: 0);
                TestData.AssertBitwise(expected, inPlace, $"{typeof(TOp).Name} n={n} threads={threads} in place");
            }
        }
    }

    static void CheckZip<TOp>(int seed, float scale) where TOp : struct, IBinaryOp
    {
        var rng = new Random(seed);
        foreach (int n in Lengths())
        {
            float[] x = TestData.Random(rng, n, scale, specials: true);
            float[] y = TestData.Random(rng, n, scale, specials: true);
            var expected = new float[n];
            Elementwise.Zip<TOp>(x, y, expected);
            for (int threads = 1; threads <= 3; threads++)
            {
                var actual = new float[n];
                Elementwise.Zip<TOp>(x, y, actual, threads, parallelThreshold: 0);
                TestData.AssertBitwise(expected, actual, $"{typeof(TOp).Name} n={n} threads={threads}");
                var inPlace = (float[])y.Clone();
                Elementwise.Zip<TOp>(x, inPlace, inPlace, threads, parallelThreshold: 0);
                TestData.AssertBitwise(expected, inPlace, $"{typeof(TOp).Name} n={n} threads={threads} z==y");
            }
        }
    }

    [Property(MaxTest = 2)] public void Relu_AnyThreads_BitwiseTheSingleThreadedMap(int seed) => CheckMap<ReluOp>(seed, 4f);
    [Property(MaxTest = 2)] public void Sigmoid_AnyThreads_BitwiseTheSingleThreadedMap(int seed) => CheckMap<SigmoidOp>(seed, 30f);
    [Property(MaxTest = 2)] public void Exp_AnyThreads_BitwiseTheSingleThreadedMap(int seed) => CheckMap<ExpOp>(seed, 90f);
    [Property(MaxTest = 2)] public void ReluBackward_AnyThreads_BitwiseTheSingleThreadedZip(int seed) => CheckZip<ReluBackwardOp>(seed, 4f);
    [Property(MaxTest = 2)] public void TanhBackward_AnyThreads_BitwiseTheSingleThreadedZip(int seed) => CheckZip<TanhBackwardOp>(seed, 1f);

    [Property(MaxTest = 3)]
    public void Fill_AnyThreads_WritesEveryElementAndNothingElse(float value)
    {
        foreach (int n in Lengths())
            for (int threads = 1; threads <= 3; threads++)
            {
                var y = new float[n + 2];
                y[0] = y[n + 1] = 7f;
                Elementwise.Fill(y.AsSpan(1, n), value, threads, parallelThreshold: 0);
                Assert.Equal(7f, y[0]);
                Assert.Equal(7f, y[n + 1]);
                for (int i = 1; i <= n; i++)
                    Assert.True(BitConverter.SingleToInt32Bits(y[i]) == BitConverter.SingleToInt32Bits(value), $"n={n} threads={threads} at {i - 1}");
            }
    }

    [Property(MaxTest = 5)]
    public void Sum_AnyThreads_SameBitsForEveryCountAndCloseToReference(int seed)
    {
        var rng = new Random(seed);
        foreach (int n in Lengths())
        {
            bool specials = rng.Next(3) == 0;
            float[] x = TestData.Random(rng, n, 10f, specials);
            double magnitude = 0;
            foreach (float v in x) if (float.IsFinite(v)) magnitude += Math.Abs(v);
            // Blocks of 64 at these lengths, so 0..257 already cut into up to five blocks; the default blocks too.
            foreach (int block in new[] { 64, 1 << 16 })
            {
                float one = Reduce.Sum(x, 1, block);
                TestData.AssertClose([Reference.Sum(x)], [one], 0, 8e-6 * magnitude + 1e-6, $"Sum n={n} block={block}");
                if (n <= block) TestData.AssertBitwise([Reduce.Sum(x)], [one], $"Sum n={n} block={block}: one block is the plain sum");
                for (int threads = 2; threads <= 3; threads++)
                    TestData.AssertBitwise([one], [Reduce.Sum(x, threads, block)], $"Sum n={n} block={block} threads={threads}");
            }
        }
    }

    [Fact]
    public void Sum_ManyBlocks_AtMost256Partials()
    {
        // 300 blocks of 64 would be needed; the blocks grow instead (to 128), still independent of the thread count.
        var x = new float[300 * 64];
        for (int i = 0; i < x.Length; i++) x[i] = (i % 7) - 3f;
        float expected = Reference.Sum(x);
        for (int threads = 1; threads <= 3; threads++) Assert.Equal(expected, Reduce.Sum(x, threads, 64));
    }

    [Fact]
    public void Threaded_BadArguments_Throw()
    {
        var a = new float[10];
        Assert.Throws<ArgumentOutOfRangeException>(() => Elementwise.Map<ReluOp>(a, a, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Elementwise.Zip<AddOp>(a, a, a, FixedPartitionMax + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Elementwise.Fill(a, 1f, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Reduce.Sum(a, 0));
        var big = new float[(2 * Elementwise.ThreadBlock) + 5];
        Assert.Throws<ArgumentException>(() => Elementwise.Map<ReluOp>(big, new float[big.Length - 1], 2, parallelThreshold: 0));
        Assert.Throws<ArgumentException>(() => Elementwise.Map<ReluOp>(big.AsSpan(0, big.Length - 1), big.AsSpan(1), 2, parallelThreshold: 0));
        Assert.Throws<ArgumentException>(() => Elementwise.Zip<AddOp>(big, new float[big.Length - 1], big, 2, parallelThreshold: 0));
    }

    const int FixedPartitionMax = Parallel.FixedPartition.MaxThreads;

    [Fact]
    public void Threaded_SteadyState_AllocatesNothing()
    {
        var x = new float[(3 * Elementwise.ThreadBlock) + 9];
        var y = new float[x.Length];
        for (int i = 0; i < x.Length; i++) x[i] = (i % 11) - 5f;
        LifTests.AssertSteadyStateAllocatesNothing(() =>
        {
            Elementwise.Map<ReluOp>(x, y, 2, parallelThreshold: 0);
            Elementwise.Zip<ReluBackwardOp>(x, x, y, 2, parallelThreshold: 0);
            Elementwise.Fill(y, 1f, 2, parallelThreshold: 0);
            _ = Reduce.Sum(x, 2, 64);
        }, "threaded elementwise and sum");
    }
}
