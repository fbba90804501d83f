namespace NeuroCore.Data;

/// <summary>
/// The sequence tasks by name: <c>sfmnist-row</c> (T = 28, F = 28), <c>sfmnist-pixel</c> (T = 784, F = 1),
/// <c>psfmnist</c> (pixel-wise in the fixed order <see cref="SequentialImages.Permutation"/>(784,
/// <see cref="SequentialImages.DefaultPermutationSeed"/>)) and <c>recall</c> (<see cref="DelayedRecall"/>).
/// </summary>
public static class SequenceTasks
{
    /// <summary>The task names, in the order the command line lists them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["sfmnist-row", "sfmnist-pixel", "psfmnist", "recall"];

    /// <summary>True for the tasks read from an image set (all but <c>recall</c>).</summary>
    /// <exception cref="ArgumentException">The task name is unknown.</exception>
    public static bool UsesImages(string task) => task switch
    {
        "sfmnist-row" or "sfmnist-pixel" or "psfmnist" => true,
        "recall" => false,
        _ => throw Unknown(task),
    };

    /// <summary>Reads an image split as the sequences of <paramref name="task"/> (one of the image tasks).</summary>
    /// <exception cref="ArgumentException">The task is unknown or is <c>recall</c> (use <see cref="DelayedRecall.Generate"/>).</exception>
    public static (SequenceSet Train, SequenceSet Test) FromImages(string task, DatasetSplit images)
    {
        ArgumentNullException.ThrowIfNull(images.Train);
        ArgumentNullException.ThrowIfNull(images.Test);
        switch (task)
        {
            case "sfmnist-row":
                return (SequentialImages.RowWise(images.Train, task), SequentialImages.RowWise(images.Test, task));
            case "sfmnist-pixel":
                return (SequentialImages.PixelWise(images.Train, null, task), SequentialImages.PixelWise(images.Test, null, task));
            case "psfmnist":
                var order = SequentialImages.Permutation(images.Train.ImageSize);
                return (SequentialImages.PixelWise(images.Train, order, task), SequentialImages.PixelWise(images.Test, order, task));
            case "recall":
                throw new ArgumentException("SequenceTasks.FromImages: 'recall' is synthetic and reads no images; generate it with DelayedRecall.Generate.", nameof(task));
            default:
                throw Unknown(task);
        }
    }

    static ArgumentException Unknown(string task) =>
        new($"Unknown sequence task '{task}': expected one of {string.Join(", ", Names)}.", nameof(task));
}
