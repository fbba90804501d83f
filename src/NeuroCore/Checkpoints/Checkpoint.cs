using System.Globalization;
using System.Text.Json;
using NeuroCore.Nn;

namespace NeuroCore.Checkpoints;

/// <summary>
/// Saves and loads a model's state: every parameter and buffer of a <see cref="ParameterStore"/> (by name) and,
/// optionally, an optimizer's state, in one safetensors file; plus the JSON <see cref="ModelDescription"/> beside it.
/// Every write goes to a temporary file that is flushed and renamed.
/// </summary>
public static class Checkpoint
{
    /// <summary>The name prefix of optimizer buffers inside the safetensors file.</summary>
    public const string OptimizerPrefix = "optimizer.";

    const string KindKey = "optimizer.kind";
    const string StepKey = "optimizer.step";
    const string LearningRateKey = "optimizer.lr";
    const string FormatKey = "format";

    /// <summary>The largest model description file accepted (16 MiB).</summary>
    public const int MaxDescriptionLength = 16 << 20;

    /// <summary>
    /// Writes the store's parameters and buffers (and the optimizer's state when given) to <paramref name="path"/>,
    /// with <paramref name="metadata"/> in the safetensors <c>__metadata__</c>.
    /// </summary>
    public static void Save(string path, ParameterStore store, IOptimizer? optimizer = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        var tensors = new List<TensorRecord>(store.Parameters.Count + store.Buffers.Count + 2);
        foreach (var p in store.Parameters) tensors.Add(new TensorRecord(p.Name!, p.Shape, p.Memory));
        foreach (var b in store.Buffers) tensors.Add(new TensorRecord(b.Name!, b.Shape, b.Memory));
        var meta = new Dictionary<string, string>(StringComparer.Ordinal) { [FormatKey] = "pt" };
        if (metadata is not null)
            foreach (var (k, v) in metadata) meta[k] = v;
        if (optimizer is not null)
        {
            var state = optimizer.SaveState();
            meta[KindKey] = state.Kind;
            meta[StepKey] = state.StepCount.ToString(CultureInfo.InvariantCulture);
            meta[LearningRateKey] = state.LearningRate.ToString("R", CultureInfo.InvariantCulture);
            foreach (var (name, buffer) in state.Buffers.OrderBy(static kv => kv.Key, StringComparer.Ordinal))
                tensors.Add(new TensorRecord(OptimizerPrefix + name, new Shape(buffer.Length), buffer));
        }
        Safetensors.Write(path, tensors, meta);
    }

    /// <summary>
    /// Loads <paramref name="path"/> into <paramref name="store"/> (every parameter and buffer must be present with the
    /// same shape, and nothing else but optimizer state may be in the file) and, when given, into <paramref name="optimizer"/>.
    /// Returns the file's metadata.
    /// </summary>
    /// <exception cref="CheckpointFormatException">The file is malformed.</exception>
    /// <exception cref="InvalidOperationException">The file is well formed but does not fit this model or optimizer.</exception>
    public static IReadOnlyDictionary<string, string> Load(string path, ParameterStore store, IOptimizer? optimizer = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        var file = Safetensors.Read(path);
        string name = Path.GetFileName(path);
        int expected = 0;
        foreach (var t in store.Parameters.Concat(store.Buffers))
        {
            if (!file.TryGet(t.Name!, out var record))
                throw new InvalidOperationException($"Checkpoint '{name}' has no tensor '{t.Name}' {t.Shape}; it was saved from a different model.");
            if (record.Shape != t.Shape)
                throw new InvalidOperationException($"Checkpoint '{name}' stores '{t.Name}' with shape {record.Shape}; the model expects {t.Shape}.");
            expected++;
        }
        int modelTensors = file.Tensors.Count(static t => !t.Name.StartsWith(OptimizerPrefix, StringComparison.Ordinal));
        if (modelTensors != expected)
        {
            var extra = file.Tensors.Select(static t => t.Name)
                .Where(n => !n.StartsWith(OptimizerPrefix, StringComparison.Ordinal) && !store.TryGet(n, out _));
            throw new InvalidOperationException($"Checkpoint '{name}' holds tensors the model lacks: {string.Join(", ", extra)}.");
        }
        OptimizerState? state = optimizer is null ? null : ReadOptimizerState(file, name, store.Count);
        // Everything matched: only now overwrite the model.
        foreach (var t in store.Parameters.Concat(store.Buffers))
        {
            file.TryGet(t.Name!, out var record);
            record.Data.Span.CopyTo(t.Span);
        }
        if (state is not null) optimizer!.LoadState(state);
        return file.Metadata;
    }

