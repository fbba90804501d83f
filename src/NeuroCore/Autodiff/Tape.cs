using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace NeuroCore.Autodiff;

/// <summary>
/// An explicit reverse-mode autodiff tape (a Wengert list of <see cref="TapeEntry"/> structs). Ops in
/// <see cref="Ops"/> take the tape first; when it <see cref="IsRecording"/> and an input needs a gradient they
/// append an entry. <see cref="Backward(Tensor)"/> walks the entries in reverse and dispatches on
/// <see cref="OpCode"/> to each op's backward. There is no global tape: inference passes
/// <c>new Tape(recording: false)</c> and pays one branch per op.
/// </summary>
/// <remarks>
/// <para>The tape owns every tensor an op creates on it (outputs, saved intermediates, intermediate gradients).
/// Their storage comes from a step arena and their objects are recycled, so after the first step a loop of fixed
/// shapes allocates almost nothing managed. <see cref="Reset"/> releases them all at once: a tensor returned by an
/// op is valid until the next <see cref="Reset"/> (<see cref="Tensor.Clone"/> it to keep it longer).</para>
/// <para>Gradients of leaves that <see cref="Tensor.RequiresGrad"/> (parameters, or tensors marked with
/// <see cref="Tensor.RequireGrad"/>) are ADDED into <see cref="Tensor.Grad"/>; zero them per step
/// (<see cref="ParameterStore.ZeroGrad"/>). A tape is used by one thread at a time; <see cref="Threads"/> is
/// handed to the kernels (GEMM), whose results do not depend on it.</para>
/// </remarks>
public sealed partial class Tape : IDisposable
{
    readonly Arena<float> _floats = new();
    readonly Arena<int> _ints = new();
    readonly List<TapeEntry> _entries = [];
    readonly List<Tensor> _handedOut = [];
    readonly Stack<Tensor> _spare = new();
    readonly List<Tensor?> _grads = [];
    readonly List<Tensor> _list = [];
    float[] _scratch = [];
    bool _backwardDone;
    bool _disposed;

    /// <summary>Creates a tape.</summary>
    /// <param name="recording">False for inference: ops record nothing and <see cref="Backward(Tensor)"/> is unavailable.</param>
    /// <param name="threads">Threads the kernels may use (≥ 1); results are identical for any count.</param>
    public Tape(bool recording = true, int threads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        IsRecording = recording;
        Threads = threads;
    }

    /// <summary>True when ops append entries for <see cref="Backward(Tensor)"/>.</summary>
    public bool IsRecording { get; }

    /// <summary>How many threads the kernels may use.</summary>
    public int Threads { get; }

    /// <summary>The recorded entries, oldest first (valid until the next record or <see cref="Reset"/>).</summary>
    public ReadOnlySpan<TapeEntry> Entries => CollectionsMarshal.AsSpan(_entries);

    /// <summary>The float elements currently held by the tape's arena (outputs, saved tensors, gradients).</summary>
    public long ArenaLength => _floats.RentedLength;

    // ---- storage for op authors ----

