using FsCheck.Xunit;
using Xunit;

namespace NeuroCore.Kernels.Tests;

public class ReduceTests
{
    [Property(MaxTest = 5)]
    public void SumAndMax_EveryLength_MatchReference(int seed)
    {
        var rng = new Random(seed);
        foreach (int n in TestData.Lengths())
        {
            bool specials = rng.Next(3) == 0;
            float[] x = TestData.Random(rng, n, 10f, specials);
            double magnitude = 0;
            foreach (float v in x) if (float.IsFinite(v)) magnitude += Math.Abs(v);
            float expected = Reference.Sum(x), actual = Reduce.Sum(x);
            // Different association orders (vector lanes vs left to right): allow a few ε per unit of Σ|x|.
            TestData.AssertClose([expected], [actual], 0, 8e-6 * magnitude + 1e-6, $"Sum n={n}");
            TestData.AssertBitwise([Reference.Max(x)], [Reduce.Max(x)], $"Max n={n}");
        }
    }

    [Property(MaxTest = 100)]
    public void SumColumns_ThreadedAnyShape_BitwiseEqualToReferenceForEveryThreadCount(ushort rowsRaw, ushort colsRaw, int seed)
    {
        // Columns 0..257 cover every width's whole values, the four-at-a-time blocks and the scalar tail.
        int rows = rowsRaw % 40, cols = colsRaw % 258;
        var rng = new Random(seed);
        float[] x = TestData.Random(rng, rows * cols, 5f, specials: rng.Next(2) == 0);
        var expected = new float[cols + 1];
        Reference.SumColumns(x, rows, cols, expected);
        for (int threads = 1; threads <= 3; threads++)
        {
            var actual = new float[cols + 1];
            actual[cols] = 7f;
            Reduce.SumColumns(x, rows, cols, actual, threads, parallelThreshold: 0);
            TestData.AssertBitwise(expected.AsSpan(0, cols), actual.AsSpan(0, cols), $"SumColumns {rows}x{cols} at {threads} threads");
            Assert.Equal(7f, actual[cols]);
        }
    }

    [Fact]
    public void SumColumns_Threaded_BadThreadsThrowAndSteadyStateAllocatesNothing()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Reduce.SumColumns(new float[6], 2, 3, new float[3], 0));
        var x = new float[3200 * 64];
        var d = new float[64];
        LifTests.AssertSteadyStateAllocatesNothing(() => Reduce.SumColumns(x, 3200, 64, d, 2), "Reduce.SumColumns at 2 threads");
    }

    [Property(MaxTest = 10)]
    public void RowsAndColumns_RandomShapes_MatchReference(int seed)
    {
        var rng = new Random(seed);
        for (int trial = 0; trial < 40; trial++)
        {
            int rows = rng.Next(0, 9), cols = rng.Next(trial < 20 ? 0 : 1, 140);
            float[] x = TestData.Random(rng, rows * cols, 5f, specials: rng.Next(2) == 0);
            var expected = new float[Math.Max(rows, cols)];
            var actual = new float[expected.Length];
            Reference.SumColumns(x, rows, cols, expected);
            Reduce.SumColumns(x, rows, cols, actual);
            TestData.AssertBitwise(expected.AsSpan(0, cols), actual.AsSpan(0, cols), $"SumColumns {rows}x{cols}");
            Reference.SumRows(x, rows, cols, expected);
            Reduce.SumRows(x, rows, cols, actual);
            TestData.AssertClose(expected.AsSpan(0, rows), actual.AsSpan(0, rows), 1e-5, 1e-4, $"SumRows {rows}x{cols}");
            if (cols == 0) continue;
            var expectedIndex = new int[rows];
            var actualIndex = new int[rows];
            // Ties and signed zeros: draw from a tiny alphabet so equal maxima are common.
            float[] small = new float[rows * cols];
            float[] alphabet = [-0f, 0f, 1f, -1f, float.NaN, 1f];
            for (int i = 0; i < small.Length; i++) small[i] = rng.Next(4) == 0 ? alphabet[rng.Next(alphabet.Length)] : x[i];
            Reference.ArgMaxRows(small, rows, cols, expectedIndex);
            Reduce.ArgMaxRows(small, rows, cols, actualIndex);
            Assert.Equal(expectedIndex, actualIndex);
        }
    }

    [Fact]
    public void Reduce_BadShapes_ThrowNamingTheOp()
    {
        var ex = Assert.Throws<ArgumentException>(() => Reduce.SumRows(new float[5], 2, 3, new float[2]));
        Assert.Contains("Reduce.SumRows", ex.Message);
        Assert.Throws<ArgumentException>(() => Reduce.SumColumns(new float[6], 2, 3, new float[2]));
        Assert.Throws<ArgumentException>(() => Reduce.ArgMaxRows(new float[6], 2, 0, new int[2]));
        Assert.Equal(float.NegativeInfinity, Reduce.Max([]));
        Assert.Equal(0f, Reduce.Sum([]));
    }
}
