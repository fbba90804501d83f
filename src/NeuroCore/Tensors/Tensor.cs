using System.Buffers;

namespace NeuroCore;

/// <summary>
/// A contiguous, row-major float32 tensor. Its storage is either pooled (rented from <see cref="ArrayPool{T}"/>
/// and returned on <see cref="Dispose"/>), borrowed (a caller's array or a slice of a <see cref="ParameterStore"/>),
/// or a view that shares another tensor's storage under a different shape.
/// </summary>
/// <remarks>
/// Tensors carry no autodiff state of their own beyond <see cref="Grad"/>, which parameters point into their
/// store's contiguous gradient buffer; everything else about differentiation lives on the explicit <c>Tape</c>.
/// </remarks>
public sealed class Tensor : IDisposable
{
    float[] _array;
    int _offset;
    bool _pooled;
    bool _disposed;
    bool _ownsGrad;

    Tensor(float[] array, int offset, Shape shape, bool pooled)
    {
        _array = array;
        _offset = offset;
        Shape = shape;
        _pooled = pooled;
    }

    /// <summary>The dimensions of this tensor.</summary>
    public Shape Shape { get; private set; }

    /// <summary>The number of elements.</summary>
    public int Size => Shape.Size;

    /// <summary>An optional name (parameters carry their checkpoint name here).</summary>
    public string? Name { get; set; }

    /// <summary>
    /// The gradient accumulator for this tensor when it is a leaf that wants one (a parameter), else null.
    /// The tape adds into it during <c>Backward</c>.
    /// </summary>
    public Tensor? Grad { get; internal set; }

    /// <summary>True when backward should produce a gradient for this tensor.</summary>
    public bool RequiresGrad { get; internal set; }

