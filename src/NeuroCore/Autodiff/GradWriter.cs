using System.Numerics.Tensors;

namespace NeuroCore.Autodiff;

/// <summary>
/// A gradient contribution being written (from <see cref="Tape.BeginGrad"/>): fill <see cref="Span"/> completely,
/// then <see cref="Commit"/>. When the gradient buffer was new, <see cref="Span"/> IS the buffer and commit is free;
/// otherwise it is scratch that commit adds in.
/// </summary>
public readonly ref struct GradWriter
{
    readonly Span<float> _target;
    readonly bool _add;

    internal GradWriter(Span<float> span, Span<float> target, bool add)
    {
        Span = span;
        _target = target;
        _add = add;
    }

    /// <summary>Where to write the contribution (every element).</summary>
    public Span<float> Span { get; }

    /// <summary>Adds the contribution into the gradient (no-op when it was written in place).</summary>
    public void Commit()
    {
        if (_add) TensorPrimitives.Add(_target, Span, _target);
    }
}