    static OptimizerState ReadOptimizerState(SafetensorsFile file, string name, int parameterCount)
    {
        if (!file.Metadata.TryGetValue(KindKey, out var kind)
            || !file.Metadata.TryGetValue(StepKey, out var stepText)
            || !file.Metadata.TryGetValue(LearningRateKey, out var lrText))
            throw new InvalidOperationException($"Checkpoint '{name}' holds no optimizer state; save it with the optimizer to resume training.");
        if (!int.TryParse(stepText, NumberStyles.None, CultureInfo.InvariantCulture, out int step)
            || !float.TryParse(lrText, NumberStyles.Float, CultureInfo.InvariantCulture, out float lr))
            throw new InvalidOperationException($"Checkpoint '{name}' has unreadable optimizer metadata (step '{stepText}', lr '{lrText}').");
        var state = new OptimizerState(kind, step, lr);
        foreach (var t in file.Tensors)
        {
            if (!t.Name.StartsWith(OptimizerPrefix, StringComparison.Ordinal)) continue;
            if (t.Shape.Rank != 1 || t.Shape.Size != parameterCount)
                throw new InvalidOperationException($"Checkpoint '{name}' optimizer buffer '{t.Name}' has shape {t.Shape}; expected [{parameterCount}].");
            state.Buffers[t.Name[OptimizerPrefix.Length..]] = t.Data.ToArray();
        }
        return state;
    }

    /// <summary>Writes <paramref name="description"/> as indented JSON to <paramref name="path"/> atomically.</summary>
    public static void SaveDescription(string path, ModelDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(description, CheckpointJsonContext.Default.ModelDescription);
        AtomicFile.Write(path, json, static (stream, bytes) => stream.Write(bytes));
    }

    /// <summary>Reads and validates a model description written by <see cref="SaveDescription"/>.</summary>
    /// <exception cref="CheckpointFormatException">The file is not a valid model description.</exception>
    public static ModelDescription LoadDescription(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string name = Path.GetFileName(path);
        long length = new FileInfo(path).Length;
        if (length > MaxDescriptionLength)
            throw new CheckpointFormatException(name, 0, $"the description is {length} bytes; expected at most {MaxDescriptionLength}.");
        return ParseDescription(File.ReadAllBytes(path), name);
    }

    /// <summary>Parses and validates model description JSON; <paramref name="fileName"/> names it in errors.</summary>
    /// <exception cref="CheckpointFormatException">The bytes are not a valid model description.</exception>
    public static ModelDescription ParseDescription(ReadOnlySpan<byte> json, string fileName)
    {
        ModelDescription? d;
        try
        {
            d = JsonSerializer.Deserialize(json, CheckpointJsonContext.Default.ModelDescription);
        }
        catch (JsonException ex)
        {
            long offset = LineOffset(json, ex.LineNumber ?? 0) + (ex.BytePositionInLine ?? 0);
            throw new CheckpointFormatException(fileName, offset, $"not a valid model description ({ex.Message}); expected the JSON written by Checkpoint.SaveDescription.", ex);
        }
        if (d is null)
            throw new CheckpointFormatException(fileName, 0, "the description is JSON null; expected an object.");
        if (d.Format != "neurocore-model")
            throw new CheckpointFormatException(fileName, 0, $"format is \"{d.Format}\"; expected \"neurocore-model\".");
        if (d.Version < 1 || d.Version > ModelDescription.CurrentVersion)
            throw new CheckpointFormatException(fileName, 0, $"version {d.Version} is not supported; expected 1..{ModelDescription.CurrentVersion} (upgrade NeuroCore to read newer files).");
        if (d.InputShape is null || d.InputShape.Length is 0 or > Shape.MaxRank - 1 || d.InputShape.Any(static x => x <= 0))
            throw new CheckpointFormatException(fileName, 0, "input_shape is missing or invalid; expected 1 to 7 positive dimensions.");
        if (d.Classes <= 0)
            throw new CheckpointFormatException(fileName, 0, $"classes is {d.Classes}; expected a positive count.");
        if (d.Layers is null || d.Layers.Any(static l => l is null || string.IsNullOrEmpty(l.Type)))
            throw new CheckpointFormatException(fileName, 0, "layers is missing or has a layer without a type; expected a list of typed layers.");
        d.Metadata ??= [];
        return d;
    }

    static long LineOffset(ReadOnlySpan<byte> json, long line)
    {
        long offset = 0;
        for (long l = 0; l < line && offset < json.Length; offset++)
            if (json[(int)offset] == (byte)'\n') l++;
        return offset;
    }
}
