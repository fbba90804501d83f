namespace NeuroCore.Data;

/// <summary>
/// <c>dvs-fmnist</c>: Fashion-MNIST seen by the emulated event camera (<see cref="DvsDataset"/>): three N-MNIST-like
/// saccades of each image on a 32×32 canvas, binned to T = 8 frames × 2 polarities, clipped at 1, cached on disk.
/// </summary>
public static class DvsFashionMnist
{
    /// <summary>The data-set name.</summary>
    public const string Name = "dvs-fmnist";

    /// <summary>The noise stream of training sample 0; test sample i uses <see cref="TestStreamBase"/> + i.</summary>
    public const ulong TrainStreamBase = 1;

    /// <summary>The noise stream of test sample 0.</summary>
    public const ulong TestStreamBase = 1 + (1UL << 32);

    /// <summary>
    /// The default cache directory: <c>$NEUROCORE_CACHE</c>, else <c>$XDG_CACHE_HOME/neurocore</c>, else
    /// <c>~/.cache/neurocore</c>.
    /// </summary>
    public static string DefaultCacheDirectory()
    {
        string? own = Environment.GetEnvironmentVariable("NEUROCORE_CACHE");
        if (!string.IsNullOrEmpty(own)) return own;
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string root = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "neurocore");
    }

    /// <summary>
    /// Loads Fashion-MNIST from <paramref name="dataDir"/>, keeps the first <paramref name="limitTrain"/> /
    /// <paramref name="limitTest"/> images (all when null) and returns their event-camera form, read from the cache in
    /// <paramref name="cacheDir"/> (default <see cref="DefaultCacheDirectory"/>) or built and cached.
    /// </summary>
    /// <exception cref="DatasetNotFoundException">Fashion-MNIST is missing.</exception>
    /// <exception cref="DvsCacheException">A cache file is malformed.</exception>
    public static DatasetSplit Load(string? dataDir = null, string? cacheDir = null, DvsDatasetOptions? options = null,
        int? limitTrain = null, int? limitTest = null, int threads = 1, IProgress<DvsBuildProgress>? progress = null)
    {
        var (train, test) = FashionMnist.Load(dataDir);
        return FromImages(new DatasetSplit(Limit(train, limitTrain), Limit(test, limitTest)), cacheDir, options, threads, progress);
    }

    /// <summary>The event-camera form of <paramref name="images"/>, cached in <paramref name="cacheDir"/> (null: no cache).</summary>
    public static DatasetSplit FromImages(DatasetSplit images, string? cacheDir, DvsDatasetOptions? options = null, int threads = 1,
        IProgress<DvsBuildProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(images.Train);
        ArgumentNullException.ThrowIfNull(images.Test);
        options ??= new DvsDatasetOptions();
        if (cacheDir is null)
        {
            return new DatasetSplit(
                DvsDataset.Convert(images.Train, options, TrainStreamBase, Name + "/train", threads, progress, "train"),
                DvsDataset.Convert(images.Test, options, TestStreamBase, Name + "/test", threads, progress, "test"));
        }
        return new DatasetSplit(
            DvsDataset.LoadOrBuild(images.Train, options, TrainStreamBase, Name + "/train", Path.Combine(cacheDir, Name + "-train.bin"), threads, progress, "train"),
            DvsDataset.LoadOrBuild(images.Test, options, TestStreamBase, Name + "/test", Path.Combine(cacheDir, Name + "-test.bin"), threads, progress, "test"));
    }

    static LabeledImageSet Limit(LabeledImageSet set, int? limit) =>
        limit is { } n && n < set.Count ? set.Subset(Math.Max(0, n)) : set;
}
