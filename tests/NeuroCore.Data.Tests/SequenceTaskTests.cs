using FsCheck;
using FsCheck.Xunit;

namespace NeuroCore.Data.Tests;

public sealed class SequenceTaskTests
{
    /// <summary>Two 3×4 images whose pixel (r, c) of image n is (n·12 + r·4 + c) / 100, labels 3 and 5.</summary>
    static LabeledImageSet HandMade()
    {
        var pixels = new float[2 * 12];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = i / 100f;
        return new LabeledImageSet("hand", 3, 4, 10, pixels, [3, 5]);
    }

    [Fact]
    public void RowWise_StepTIsRowT()
    {
        var set = SequentialImages.RowWise(HandMade());
        Assert.Equal((3, 4, 10, 2), (set.Steps, set.Features, set.Classes, set.Count));
        var seq = set.Sequence(1);
        for (int t = 0; t < 3; t++)
            for (int c = 0; c < 4; c++)
                Assert.Equal((12 + (t * 4) + c) / 100f, seq[(t * 4) + c]);
        Assert.Equal(0.1, set.ChanceAccuracy, 12);
    }

    [Fact]
    public void PixelWise_StepTIsPixelTInRasterOrder()
    {
        var set = SequentialImages.PixelWise(HandMade());
        Assert.Equal((12, 1), (set.Steps, set.Features));
        Assert.Equal("sfmnist-pixel", set.Task);
        for (int t = 0; t < 12; t++) Assert.Equal((12 + t) / 100f, set.Sequence(1)[t]);
        Assert.Equal(new byte[] { 3, 5 }, set.Samples.Labels);
    }

    [Fact]
    public void Permuted_StepTIsPixelPermutationT()
    {
        var order = SequentialImages.Permutation(12, seed: 7);
        var set = SequentialImages.PixelWise(HandMade(), order);
        Assert.Equal("psfmnist", set.Task);
        Assert.Equal(order, set.Permutation);
        for (int t = 0; t < 12; t++) Assert.Equal((12 + order[t]) / 100f, set.Sequence(1)[t]);
        Assert.NotEqual(Enumerable.Range(0, 12), order);
    }

    [Property(MaxTest = 100)]
    public void Permutation_IsAFixedBijection(NonNegativeInt length, ulong seed)
    {
        int n = length.Get % 1000;
        var a = SequentialImages.Permutation(n, seed);
        Assert.Equal(Enumerable.Range(0, n), a.Order());
        Assert.Equal(a, SequentialImages.Permutation(n, seed));
    }

    [Fact]
    public void DefaultPermutation_IsPinned()
    {
        // The psfmnist order must never change silently: reports compare runs across versions.
        var order = SequentialImages.Permutation(784);
        Assert.Equal(Enumerable.Range(0, 784), order.Order());
        Assert.Equal(order, SequentialImages.Permutation(784, SequentialImages.DefaultPermutationSeed));
        Assert.NotEqual(order, SequentialImages.Permutation(784, SequentialImages.DefaultPermutationSeed + 1));
    }

    [Fact]
    public void PixelWise_RejectsANonBijection()
    {
        var bad = Enumerable.Range(0, 12).ToArray();
        bad[5] = 4;
        var e = Assert.Throws<ArgumentException>(() => SequentialImages.PixelWise(HandMade(), bad));
        Assert.Contains("a repeat", e.Message);
        Assert.Contains("SequentialImages.Permutation", e.Message);
        var e2 = Assert.Throws<ArgumentException>(() => SequentialImages.PixelWise(HandMade(), [0, 1, 2]));
        Assert.Contains("12 pixels", e2.Message);
    }

    [Fact]
    public void ToTimeMajor_PutsSampleBAtStepTInRowTBPlusB()
    {
        int b = 3, t = 4, f = 2;
        var src = Enumerable.Range(0, b * t * f).Select(i => (float)i).ToArray();
        var dst = new float[src.Length];
        SequenceSet.ToTimeMajor(src, b, t, f, dst);
        for (int bi = 0; bi < b; bi++)
            for (int ti = 0; ti < t; ti++)
                for (int fi = 0; fi < f; fi++)
                    Assert.Equal(src[(((bi * t) + ti) * f) + fi], dst[(((ti * b) + bi) * f) + fi]);
        Assert.Throws<ArgumentException>(() => SequenceSet.ToTimeMajor(src, b, t, f, new float[5]));
    }

