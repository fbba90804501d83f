using NeuroCore.Data;

namespace NeuroCore.Cli;

/// <summary>The train and test sets a command runs on, and what to tell the user about the choice.</summary>
internal sealed record DataSelection(LabeledImageSet Train, LabeledImageSet Test, string Dataset, string? Note)
{
    /// <summary>
    /// Loads <paramref name="data"/> (auto, fmnist or builtin). <c>fmnist</c> fails with the data set's own
    /// message (naming the package and <c>--data-dir</c>) when the files are missing; <c>auto</c> falls back to the
    /// built-in shapes and says so. Limits keep the first N samples.
    /// </summary>
    public static DataSelection Load(string data, string? dataDir, int? limitTrain, int? limitTest)
    {
        DataSelection selection = data switch
        {
            "fmnist" => FashionMnistSelection(dataDir),
            "builtin" => BuiltinSelection(null),
            "auto" => TryFashionMnist(dataDir),
            _ => throw new ArgumentException($"Unknown data set '{data}': expected auto, fmnist or builtin.", nameof(data)),
        };
        return selection with
        {
            Train = Limit(selection.Train, limitTrain),
            Test = Limit(selection.Test, limitTest),
        };
    }

    static DataSelection TryFashionMnist(string? dataDir)
    {
        try
        {
            return FashionMnistSelection(dataDir);
        }
        catch (DatasetNotFoundException e)
        {
            return BuiltinSelection(
                $"Fashion-MNIST was not found in '{e.Directory}'; using the built-in procedural shapes instead " +
                $"(install it with `apt-get install {FashionMnist.DebianPackage}` or pass --data-dir).");
        }
    }

    static DataSelection FashionMnistSelection(string? dataDir)
    {
        var (train, test) = FashionMnist.Load(dataDir);
        return new DataSelection(train, test, "fashion-mnist", null);
    }

    static DataSelection BuiltinSelection(string? note)
    {
        var (train, test) = BuiltinShapes.LoadDefault();
        return new DataSelection(train, test, "builtin-shapes", note);
    }

    static LabeledImageSet Limit(LabeledImageSet set, int? limit) =>
        limit is { } n && n < set.Count ? set.Subset(n) : set;
}
