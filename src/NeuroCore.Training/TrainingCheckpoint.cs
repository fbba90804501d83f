using System.Globalization;
using NeuroCore.Checkpoints;
using NeuroCore.Nn;

namespace NeuroCore.Training;

/// <summary>
/// The per-epoch checkpoints of a training run: <c>epoch-NNNN.safetensors</c> files in one directory, each holding
/// every parameter and buffer, the optimizer state and the <see cref="TrainingState"/> in its metadata. Files are
/// written atomically (temp file, flush, rename) by <see cref="Checkpoint.Save"/>, so an interrupted or diverged
/// run leaves the earlier checkpoints intact.
/// </summary>
public static class TrainingCheckpoint
{
    /// <summary>The name of the model description file beside the checkpoints.</summary>
    public const string DescriptionFileName = "model.json";

    const string Prefix = "epoch-";
    const string Extension = ".safetensors";
    const string EpochKey = "trainer.epoch";
    const string StepKey = "trainer.step";
    const string SeedKey = "trainer.seed";
    const string DropoutKeyPrefix = "trainer.dropout_calls.";

    /// <summary>The path of the checkpoint for <paramref name="epoch"/> in <paramref name="directory"/>.</summary>
    public static string PathFor(string directory, int epoch) =>
        Path.Combine(directory, $"{Prefix}{epoch.ToString("D4", CultureInfo.InvariantCulture)}{Extension}");

    /// <summary>
    /// Writes the checkpoint of <paramref name="state"/>.Epoch: the store, the optimizer state, the training state and
    /// the mask counter of every <see cref="Dropout"/> layer in <paramref name="model"/>. Returns its path.
    /// </summary>
    public static string Save(string directory, TrainingState state, ParameterStore store, IOptimizer optimizer, IModule? model = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        string path = PathFor(directory, state.Epoch);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [EpochKey] = state.Epoch.ToString(CultureInfo.InvariantCulture),
            [StepKey] = state.Step.ToString(CultureInfo.InvariantCulture),
            [SeedKey] = state.Seed.ToString(CultureInfo.InvariantCulture),
        };
        if (model is not null)
            foreach (var dropout in Dropouts(model))
                metadata[DropoutKeyPrefix + dropout.Name] = dropout.Calls.ToString(CultureInfo.InvariantCulture);
        Checkpoint.Save(path, store, optimizer, metadata);
        return path;
    }

    /// <summary>
    /// The checkpoint with the highest epoch in <paramref name="directory"/>, or null when there is none (or the
    /// directory does not exist).
    /// </summary>
    public static string? FindLatest(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory)) return null;
        string? best = null;
        int bestEpoch = 0;
        foreach (string path in Directory.EnumerateFiles(directory, Prefix + "*" + Extension))
        {
            string stem = Path.GetFileNameWithoutExtension(path)[Prefix.Length..];
            if (int.TryParse(stem, NumberStyles.None, CultureInfo.InvariantCulture, out int epoch) && epoch > bestEpoch)
                (best, bestEpoch) = (path, epoch);
        }
        return best;
    }

    /// <summary>
    /// Loads <paramref name="path"/> into <paramref name="store"/> and, when given, <paramref name="optimizer"/> and
    /// the dropout mask counters of <paramref name="model"/>; returns the training state recorded with it.
    /// </summary>
    /// <exception cref="CheckpointFormatException">The file is malformed or lacks the trainer's metadata.</exception>
    /// <exception cref="InvalidOperationException">The file does not fit this model or optimizer.</exception>
    public static TrainingState Load(string path, ParameterStore store, IOptimizer? optimizer = null, IModule? model = null)
    {
        var metadata = Checkpoint.Load(path, store, optimizer);
        string name = Path.GetFileName(path);
        if (model is not null)
            foreach (var dropout in Dropouts(model))
                dropout.Calls = (ulong)ReadNumber(metadata, DropoutKeyPrefix + dropout.Name, name, long.MaxValue);
        return StateOf(metadata, name);
    }

    /// <summary>
    /// The training state recorded in the checkpoint at <paramref name="path"/>, read without loading it into a model
    /// (e.g. to learn the seed a model must be rebuilt with before its weights are loaded).
    /// </summary>
    /// <exception cref="CheckpointFormatException">The file is malformed or lacks the trainer's metadata.</exception>
    public static TrainingState ReadState(string path) => StateOf(Safetensors.Read(path).Metadata, Path.GetFileName(path));

    static TrainingState StateOf(IReadOnlyDictionary<string, string> metadata, string name) => new(
        (int)ReadNumber(metadata, EpochKey, name, int.MaxValue),
        ReadNumber(metadata, StepKey, name, long.MaxValue),
        ulong.Parse(Require(metadata, SeedKey, name), NumberStyles.None, CultureInfo.InvariantCulture));

    /// <summary>The dropout layers of <paramref name="model"/> in forward order (nested sequentials included).</summary>
    static IEnumerable<Dropout> Dropouts(IModule model)
    {
        if (model is Dropout d) yield return d;
        else if (model is Sequential s)
            foreach (var layer in s.Layers)
                foreach (var inner in Dropouts(layer))
                    yield return inner;
    }

    static long ReadNumber(IReadOnlyDictionary<string, string> metadata, string key, string name, long max)
    {
        string text = Require(metadata, key, name);
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value) || value > max)
            throw new CheckpointFormatException(name, 8, $"metadata '{key}' is '{text}'; expected a non-negative integer.");
        return value;
    }

    static string Require(IReadOnlyDictionary<string, string> metadata, string key, string name)
    {
        if (metadata.TryGetValue(key, out var text) && text.Length > 0 && text.All(char.IsAsciiDigit)) return text;
        throw new CheckpointFormatException(name, 8,
            $"metadata '{key}' is missing or not a number; expected the training state written by TrainingCheckpoint.Save.");
    }
}
