namespace NeuroCore.Data;

/// <summary>
/// Fashion-MNIST (Xiao, Rasul and Vollgraf 2017): 60000 training and 10000 test 28×28 grey images of 10 kinds of
/// clothing, stored as four IDX files. Debian ships them in the package <c>dataset-fashion-mnist</c>.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where the Debian package <c>dataset-fashion-mnist</c> installs the files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The Debian package that provides the files.</summary>
    public const string DebianPackage = "dataset-fashion-mnist";

    /// <summary>The ten class names, by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The standard file stems; each may also be ".gz" compressed or use a dot before "idx".</summary>
    static readonly string[] s_stems = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    /// <summary>True when all four files are present in <paramref name="dataDir"/> (default <see cref="DefaultDirectory"/>).</summary>
    public static bool IsAvailable(string? dataDir = null)
    {
        string dir = dataDir ?? DefaultDirectory;
        return s_stems.All(stem => Find(dir, stem) is not null);
    }

    /// <summary>
    /// Loads the training and test sets from <paramref name="dataDir"/> (default <see cref="DefaultDirectory"/>),
    /// accepting the standard file names with or without ".gz". Pixels are scaled to [0, 1].
    /// </summary>
    /// <exception cref="DatasetNotFoundException">A file is missing; the message names the directory, the package and --data-dir.</exception>
    /// <exception cref="IdxFormatException">A file is corrupt, has the wrong type or shape, a label is out of range, or counts disagree.</exception>
    public static DatasetSplit Load(string? dataDir = null)
    {
        string dir = dataDir ?? DefaultDirectory;
        var paths = s_stems.Select(stem => Find(dir, stem)).ToArray();
        var missing = s_stems.Where((_, i) => paths[i] is null).Select(stem => stem + "[.gz]").ToArray();
        if (missing.Length > 0)
        {
            string where = Directory.Exists(dir) ? $"'{dir}'" : $"'{dir}' (the directory does not exist)";
            throw new DatasetNotFoundException(
                $"Fashion-MNIST was not found in {where}; missing: {string.Join(", ", missing)}. " +
                $"Install it with `sudo apt-get install {DebianPackage}` (files go to {DefaultDirectory}), " +
                "or pass --data-dir pointing at a directory that holds the four IDX files (raw or .gz).",
                dir, missing);
        }
        var train = LoadPair(paths[0]!, paths[1]!, "fashion-mnist/train");
        var test = LoadPair(paths[2]!, paths[3]!, "fashion-mnist/test");
        if (train.Height != test.Height || train.Width != test.Width)
            throw new IdxFormatException(paths[2]!, 8, $"test images are {test.Height}×{test.Width} but training images are {train.Height}×{train.Width}.");
        return new DatasetSplit(train, test);
    }

    static string? Find(string dir, string stem)
    {
        string dotted = stem.Replace("-idx", ".idx", StringComparison.Ordinal);
        foreach (string name in (ReadOnlySpan<string>)[stem, stem + ".gz", dotted, dotted + ".gz"])
        {
            string path = Path.Combine(dir, name);
            if (File.Exists(path)) return path;
        }
        return null;
    }

    /// <summary>Reads one images file and its labels file and checks that they fit together.</summary>
    internal static LabeledImageSet LoadPair(string imagesPath, string labelsPath, string name)
    {
        var images = IdxReader.Read(imagesPath);
        if (images.DataType != IdxDataType.UInt8 || images.Rank != 3)
            throw new IdxFormatException(imagesPath, 2, $"expected unsigned-byte images with 3 dimensions [N, H, W] but found {images.DataType} with {images.Rank} dimension(s).");
        int count = images.Dimensions[0], height = images.Dimensions[1], width = images.Dimensions[2];
        if (height == 0 || width == 0)
            throw new IdxFormatException(imagesPath, 8, $"expected non-empty images but they are {height}×{width}.");

        var labels = IdxReader.Read(labelsPath);
        if (labels.DataType != IdxDataType.UInt8 || labels.Rank != 1)
            throw new IdxFormatException(labelsPath, 2, $"expected unsigned-byte labels with 1 dimension [N] but found {labels.DataType} with {labels.Rank} dimension(s).");
        if (labels.Length != count)
            throw new IdxFormatException(labelsPath, 4, $"it holds {labels.Length} labels but '{imagesPath}' holds {count} images; the two files must come from the same set.");

        var labelBytes = labels.AsSpan<byte>().ToArray();
        for (int i = 0; i < labelBytes.Length; i++)
        {
            if (labelBytes[i] >= ClassNames.Count)
                throw new IdxFormatException(labelsPath, 8 + i, $"label {i} is {labelBytes[i]}; Fashion-MNIST labels are 0..{ClassNames.Count - 1}.");
        }

        // Divide rather than multiply by 1/255 so that 255 maps to exactly 1.
        var raw = images.AsSpan<byte>();
        var pixels = new float[raw.Length];
        for (int i = 0; i < raw.Length; i++) pixels[i] = raw[i] / 255f;
        return new LabeledImageSet(name, height, width, ClassNames.Count, pixels, labelBytes, ClassNames);
    }
}