    [Theory]
    [InlineData(25)]
    [InlineData(60)]
    [InlineData(400)]
    public void Recall_HasTheDefinedLayout(int delay)
    {
        var (train, test) = DelayedRecall.Generate(40, 10, delay, seed: 3);
        int steps = DelayedRecall.StepsFor(delay), f = DelayedRecall.Features;
        Assert.Equal((steps, f, 8, 40, 10), (train.Steps, train.Features, train.Classes, train.Count, test.Count));
        Assert.Equal(delay, train.Delay);
        Assert.Equal(0.125, train.ChanceAccuracy);
        long noise = 0;
        for (int n = 0; n < train.Count; n++)
        {
            var s = train.Sequence(n);
            int cue = train.Samples.Labels[n];
            for (int t = 0; t < steps; t++)
            {
                var row = s.Slice(t * f, f);
                if (t < DelayedRecall.CueSteps)
                {
                    for (int c = 0; c < f; c++) Assert.Equal(c == cue ? 1f : 0f, row[c]);
                }
                else if (t >= steps - DelayedRecall.GoSteps)
                {
                    for (int c = 0; c < f; c++) Assert.Equal(c == f - 1 ? 1f : 0f, row[c]);
                }
                else
                {
                    Assert.Equal(0f, row[f - 1]);
                    foreach (float v in row[..(f - 1)])
                    {
                        Assert.True(v is 0f or 1f);
                        noise += (long)v;
                    }
                }
            }
        }
        double rate = noise / (40.0 * delay * 16);
        Assert.InRange(rate, 0.03, 0.07);
        // Train and test come from different streams; the same seed gives the same data.
        Assert.NotEqual(train.Samples.Pixels.AsSpan(0, 10 * steps * f).ToArray(), test.Samples.Pixels);
        Assert.Equal(train.Samples.Pixels, DelayedRecall.Generate(40, 10, delay, seed: 3).Train.Samples.Pixels);
    }

    [Fact]
    public void Recall_LabelsCoverEveryCue()
    {
        var (train, _) = DelayedRecall.Generate(800, 1, 25, seed: 1);
        var counts = train.Samples.CountPerClass();
        Assert.All(counts, c => Assert.InRange(c, 60, 140));
    }

    [Theory]
    [InlineData(24)]
    [InlineData(401)]
    [InlineData(-1)]
    public void Recall_RejectsADelayOutOfRange(int delay)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => DelayedRecall.Generate(10, 10, delay, 1));
        Assert.Contains("--delay", e.Message);
        Assert.Contains("25 ≤ D ≤ 400", e.Message);
    }

    [Fact]
    public void Tasks_RejectUnknownNamesAndRecallFromImages()
    {
        var split = new DatasetSplit(HandMade(), HandMade());
        Assert.Contains("expected one of", Assert.Throws<ArgumentException>(() => SequenceTasks.FromImages("smnist", split)).Message);
        Assert.Contains("DelayedRecall.Generate", Assert.Throws<ArgumentException>(() => SequenceTasks.FromImages("recall", split)).Message);
        var (row, _) = SequenceTasks.FromImages("sfmnist-row", split);
        Assert.Equal((3, 4), (row.Steps, row.Features));
        var (perm, permTest) = SequenceTasks.FromImages("psfmnist", split);
        Assert.Equal(perm.Permutation, permTest.Permutation);
        Assert.Equal(SequentialImages.Permutation(12), perm.Permutation);
    }

    [Fact]
    public void MissingFashionMnist_NamesTheFix()
    {
        string dir = Path.Combine(Path.GetTempPath(), "no-fmnist-" + Guid.NewGuid().ToString("N"));
        var e = Assert.Throws<DatasetNotFoundException>(() => FashionMnist.Load(dir));
        Assert.Contains("--data-dir", e.Message);
        Assert.Contains(FashionMnist.DebianPackage, e.Message);
    }
}
