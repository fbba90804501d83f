namespace NeuroCore.Autodiff;

/// <summary>
/// One recorded op: its code, its inputs and output, what the backward needs saved, and small attributes.
/// A plain struct in a reused list, so recording allocates nothing (no closures, no per-entry objects).
/// </summary>
/// <remarks>
/// The meaning of <see cref="Saved0"/>, <see cref="Saved1"/>, the integer and float attributes is defined by each
/// op next to its forward. Tensors referenced here that the tape created are recycled on <see cref="Tape.Reset"/>.
/// </remarks>
public readonly struct TapeEntry
{
    /// <summary>Which op this is.</summary>
    public OpCode Op { get; init; }

    /// <summary>The op's output.</summary>
    public Tensor Output { get; init; }

    /// <summary>The first input.</summary>
    public Tensor? A { get; init; }

    /// <summary>The second input, if any.</summary>
    public Tensor? B { get; init; }

    /// <summary>The third input, if any (e.g. a bias).</summary>
    public Tensor? C { get; init; }

    /// <summary>A tensor the backward needs that is not an input or the output (e.g. softmax probabilities).</summary>
    public Tensor? Saved0 { get; init; }

    /// <summary>A second saved tensor.</summary>
    public Tensor? Saved1 { get; init; }

    /// <summary>Saved integers (e.g. labels, argmax indices), owned by the tape; see <see cref="Tape.AllocateInts"/>.</summary>
    public int[]? Ints { get; init; }

    /// <summary>Integer attribute 0 (e.g. an axis).</summary>
    public int I0 { get; init; }

    /// <summary>Integer attribute 1.</summary>
    public int I1 { get; init; }

    /// <summary>Integer attribute 2.</summary>
    public int I2 { get; init; }

    /// <summary>Integer attribute 3.</summary>
    public int I3 { get; init; }

    /// <summary>Float attribute 0 (e.g. a temperature).</summary>
    public float F0 { get; init; }

    /// <summary>Float attribute 1.</summary>
    public float F1 { get; init; }

    /// <summary>64-bit attribute 0 (e.g. an RNG seed).</summary>
    public ulong U0 { get; init; }

    /// <summary>64-bit attribute 1 (e.g. an RNG stream).</summary>
    public ulong U1 { get; init; }

    /// <summary>For <see cref="OpCode.Concat"/>: where this entry's inputs start in the tape's input list.</summary>
    public int ListStart { get; init; }

    /// <summary>For <see cref="OpCode.Concat"/>: how many inputs it has.</summary>
    public int ListCount { get; init; }

    /// <summary>For <see cref="OpCode.Custom"/>: the backward to run.</summary>
    public ICustomBackward? Custom { get; init; }
}