    /// <summary>A new tape-owned tensor with unspecified contents (the op overwrites every element).</summary>
    public Tensor Allocate(Shape shape)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Adopt(_floats.Rent(shape.Size), 0, shape);
    }

    /// <summary>A new tape-owned zero-filled tensor.</summary>
    public Tensor AllocateZeros(Shape shape)
    {
        var t = Allocate(shape);
        t.Span.Clear();
        return t;
    }

    /// <summary>A tape-owned tensor that shares <paramref name="source"/>'s storage under another shape of equal size.</summary>
    public Tensor View(Tensor source, Shape shape)
    {
        ArgumentNullException.ThrowIfNull(source);
        ObjectDisposedException.ThrowIf(_disposed, this);
        _ = source.Span; // throws if source is disposed
        if (shape.Size != source.Size)
            throw new ArgumentException($"Tape.View: cannot view shape {source.Shape} ({source.Size} elements) as {shape} ({shape.Size} elements).", nameof(shape));
        return Adopt(source.Storage, source.StorageOffset, shape);
    }

    /// <summary>A tape-owned int array of length ≥ <paramref name="count"/> (for saved labels or argmax indices).</summary>
    public int[] AllocateInts(int count)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return _ints.Rent(count);
    }

    Tensor Adopt(float[] array, int offset, Shape shape)
    {
        Tensor t;
        if (_spare.Count > 0)
        {
            t = _spare.Pop();
            t.Revive(array, offset, shape);
        }
        else
        {
            t = Tensor.ForTape(this, array, offset, shape);
        }
        _handedOut.Add(t);
        return t;
    }

    // ---- recording ----

    /// <summary>True when backward must produce a gradient for <paramref name="t"/>: a leaf that requires one, or a recorded output.</summary>
    public bool NeedsGrad(Tensor? t) => t is not null && ((t.Slot >= 0 && t.Owner == this) || t.RequiresGrad);

    /// <summary>True when an op over these inputs should be recorded (recording, and some input needs a gradient).</summary>
    public bool ShouldRecord(Tensor a, Tensor? b = null, Tensor? c = null) =>
        IsRecording && (NeedsGrad(a) || NeedsGrad(b) || NeedsGrad(c));

    /// <summary>True when an op over any of <paramref name="inputs"/> should be recorded.</summary>
    public bool ShouldRecord(ReadOnlySpan<Tensor> inputs)
    {
        if (!IsRecording) return false;
        foreach (var t in inputs)
            if (NeedsGrad(t)) return true;
        return false;
    }

    /// <summary>Appends an entry; its output (which must have been created by this tape) gets a gradient slot.</summary>
    public void Record(in TapeEntry entry)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!IsRecording)
            throw new InvalidOperationException("Tape.Record: this tape was created with recording: false.");
        if (_backwardDone)
            throw new InvalidOperationException("Tape.Record: Backward has already run on this tape; call Reset() before recording the next step.");
        var output = entry.Output ?? throw new ArgumentException("Tape.Record: the entry has no output.", nameof(entry));
        if (output.Owner != this)
            throw new ArgumentException($"Tape.Record ({entry.Op}): the output must be allocated by this tape (Allocate/View).", nameof(entry));
        if (output.Slot < 0)
        {
            output.Slot = _grads.Count;
            _grads.Add(null);
        }
        _entries.Add(entry);
    }

    /// <summary>Stores a variable-length input list (e.g. for concat); returns its start for <see cref="TapeEntry.ListStart"/>.</summary>
    public int RecordList(ReadOnlySpan<Tensor> tensors)
    {
        int start = _list.Count;
        foreach (var t in tensors) _list.Add(t);
        return start;
    }

    /// <summary>Item <paramref name="index"/> of the stored input lists.</summary>
    public Tensor ListItem(int index) => _list[index];

    // ---- gradients ----

    /// <summary>
    /// The gradient of <paramref name="t"/> after <see cref="Backward(Tensor)"/>: a recorded tensor's (tape-owned,
    /// valid until <see cref="Reset"/>), a leaf's <see cref="Tensor.Grad"/>, or null when none flowed to it.
    /// </summary>
    public Tensor? GradOf(Tensor t)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (t.Owner == this && t.Slot >= 0) return _grads[t.Slot];
        return t.RequiresGrad ? t.Grad : null;
    }

    /// <summary>
    /// The gradient buffer of <paramref name="t"/> for an op's backward to accumulate into, as
    /// <c>grad = contribution + beta·grad</c>: <paramref name="beta"/> is 0 when the buffer was just created
    /// (its contents are unspecified and must be overwritten) and 1 when it already holds a gradient.
    /// Suited to GEMM (pass beta through); elementwise backwards use <see cref="BeginGrad"/>.
    /// </summary>
    public Span<float> GradAccumulator(Tensor t, out float beta)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (t.Owner == this && t.Slot >= 0)
        {
            var g = _grads[t.Slot];
            if (g is null)
            {
                _grads[t.Slot] = g = Allocate(t.Shape);
                beta = 0f;
            }
            else
            {
                beta = 1f;
            }
            return g.Span;
        }
        if (t.RequiresGrad && t.Grad is not null)
        {
            beta = 1f;
            return t.Grad.Span;
        }
        throw new InvalidOperationException($"Tape: {t} does not need a gradient; check NeedsGrad before writing one.");
    }

    /// <summary>
    /// Makes <paramref name="storage"/> the gradient buffer of <paramref name="t"/> when no gradient has flowed to
    /// <paramref name="t"/> yet, instead of allocating a new one; the caller then writes every element of it (as
    /// with <see cref="GradAccumulator"/> at beta 0). For an op whose backward no longer needs a saved tensor of the
    /// input's size once it starts writing the input's gradient (LIF's saved membrane): the gradient takes that memory
    /// instead of another buffer of the activation's size. Returns false, changing nothing, when <paramref name="t"/>
    /// already has a gradient, is not an output recorded on this tape, or <paramref name="storage"/> is not a
    /// tape-owned tensor of the same size.
    /// </summary>
    /// <param name="t">The recorded tensor that is to receive a gradient.</param>
    /// <param name="storage">A tape-owned tensor (an op's saved tensor) that nothing reads after this backward.</param>
    public bool TryAdoptGrad(Tensor t, Tensor storage)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(storage);
        if (t.Owner != this || t.Slot < 0 || _grads[t.Slot] is not null || storage.Owner != this || storage.Size != t.Size)
            return false;
        _grads[t.Slot] = View(storage, t.Shape);
        return true;
    }

    /// <summary>The gradient buffer of <paramref name="t"/>, zero-filled if new, for backwards that scatter-add into it.</summary>
    public Span<float> GradSum(Tensor t)
    {
        var g = GradAccumulator(t, out float beta);
        if (beta == 0f) g.Clear();
        return g;
    }

    /// <summary>
    /// Starts writing a full gradient contribution for <paramref name="t"/>: write every element of
    /// <see cref="GradWriter.Span"/>, then call <see cref="GradWriter.Commit"/>, which adds it to what is there.
    /// One writer at a time per tape (they share a scratch buffer).
    /// </summary>
    public GradWriter BeginGrad(Tensor t)
    {
        var acc = GradAccumulator(t, out float beta);
        if (beta == 0f) return new GradWriter(acc, default, add: false);
        if (_scratch.Length < acc.Length) _scratch = new float[Math.Max(acc.Length, _scratch.Length * 2)];
        return new GradWriter(_scratch.AsSpan(0, acc.Length), acc, add: true);
    }

    /// <summary>Runs backward from <paramref name="loss"/>, seeding dL/dloss = 1 for every element.</summary>
    /// <remarks>A non-scalar <paramref name="loss"/> behaves like the sum of its elements.</remarks>
    public void Backward(Tensor loss) => Backward(loss, default, seedOnes: true);

    /// <summary>Runs backward from <paramref name="output"/> with the given output gradient (same size as the output).</summary>
    public void Backward(Tensor output, ReadOnlySpan<float> outputGrad) => Backward(output, outputGrad, seedOnes: false);

    void Backward(Tensor output, ReadOnlySpan<float> seed, bool seedOnes)
    {
        ArgumentNullException.ThrowIfNull(output);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!IsRecording)
            throw new InvalidOperationException("Tape.Backward: this tape was created with recording: false; use new Tape() to train.");
        if (_backwardDone)
            throw new InvalidOperationException("Tape.Backward: Backward has already run on this tape; call Reset() and record the step again.");
        if (output.Owner != this || output.Slot < 0)
            throw new InvalidOperationException($"Tape.Backward: {output} was not recorded on this tape, so nothing it depends on requires a gradient (are the parameters in a ParameterStore, or marked with RequireGrad?).");
        if (!seedOnes && seed.Length != output.Size)
            throw new ArgumentException($"Tape.Backward: the output gradient has {seed.Length} values but the output {output.Shape} has {output.Size}.", nameof(output));
        _backwardDone = true;
        var g = GradAccumulator(output, out float beta);
        if (seedOnes)
        {
            if (beta == 0f) g.Fill(1f);
            else TensorPrimitives.Add(g, 1f, g);
        }
        else if (beta == 0f)
        {
            seed.CopyTo(g);
        }
        else
        {
            TensorPrimitives.Add(g, seed, g);
        }

        for (int i = _entries.Count - 1; i >= 0; i--)
        {
            ref readonly var e = ref CollectionsMarshal.AsSpan(_entries)[i];
            if (_grads[e.Output.Slot] is null) continue; // nothing flowed into this output
            Dispatch(in e);
        }
    }

    /// <summary>
    /// Releases everything the tape created (outputs, saved tensors, gradients) and forgets the entries, keeping
    /// capacity so the next step records without allocating. Leaf gradients are kept.
    /// </summary>
    public void Reset()
    {
        foreach (var t in _handedOut)
        {
            t.Retire();
            _spare.Push(t);
        }
        _handedOut.Clear();
        _entries.Clear();
        _grads.Clear();
        _list.Clear();
        _floats.ReleaseAll();
        _ints.ReleaseAll();
        _backwardDone = false;
    }

    /// <summary>Releases everything the tape created; the tape cannot be used afterwards.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        Reset();
        _disposed = true;
    }
}
