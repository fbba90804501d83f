using NeuroCore.Data;
using NeuroCore.Training;
using NeuroCore.Training.Methods.CeLif;

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

    /// <summary>
    /// The test set a loaded model is evaluated on: the image test set of <paramref name="data"/>, or for a sequence
    /// classifier (<c>train celif</c>, architecture <c>snn-seq</c>) its task's test sequences: the image task read from
    /// <paramref name="data"/>, or the delayed-recall test set regenerated from the training seed and delay, so
    /// evaluation reproduces the trainer's test figure.
    /// </summary>
    /// <exception cref="ArgumentException">The model's description names no task, or an unknown one.</exception>
    public static (LabeledImageSet Test, string Dataset, string? Note) TestFor(TrainedModel loaded, string data, string? dataDir, int? limitTest)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        var description = loaded.Description;
        if (description.Architecture != SequenceClassifier.Architecture)
        {
            var images = Load(data, dataDir, limitTrain: 1, limitTest);
            return (images.Test, images.Dataset, images.Note);
        }
        if (!description.Metadata.TryGetValue(CeLifMethod.TaskKey, out string? task))
            throw new ArgumentException($"The model.json of this {SequenceClassifier.Architecture} model names no task ('{CeLifMethod.TaskKey}'); retrain it with `neurocore train celif --out DIR`.");
        if (task == "recall")
        {
            int delay = description.Metadata.TryGetValue(CeLifMethod.DelayKey, out string? d) && int.TryParse(d, System.Globalization.CultureInfo.InvariantCulture, out int v) ? v
                : throw new ArgumentException($"The model.json of this recall model has no valid '{CeLifMethod.DelayKey}'; retrain it with `neurocore train celif --out DIR`.");
            var (_, test) = DelayedRecall.Generate(1, limitTest ?? TrainCelifSettings.DefaultRecallTest, delay, loaded.State.Seed);
            return (test.Samples, $"delayed-recall(D={delay})", null);
        }
        var selection = Load(data, dataDir, limitTrain: 1, limitTest);
        var (_, sequences) = SequenceTasks.FromImages(task, new DatasetSplit(selection.Train, selection.Test));
        return (sequences.Samples, $"{selection.Dataset}/{task}", selection.Note);
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
