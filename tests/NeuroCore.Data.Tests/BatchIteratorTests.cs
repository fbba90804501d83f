using FsCheck;
using FsCheck.Xunit;

namespace NeuroCore.Data.Tests;

public sealed class BatchIteratorTests
{
    /// <summary>A set whose image i is filled with i / n and whose label is i % classes, so rows identify samples.</summary>
    static LabeledImageSet Indexed(int n, int height = 2, int width = 3)
    {
        var pixels = new float[n * height * width];
        var labels = new byte[n];
        for (int i = 0; i < n; i++)
        {
            pixels.AsSpan(i * height * width, height * width).Fill(i / (float)Math.Max(1, n));
            labels[i] = (byte)(i % 7);
        }
        return new LabeledImageSet("indexed", height, width, 7, pixels, labels);
    }

    [Property(MaxTest = 200)]
    public void Shuffle_IsAPermutationAndReproducible(NonNegativeInt size, ulong seed, ulong stream)
    {
        int n = size.Get % 500;
        var a = Enumerable.Range(0, n).ToArray();
        var b = Enumerable.Range(0, n).ToArray();
        BatchIterator.Shuffle(a, seed, stream);
        BatchIterator.Shuffle(b, seed, stream);
        Assert.Equal(a, b);
        Assert.Equal(Enumerable.Range(0, n), a.Order());
    }

    [Fact]
    public void Shuffle_DifferentStreams_GiveDifferentOrders()
    {
        var a = Enumerable.Range(0, 100).ToArray();
        var b = Enumerable.Range(0, 100).ToArray();
        BatchIterator.Shuffle(a, 1, 0);
        BatchIterator.Shuffle(b, 1, 1);
        Assert.NotEqual(a, b);
        Assert.NotEqual(Enumerable.Range(0, 100), a);
    }

    [Fact]
    public void Shuffle_PositionsAreRoughlyUniform()
    {
        // Over 4000 shuffles of 4 items, each item lands in each slot ~1000 times (a biased j would skew this).
        var hits = new int[4, 4];
        var values = new int[4];
        for (ulong s = 0; s < 4000; s++)
        {
            for (int i = 0; i < 4; i++) values[i] = i;
            BatchIterator.Shuffle(values, 99, s);
            for (int slot = 0; slot < 4; slot++) hits[values[slot], slot]++;
        }
        foreach (int h in hits) Assert.InRange(h, 850, 1150);
    }

    [Property(MaxTest = 100)]
    public void Epoch_CoversEverySampleOnce(PositiveInt size, PositiveInt batch, ulong seed, bool dropLast, bool flat)
    {
        int n = size.Get % 300 + 1, b = batch.Get % 40 + 1;
        var set = Indexed(n);
        using var it = new BatchIterator(set, b, seed, flat ? BatchLayout.Flat : BatchLayout.Image, dropLast: dropLast);
        var seen = new List<int>();
        for (int epoch = 0; epoch < 2; epoch++)
        {
            it.StartEpoch(epoch);
            seen.Clear();
            int batches = 0;
            while (it.MoveNext())
            {
                batches++;
                var images = it.Images;
                Assert.Equal(it.Count, images.Shape[0]);
                Assert.Equal(flat ? 2 : 4, images.Shape.Rank);
                for (int r = 0; r < it.Count; r++)
                {
                    int sample = (int)MathF.Round(images.Span[r * 6] * n);
                    Assert.Equal(sample % 7, it.Labels[r]);
                    seen.Add(sample);
                }
            }
            Assert.Equal(it.BatchesPerEpoch, batches);
            if (dropLast)
            {
                Assert.Equal(n / b * b, seen.Count);
                Assert.Equal(seen.Count, seen.Distinct().Count());
            }
            else
            {
                Assert.Equal(Enumerable.Range(0, n), seen.Order());
            }
        }
    }

    [Fact]
    public void Epochs_AreReproducibleAndDiffer()
    {
        var set = Indexed(50);
        using var a = new BatchIterator(set, 8, seed: 5);
        using var b = new BatchIterator(set, 8, seed: 5);
        a.StartEpoch(3);
        b.StartEpoch(3);
        Assert.True(a.Order.SequenceEqual(b.Order));
        var epoch3 = a.Order.ToArray();
        a.StartEpoch(4);
        Assert.False(a.Order.SequenceEqual(epoch3));
        using var c = new BatchIterator(set, 8, seed: 6);
        c.StartEpoch(3);
        Assert.False(c.Order.SequenceEqual(epoch3));
    }