    /// <summary>The elements, row-major.</summary>
    public Span<float> Span
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _array.AsSpan(_offset, Shape.Size);
        }
    }

    /// <summary>The elements as <see cref="Memory{T}"/> (for work that crosses an await or a thread).</summary>
    public Memory<float> Memory
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _array.AsMemory(_offset, Shape.Size);
        }
    }

    /// <summary>A new zero-filled tensor whose storage is rented from the shared pool.</summary>
    public static Tensor Zeros(Shape shape)
    {
        var t = Uninitialized(shape);
        t.Span.Clear();
        return t;
    }

    /// <summary>A new tensor whose contents are unspecified (pooled storage); the caller overwrites every element.</summary>
    public static Tensor Uninitialized(Shape shape)
    {
        float[] array = shape.Size == 0 ? [] : ArrayPool<float>.Shared.Rent(shape.Size);
        return new Tensor(array, 0, shape, pooled: shape.Size != 0);
    }

    /// <summary>A new tensor holding a copy of <paramref name="data"/>.</summary>
    public static Tensor From(ReadOnlySpan<float> data, Shape shape)
    {
        if (data.Length != shape.Size)
            throw new ArgumentException($"Tensor.From: {data.Length} values do not fill shape {shape} ({shape.Size} elements).", nameof(data));
        var t = Uninitialized(shape);
        data.CopyTo(t.Span);
        return t;
    }

    /// <summary>A new tensor filled with <paramref name="value"/>.</summary>
    public static Tensor Full(Shape shape, float value)
    {
        var t = Uninitialized(shape);
        t.Span.Fill(value);
        return t;
    }

    /// <summary>Wraps <paramref name="array"/> from <paramref name="offset"/> without copying; the caller keeps ownership.</summary>
    public static Tensor Wrap(float[] array, Shape shape, int offset = 0)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (offset < 0 || (long)offset + shape.Size > array.Length)
            throw new ArgumentException($"Tensor.Wrap: shape {shape} at offset {offset} does not fit in an array of {array.Length}.", nameof(array));
        return new Tensor(array, offset, shape, pooled: false);
    }

    /// <summary>
    /// A view with a new shape of the same size that shares this tensor's storage. Disposing a view does not
    /// release the storage; the original owns it.
    /// </summary>
    public Tensor View(Shape shape)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (shape.Size != Shape.Size)
            throw new ArgumentException($"Tensor.View: cannot view shape {Shape} ({Shape.Size} elements) as {shape} ({shape.Size} elements).", nameof(shape));
        return new Tensor(_array, _offset, shape, pooled: false) { Name = Name };
    }

    /// <summary>A new pooled tensor with a copy of this one's contents.</summary>
    public Tensor Clone() => From(Span, Shape);

    /// <summary>The contents as a new array.</summary>
    public float[] ToArray() => Span.ToArray();

    /// <summary>The single value of a one-element tensor.</summary>
    public float Item()
    {
        if (Shape.Size != 1)
            throw new InvalidOperationException($"Item() needs a one-element tensor; this one has shape {Shape}.");
        return Span[0];
    }

    /// <summary>Points this tensor at new storage (used by <see cref="ParameterStore"/> when it grows its buffer).</summary>
    internal void Rebind(float[] array, int offset)
    {
        _array = array;
        _offset = offset;
        _pooled = false;
    }

    /// <summary>Marks this tensor as a leaf that accumulates its gradient into <paramref name="grad"/>.</summary>
    internal void AttachGrad(Tensor grad)
    {
        Grad = grad;
        RequiresGrad = true;
    }

    /// <summary>
    /// Makes this tensor a leaf that accumulates a gradient: attaches a zero-filled pooled <see cref="Grad"/> of the
    /// same shape (unless one is attached already) and sets <see cref="RequiresGrad"/>. Returns this tensor.
    /// </summary>
    /// <remarks>Parameters get their gradient from their <see cref="ParameterStore"/>; use this for other leaves,
    /// such as an input whose gradient you want (saliency maps, gradient checks).</remarks>
    public Tensor RequireGrad()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Grad is null)
        {
            AttachGrad(Zeros(Shape));
            _ownsGrad = true;
        }
        RequiresGrad = true;
        return this;
    }

    /// <summary>The backing array (shared with views and, for parameters, with the store).</summary>
    internal float[] Storage => _array;

    /// <summary>Where this tensor's first element sits in <see cref="Storage"/>.</summary>
    internal int StorageOffset => _offset;

    /// <summary>The tape that created this tensor (and will recycle it on <c>Reset</c>), or null.</summary>
    internal Autodiff.Tape? Owner { get; private set; }

    /// <summary>This tensor's gradient slot on <see cref="Owner"/>, or -1 when it has none.</summary>
    internal int Slot { get; set; } = -1;

    /// <summary>A tensor object for a tape to hand out; its storage is the tape's (never returned to the shared pool).</summary>
    internal static Tensor ForTape(Autodiff.Tape owner, float[] array, int offset, Shape shape) =>
        new(array, offset, shape, pooled: false) { Owner = owner };

    /// <summary>Re-initialises a retired tape tensor for reuse, so steady-state steps allocate no tensor objects.</summary>
    internal void Revive(float[] array, int offset, Shape shape)
    {
        _array = array;
        _offset = offset;
        Shape = shape;
        _pooled = false;
        _disposed = false;
        Name = null;
        Grad = null;
        RequiresGrad = false;
        _ownsGrad = false;
        Slot = -1;
    }

    /// <summary>Marks a tape tensor as released; using it afterwards throws <see cref="ObjectDisposedException"/> until revived.</summary>
    internal void Retire()
    {
        if (_ownsGrad) Grad?.Dispose();
        _disposed = true;
        _array = [];
        Slot = -1;
    }

    /// <summary>
    /// Returns pooled storage to the pool (and the gradient that <see cref="RequireGrad"/> attached). Views and
    /// wrapped tensors release nothing.
    /// </summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_ownsGrad) Grad?.Dispose();
        if (_pooled) ArrayPool<float>.Shared.Return(_array);
        _array = [];
    }

    /// <inheritdoc/>
    public override string ToString() => $"Tensor{Shape}{(Name is null ? "" : " " + Name)}";
}
