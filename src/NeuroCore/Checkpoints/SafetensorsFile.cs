namespace NeuroCore.Checkpoints;

/// <summary>The validated contents of a safetensors file: its tensors in data order and its string metadata.</summary>
public sealed class SafetensorsFile
{
    readonly Dictionary<string, TensorRecord> _byName;

    internal SafetensorsFile(List<TensorRecord> tensors, Dictionary<string, string> metadata)
    {
        Tensors = tensors;
        Metadata = metadata;
        _byName = new Dictionary<string, TensorRecord>(tensors.Count, StringComparer.Ordinal);
        foreach (var t in tensors) _byName.Add(t.Name, t);
    }

    /// <summary>The tensors, ordered by their position in the data section.</summary>
    public IReadOnlyList<TensorRecord> Tensors { get; }

    /// <summary>The <c>__metadata__</c> map (empty when the file has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Looks a tensor up by name.</summary>
    public bool TryGet(string name, out TensorRecord tensor) => _byName.TryGetValue(name, out tensor);
}
