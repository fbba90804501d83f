namespace NeuroCore;

/// <summary>
/// Holds every parameter of a model and its gradient in two contiguous buffers, so one fused optimizer pass
/// (DESIGN.md decision 10) covers all of them. Parameters are added while a model is built; each is a tensor
/// view into the value buffer whose <see cref="Tensor.Grad"/> is the matching view into the gradient buffer.
/// Non-trainable state that still belongs to the model (BatchNorm running statistics) lives beside them as
/// buffers: contiguous too, saved in checkpoints, never touched by an optimizer.
/// </summary>
public sealed class ParameterStore
{
    float[] _values = new float[1024];
    float[] _grads = new float[1024];
    readonly List<Tensor> _parameters = [];
    readonly Dictionary<string, Tensor> _byName = new(StringComparer.Ordinal);
    readonly List<int> _offsets = [];
    float[] _buffers = new float[256];
    readonly List<Tensor> _bufferList = [];
    readonly List<int> _bufferOffsets = [];

    /// <summary>The total number of scalar parameters.</summary>
    public int Count { get; private set; }

    /// <summary>The total number of scalar buffer values (non-trainable state).</summary>
    public int BufferCount { get; private set; }

    /// <summary>All parameter values, contiguous, in the order they were added.</summary>
    public Span<float> Values => _values.AsSpan(0, Count);

    /// <summary>All gradients, contiguous, aligned with <see cref="Values"/>.</summary>
    public Span<float> Grads => _grads.AsSpan(0, Count);

    /// <summary>The parameters in the order they were added.</summary>
    public IReadOnlyList<Tensor> Parameters => _parameters;

    /// <summary>All buffer values (non-trainable state), contiguous, in the order they were added.</summary>
    public Span<float> BufferValues => _buffers.AsSpan(0, BufferCount);

    /// <summary>The buffers (non-trainable tensors such as BatchNorm running statistics) in the order they were added.</summary>
    public IReadOnlyList<Tensor> Buffers => _bufferList;

    /// <summary>The offset of parameter <paramref name="index"/> within <see cref="Values"/>.</summary>
    public int OffsetOf(int index) => _offsets[index];

    /// <summary>Adds a zero-initialised parameter named <paramref name="name"/> (unique within the store).</summary>
    public Tensor Add(string name, Shape shape)
    {
        CheckNewName(name);
        int offset = Count;
        long needed = (long)offset + shape.Size;
        if (needed > Array.MaxLength)
            throw new InvalidOperationException($"Parameter '{name}' {shape} would exceed the store's maximum size.");
        if (needed > _values.Length) Grow((int)needed);
        var value = Tensor.Wrap(_values, shape, offset);
        value.Name = name;
        var grad = Tensor.Wrap(_grads, shape, offset);
        grad.Name = name + ".grad";
        value.AttachGrad(grad);
        _parameters.Add(value);
        _offsets.Add(offset);
        _byName.Add(name, value);
        Count = (int)needed;
        return value;
    }

    /// <summary>
    /// Adds a non-trainable buffer named <paramref name="name"/> (unique among parameters and buffers), filled
    /// with <paramref name="initialValue"/>. It has no gradient and optimizers never see it; checkpoints save it.
    /// Read its span at each use: the store may move the storage when it grows.
    /// </summary>
    public Tensor AddBuffer(string name, Shape shape, float initialValue = 0f)
    {
        CheckNewName(name);
        int offset = BufferCount;
        long needed = (long)offset + shape.Size;
        if (needed > Array.MaxLength)
            throw new InvalidOperationException($"Buffer '{name}' {shape} would exceed the store's maximum size.");
        if (needed > _buffers.Length) GrowBuffers((int)needed);
        var value = Tensor.Wrap(_buffers, shape, offset);
        value.Name = name;
        value.Span.Fill(initialValue);
        _bufferList.Add(value);
        _bufferOffsets.Add(offset);
        _byName.Add(name, value);
        BufferCount = (int)needed;
        return value;
    }

    /// <summary>The parameter or buffer named <paramref name="name"/>.</summary>
    public Tensor this[string name] =>
        _byName.TryGetValue(name, out var t) ? t
            : throw new KeyNotFoundException($"No parameter named '{name}'. Known: {string.Join(", ", _byName.Keys)}.");

    /// <summary>True when a parameter or buffer of that name exists.</summary>
    public bool TryGet(string name, out Tensor? tensor) => _byName.TryGetValue(name, out tensor);

    /// <summary>Sets every gradient to zero.</summary>
    public void ZeroGrad() => Grads.Clear();

    void CheckNewName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (_byName.ContainsKey(name))
            throw new ArgumentException($"A parameter or buffer named '{name}' is already in the store.", nameof(name));
    }

    void GrowBuffers(int needed)
    {
        int size = Math.Max(needed, (int)Math.Min(Array.MaxLength, (long)_buffers.Length * 2));
        var buffers = new float[size];
        _buffers.AsSpan(0, BufferCount).CopyTo(buffers);
        _buffers = buffers;
        for (int i = 0; i < _bufferList.Count; i++) _bufferList[i].Rebind(buffers, _bufferOffsets[i]);
    }

    void Grow(int needed)
    {
        int size = Math.Max(needed, (int)Math.Min(Array.MaxLength, (long)_values.Length * 2));
        var values = new float[size];
        var grads = new float[size];
        _values.AsSpan(0, Count).CopyTo(values);
        _grads.AsSpan(0, Count).CopyTo(grads);
        _values = values;
        _grads = grads;
        for (int i = 0; i < _parameters.Count; i++)
        {
            _parameters[i].Rebind(values, _offsets[i]);
            _parameters[i].Grad!.Rebind(grads, _offsets[i]);
        }
    }
}