    [Fact]
    public void NoShuffle_KeepsTheSetOrder()
    {
        using var it = new BatchIterator(Indexed(10), 4, seed: 1, shuffle: false);
        it.StartEpoch(7);
        Assert.Equal(Enumerable.Range(0, 10), it.Order.ToArray());
    }

    [Fact]
    public void LastBatch_KeptOrDropped()
    {
        var set = Indexed(10);
        using var keep = new BatchIterator(set, 4, 0);
        Assert.Equal(3, keep.BatchesPerEpoch);
        var sizes = new List<int>();
        while (keep.MoveNext()) sizes.Add(keep.Images.Shape[0]);
        Assert.Equal(new[] { 4, 4, 2 }, sizes);
        Assert.False(keep.MoveNext());

        using var drop = new BatchIterator(set, 4, 0, dropLast: true);
        Assert.Equal(2, drop.BatchesPerEpoch);
        sizes.Clear();
        while (drop.MoveNext()) sizes.Add(drop.Count);
        Assert.Equal(new[] { 4, 4 }, sizes);
    }

    [Fact]
    public void MoveNext_AllocatesNothing()
    {
        var set = Indexed(1000, 28, 28);
        using var it = new BatchIterator(set, 64, 1, BatchLayout.Flat);
        while (it.MoveNext()) { }
        it.StartEpoch(1);
        long before = GC.GetAllocatedBytesForCurrentThread();
        int rows = 0;
        while (it.MoveNext())
        {
            var batch = it.Current;
            rows += batch.Images.Shape[0] + batch.Labels.Length - batch.Count + it.Labels.Length - it.Count;
        }
        it.StartEpoch(2);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(1000, rows);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void CopyBatch_CallerTensor_PadsShortBatch()
    {
        var set = Indexed(10);
        using var it = new BatchIterator(set, 4, 0, shuffle: false);
        using var images = Tensor.Full(new Shape(4, 1, 2, 3), 9f);
        var labels = new int[4];
        Assert.Equal(2, it.CopyBatch(2, images, labels));
        Assert.Equal(new[] { 8 % 7, 9 % 7, -1, -1 }, labels);
        Assert.Equal(0.8f, images.Span[0]);
        Assert.Equal(0.9f, images.Span[6]);
        Assert.True(images.Span[12..].ToArray().All(v => v == 0f));

        using var flat = Tensor.Zeros(new Shape(4, 6));
        Assert.Equal(4, it.CopyBatch(0, flat, labels));
        Assert.Equal(new[] { 0, 1, 2, 3 }, labels);
    }

    [Fact]
    public void CopyBatch_WrongShape_NamesBothShapes()
    {
        using var it = new BatchIterator(Indexed(10), 4, 0);
        using var wrong = Tensor.Zeros(new Shape(4, 1, 3, 3));
        var e = Assert.Throws<ArgumentException>(() => it.CopyBatch(0, wrong, new int[4]));
        Assert.Contains("[4, 1, 3, 3]", e.Message);
        Assert.Contains("[B, 1, 2, 3]", e.Message);
        using var small = Tensor.Zeros(new Shape(2, 6));
        Assert.Throws<ArgumentException>(() => it.CopyBatch(0, small, new int[4]));
        Assert.Throws<ArgumentException>(() => it.CopyBatch(0, Tensor.Zeros(new Shape(4, 6)), new int[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => it.CopyBatch(3, Tensor.Zeros(new Shape(4, 6)), new int[4]));
    }

    [Fact]
    public void Current_MatchesImagesAndLabels()
    {
        using var it = new BatchIterator(Indexed(10), 4, 3, BatchLayout.Flat);
        Assert.True(it.MoveNext());
        Assert.True(it.MoveNext());
        var batch = it.Current;
        Assert.Equal(1, batch.Index);
        Assert.Same(it.Images, batch.Images);
        Assert.True(batch.Labels.SequenceEqual(it.Labels));
        Assert.Equal(new Shape(4, 6), batch.Images.Shape);
    }

    [Fact]
    public void Dispose_ThenMoveNext_Throws()
    {
        var it = new BatchIterator(Indexed(10), 4, 3);
        it.Dispose();
        it.Dispose();
        Assert.Throws<ObjectDisposedException>(() => it.MoveNext());
        Assert.Throws<ObjectDisposedException>(() => it.StartEpoch(1));
    }

    [Fact]
    public void Images_BeforeMoveNext_Throws()
    {
        using var it = new BatchIterator(Indexed(3), 2, 0);
        Assert.Throws<InvalidOperationException>(() => it.Images);
        Assert.Equal(0, it.Count);
    }
}
