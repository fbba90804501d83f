using FsCheck.Xunit;
using Xunit;

namespace NeuroCore.Kernels.Tests;

public class ConvTests
{
    /// <summary>A random valid geometry: C, H, W, kH, kW, sH, sW, pH, pW.</summary>
    internal static (int C, int H, int W, int KH, int KW, int SH, int SW, int PH, int PW) RandomGeometry(Random rng, bool poolPadding)
    {
        int c = rng.Next(1, 4), h = rng.Next(1, 12), w = rng.Next(1, 12);
        int kh = rng.Next(1, 5), kw = rng.Next(1, 5);
        int ph = rng.Next(0, poolPadding ? kh / 2 + 1 : 3), pw = rng.Next(0, poolPadding ? kw / 2 + 1 : 3);
        // Grow the image until the kernel fits the padded input.
        h = Math.Max(h, kh - 2 * ph);
        w = Math.Max(w, kw - 2 * pw);
        return (c, h, w, kh, kw, rng.Next(1, 4), rng.Next(1, 4), ph, pw);
    }

    [Property(MaxTest = 10)]
    public void Im2ColAndCol2Im_RandomGeometry_BitwiseEqualReference(int seed)
    {
        var rng = new Random(seed);
        for (int trial = 0; trial < 30; trial++)
        {
            var (c, h, w, kh, kw, sh, sw, ph, pw) = RandomGeometry(rng, poolPadding: false);
            int outH = Conv.OutputSize(h, kh, sh, ph), outW = Conv.OutputSize(w, kw, sw, pw);
            string context = $"C{c} {h}x{w} k{kh}x{kw} s{sh}x{sw} p{ph}x{pw} seed={seed}";
            float[] image = TestData.Random(rng, c * h * w, 3f, specials: true);
            int colLength = c * kh * kw * outH * outW;
            var expected = new float[colLength];
            float[] actual = TestData.Random(rng, colLength, 9f); // garbage: Im2Col must overwrite everything
            Reference.Im2Col(image, c, h, w, kh, kw, sh, sw, ph, pw, expected);
            Conv.Im2Col(image, c, h, w, kh, kw, sh, sw, ph, pw, actual);
            TestData.AssertBitwise(expected, actual, "Im2Col " + context);

            float[] columns = TestData.Random(rng, colLength, 3f);
            float[] start = TestData.Random(rng, image.Length, 1f); // Col2Im adds into what is there
            var expectedImage = (float[])start.Clone();
            var actualImage = (float[])start.Clone();
            Reference.Col2Im(columns, c, h, w, kh, kw, sh, sw, ph, pw, expectedImage);
            Conv.Col2Im(columns, c, h, w, kh, kw, sh, sw, ph, pw, actualImage);
            TestData.AssertBitwise(expectedImage, actualImage, "Col2Im " + context);
            actualImage = (float[])start.Clone();
            var scratch = (float[])columns.Clone();
            Conv.Col2ImDestructive(scratch, c, h, w, kh, kw, sh, sw, ph, pw, actualImage);
            TestData.AssertBitwise(expectedImage, actualImage, "Col2ImDestructive " + context);
            if (sh != 1 || sw != 1 || outW != w) TestData.AssertBitwise(columns, scratch, "Col2ImDestructive leaves other geometries' columns " + context);

            // Adjoint: <Im2Col(x), cols> = <x, Col2Im(cols)> (finite x only).
            float[] finite = TestData.Random(rng, image.Length, 1f);
            Conv.Im2Col(finite, c, h, w, kh, kw, sh, sw, ph, pw, actual);
            var folded = new float[image.Length];
            Conv.Col2Im(columns, c, h, w, kh, kw, sh, sw, ph, pw, folded);
            double left = 0, right = 0;
            for (int i = 0; i < colLength; i++) left += (double)actual[i] * columns[i];
            for (int i = 0; i < finite.Length; i++) right += (double)finite[i] * folded[i];
            Assert.True(Math.Abs(left - right) < 1e-4 * (1 + Math.Abs(left)), $"adjoint {left} vs {right} {context}");
        }
    }

