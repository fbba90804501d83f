namespace NeuroCore.Data.Tests;

/// <summary>Loads the real files once (the Debian package is installed wherever the tests run).</summary>
public sealed class FashionMnistFixture
{
    public DatasetSplit Split { get; } = FashionMnist.Load();
}

public sealed class FashionMnistTests(FashionMnistFixture fixture) : IClassFixture<FashionMnistFixture>
{
    [Fact]
    public void Load_DefaultDirectory_Gives60000And10000WithBalancedLabels()
    {
        var (train, test) = fixture.Split;
        Assert.Equal(60000, train.Count);
        Assert.Equal(10000, test.Count);
        foreach (var set in new[] { train, test })
        {
            Assert.Equal(28, set.Height);
            Assert.Equal(28, set.Width);
            Assert.Equal(10, set.Classes);
            Assert.Equal("Ankle boot", set.ClassNames[9]);
            Assert.Equal(set.Count * 784, set.Pixels.Length);
            Assert.All(set.CountPerClass(), c => Assert.Equal(set.Count / 10, c));
            Assert.Equal(0f, set.Pixels.Min());
            Assert.Equal(1f, set.Pixels.Max());
        }
        // The first training image is an ankle boot (label 9) in the published files.
        Assert.Equal(9, train.Labels[0]);
        Assert.True(FashionMnist.IsAvailable());
    }

    [Fact]
    public void Load_MissingDirectory_NamesDirectoryPackageAndOption()
    {
        string dir = Path.Combine(Path.GetTempPath(), "no-such-fashion-mnist-" + Guid.NewGuid().ToString("N"));
        var e = Assert.Throws<DatasetNotFoundException>(() => FashionMnist.Load(dir));
        Assert.Contains(dir, e.Message);
        Assert.Contains("apt-get install dataset-fashion-mnist", e.Message);
        Assert.Contains("--data-dir", e.Message);
        Assert.Equal(dir, e.Directory);
        Assert.Equal(4, e.MissingFiles.Count);
        Assert.False(FashionMnist.IsAvailable(dir));
    }

    [Theory]
    [InlineData("", false)]
    [InlineData(".gz", true)]
    [InlineData(".gz", false)]
    public void Load_SmallSetWithEitherFileNames_Loads(string suffix, bool dotted)
    {
        using var dir = new TempDir();
        dir.WriteSet(suffix, dotted, trainCount: 12, testCount: 5);
        var (train, test) = FashionMnist.Load(dir.Path);
        Assert.Equal(12, train.Count);
        Assert.Equal(5, test.Count);
        Assert.Equal(4, train.Height);
        Assert.Equal(3, train.Width);
        Assert.Equal(7 % 10, train.Labels[7]);
        Assert.Equal(255 / 255f, train.Pixels.Max());
    }

    [Fact]
    public void Load_OneFileMissing_ListsOnlyThatFile()
    {
        using var dir = new TempDir();
        dir.WriteSet("", false, 3, 3);
        File.Delete(System.IO.Path.Combine(dir.Path, "t10k-labels-idx1-ubyte"));
        var e = Assert.Throws<DatasetNotFoundException>(() => FashionMnist.Load(dir.Path));
        Assert.Equal(["t10k-labels-idx1-ubyte[.gz]"], e.MissingFiles);
    }

    [Fact]
    public void Load_LabelOutOfRange_NamesFileAndOffset()
    {
        using var dir = new TempDir();
        dir.WriteSet("", false, 6, 3);
        byte[] labels = [0, 1, 2, 3, 10, 5];
        IdxWriter.Write(System.IO.Path.Combine(dir.Path, "train-labels-idx1-ubyte"), IdxFile.Create<byte>([6], labels));
        var e = Assert.Throws<IdxFormatException>(() => FashionMnist.Load(dir.Path));
        Assert.EndsWith("train-labels-idx1-ubyte", e.FileName);
        Assert.Equal(8 + 4, e.Offset);
        Assert.Contains("label 4 is 10", e.Message);
    }

