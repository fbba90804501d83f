using NeuroCore.Data;

namespace NeuroCore.Training.Tests;

/// <summary>Fashion-MNIST loaded once per test run (the package is installed in CI), and temp directories.</summary>
internal static class TestData
{
    static readonly Lazy<DatasetSplit> s_fashion = new(() => FashionMnist.Load());

    public static LabeledImageSet Train => s_fashion.Value.Train;
    public static LabeledImageSet Test => s_fashion.Value.Test;

    /// <summary>A fresh empty directory under the system temp directory.</summary>
    public static string NewDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "neurocore-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