    /// <summary>Stride 1 with a "same" width (2·pW = kW − 1): Im2Col takes its one-run-per-kernel-row path; both stay the reference, bitwise.</summary>
    [Property(MaxTest = 10)]
    public void Im2ColAndCol2Im_StrideOneSameWidth_BitwiseEqualReference(int seed)
    {
        var rng = new Random(seed);
        for (int trial = 0; trial < 30; trial++)
        {
            int kw = 1 + 2 * rng.Next(0, 3), pw = (kw - 1) / 2, kh = rng.Next(1, 6), ph = rng.Next(0, 4);
            int c = rng.Next(1, 4), w = rng.Next(1, 12), h = Math.Max(rng.Next(1, 12), kh - 2 * ph);
            int outH = Conv.OutputSize(h, kh, 1, ph), colLength = c * kh * kw * outH * w;
            float[] image = TestData.Random(rng, c * h * w, 3f, specials: true);
            var expected = new float[colLength];
            float[] actual = TestData.Random(rng, colLength, 9f);
            Reference.Im2Col(image, c, h, w, kh, kw, 1, 1, ph, pw, expected);
            Conv.Im2Col(image, c, h, w, kh, kw, 1, 1, ph, pw, actual);
            TestData.AssertBitwise(expected, actual, $"Im2Col same width C{c} {h}x{w} k{kh}x{kw} p{ph}x{pw} seed={seed}");

            float[] columns = TestData.Random(rng, colLength, 3f, specials: true);
            float[] start = TestData.Random(rng, image.Length, 1f);
            var expectedImage = (float[])start.Clone();
            var actualImage = (float[])start.Clone();
            Reference.Col2Im(columns, c, h, w, kh, kw, 1, 1, ph, pw, expectedImage);
            Conv.Col2Im(columns, c, h, w, kh, kw, 1, 1, ph, pw, actualImage);
            TestData.AssertBitwise(expectedImage, actualImage, $"Col2Im same width C{c} {h}x{w} k{kh}x{kw} p{ph}x{pw} seed={seed}");
            actualImage = (float[])start.Clone();
            Conv.Col2ImDestructive((float[])columns.Clone(), c, h, w, kh, kw, 1, 1, ph, pw, actualImage);
            TestData.AssertBitwise(expectedImage, actualImage, $"Col2ImDestructive same width C{c} {h}x{w} k{kh}x{kw} p{ph}x{pw} seed={seed}");
        }
    }

    [Property(MaxTest = 5)]
    public void RowDots_Lengths0To257_MatchReference_BetaZeroIgnoresOldC(int seed)
    {
        var rng = new Random(seed);
        for (int length = 0; length <= 257; length++)
        {
            int rowsA = rng.Next(0, 4), rowsB = rng.Next(0, 10);
            float beta = rng.Next(3) == 0 ? 0f : 1f;
            float[] a = TestData.Random(rng, rowsA * length, 2f), b = TestData.Random(rng, rowsB * length, 2f);
            float[] start = TestData.Random(rng, rowsA * rowsB, 2f);
            if (beta == 0f && start.Length > 0) start[rng.Next(start.Length)] = float.NaN; // must not be read
            var expected = (float[])start.Clone();
            var actual = (float[])start.Clone();
            Reference.RowDots(a, rowsA, b, rowsB, length, beta, expected);
            Conv.RowDots(a, rowsA, b, rowsB, length, beta, actual);
            // Error bound of a float dot: about length·ε·Σ|a·b| (here Σ|a·b| ≤ 4·length) plus the beta term.
            TestData.AssertClose(expected, actual, 1e-6, 4 * length * (length + 2) * 1.2e-7 + 1e-6, $"RowDots {rowsA}x{rowsB}x{length} beta {beta} seed={seed}");
        }
    }

    [Fact]
    public void RowDots_ShortSpan_NamesKernelAndSizes()
    {
        var ex = Assert.Throws<ArgumentException>(() => Conv.RowDots(new float[8], 2, new float[8], 3, 4, 0f, new float[6]));
        Assert.Contains("Conv.RowDots", ex.Message, StringComparison.Ordinal);
        Assert.Contains("B [3, 4]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Im2Col_HandWorkedExample_MatchesPyTorchUnfold()
    {
        // 1×3×3 image 1..9, 2×2 kernel, stride 1, pad 0: 4 output positions; row (i,j) lists pixel (oy+i, ox+j).
        float[] image = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        var columns = new float[4 * 4];
        Conv.Im2Col(image, 1, 3, 3, 2, 2, 1, 1, 0, 0, columns);
        Assert.Equal([1f, 2, 4, 5, /**/ 2, 3, 5, 6, /**/ 4, 5, 7, 8, /**/ 5, 6, 8, 9], columns);
        Assert.Equal(2, Conv.OutputSize(3, 2, 1, 0));
        Assert.Equal(14, Conv.OutputSize(28, 3, 2, 1)); // (28 + 2 − 3)/2 + 1
    }

    [Fact]
    public void Conv_BadGeometry_ThrowsNamingTheOp()
    {
        Assert.Throws<ArgumentException>(() => Conv.OutputSize(3, 5, 1, 0));
        Assert.Throws<ArgumentException>(() => Conv.OutputSize(3, 1, 0, 0));
        var ex = Assert.Throws<ArgumentException>(() => Conv.Im2Col(new float[9], 1, 3, 3, 2, 2, 1, 1, 0, 0, new float[15]));
        Assert.Contains("Conv.Im2Col", ex.Message);
        Assert.Throws<ArgumentException>(() => Conv.Col2Im(new float[16], 1, 3, 3, 2, 2, 1, 1, 0, 0, new float[8]));
        Assert.Throws<ArgumentException>(() => Conv.Col2ImDestructive(new float[16], 1, 3, 3, 2, 2, 1, 1, 0, 0, new float[8]));
        Assert.Throws<ArgumentException>(() => Conv.Col2ImDestructive(new float[8], 1, 3, 3, 1, 1, 1, 1, 0, 0, new float[9]));
    }
}