    [Fact]
    public void Load_CountsDisagree_Throws()
    {
        using var dir = new TempDir();
        dir.WriteSet("", false, 6, 3);
        IdxWriter.Write(System.IO.Path.Combine(dir.Path, "train-labels-idx1-ubyte"), IdxFile.Create<byte>([5], new byte[5]));
        var e = Assert.Throws<IdxFormatException>(() => FashionMnist.Load(dir.Path));
        Assert.Contains("5 labels", e.Message);
        Assert.Contains("6 images", e.Message);
    }

    [Fact]
    public void Load_WrongElementType_Throws()
    {
        using var dir = new TempDir();
        dir.WriteSet("", false, 2, 2);
        IdxWriter.Write(System.IO.Path.Combine(dir.Path, "t10k-images-idx3-ubyte"), IdxFile.Create<float>([2, 4, 3], new float[24]));
        var e = Assert.Throws<IdxFormatException>(() => FashionMnist.Load(dir.Path));
        Assert.Contains("Float32", e.Message);
    }

    sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("fmnist").FullName;

        public void WriteSet(string suffix, bool dotted, int trainCount, int testCount)
        {
            Write("train", trainCount);
            Write("t10k", testCount);

            void Write(string prefix, int count)
            {
                var pixels = Enumerable.Range(0, count * 12).Select(i => (byte)(i * 37 % 256)).ToArray();
                pixels[0] = 255;
                var labels = Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray();
                string sep = dotted ? "." : "-";
                IdxWriter.Write(System.IO.Path.Combine(Path, $"{prefix}-images{sep}idx3-ubyte{suffix}"), IdxFile.Create<byte>([count, 4, 3], pixels));
                IdxWriter.Write(System.IO.Path.Combine(Path, $"{prefix}-labels{sep}idx1-ubyte{suffix}"), IdxFile.Create<byte>([count], labels));
            }
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}

public sealed class LabeledImageSetTests
{
    static LabeledImageSet Small() =>
        new("small", 1, 2, 3, [0f, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f], [0, 1, 2]);

    [Fact]
    public void Subset_ByCountAndIndices_CopiesTheRightRows()
    {
        var set = Small();
        var first = set.Subset(2);
        Assert.Equal(2, first.Count);
        Assert.Equal(new[] { 0f, 0.1f, 0.2f, 0.3f }, first.Pixels);
        var picked = set.Subset([2, 0, 2]);
        Assert.Equal(new byte[] { 2, 0, 2 }, picked.Labels);
        Assert.Equal(new[] { 0.4f, 0.5f, 0f, 0.1f, 0.4f, 0.5f }, picked.Pixels);
        Assert.Equal(["0", "1", "2"], picked.ClassNames);
        Assert.Throws<ArgumentOutOfRangeException>(() => set.Subset(4));
        Assert.Throws<ArgumentOutOfRangeException>(() => set.Subset([3]));
    }

    [Fact]
    public void Constructor_BadInput_ThrowsWithDetails()
    {
        Assert.Contains("label 3 of sample 1", Assert.Throws<ArgumentException>(() =>
            new LabeledImageSet("x", 1, 1, 3, [0f, 0f], [0, 3])).Message);
        Assert.Contains("need 4 pixels", Assert.Throws<ArgumentException>(() =>
            new LabeledImageSet("x", 1, 2, 3, [0f, 0f], [0, 1])).Message);
        Assert.Contains("pixel 0 of sample 1 is NaN", Assert.Throws<ArgumentException>(() =>
            new LabeledImageSet("x", 1, 1, 3, [0f, float.NaN], [0, 1])).Message);
        Assert.Contains("1.5", Assert.Throws<ArgumentException>(() =>
            new LabeledImageSet("x", 1, 1, 3, [1.5f], [0])).Message);
    }
}
