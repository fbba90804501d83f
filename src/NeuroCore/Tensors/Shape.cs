using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace NeuroCore;

/// <summary>
/// The dimensions of a row-major, contiguous float32 tensor (the last index varies fastest). Sequences are
/// time-first: <c>[T, B, ...]</c>. Immutable; up to 8 dimensions are stored inline, so a shape never allocates.
/// </summary>
public readonly struct Shape : IEquatable<Shape>
{
    /// <summary>The largest rank a shape can have.</summary>
    public const int MaxRank = 8;

    readonly DimBuffer _dims;

    /// <summary>The number of dimensions (0 for a scalar).</summary>
    public int Rank { get; }

    /// <summary>The number of elements: the product of the dimensions (1 for a scalar).</summary>
    public int Size { get; }

    /// <summary>Creates a shape from its dimensions; each must be ≥ 0 and the product must fit in an int.</summary>
    public Shape(params ReadOnlySpan<int> dims)
    {
        if (dims.Length > MaxRank)
            throw new ArgumentException($"Shape rank {dims.Length} exceeds the maximum of {MaxRank}.", nameof(dims));
        long size = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] < 0)
                throw new ArgumentException($"Shape dimension {i} is {dims[i]}; dimensions must be ≥ 0.", nameof(dims));
            size *= dims[i];
            if (size > int.MaxValue)
                throw new ArgumentException($"Shape [{string.Join(", ", dims.ToArray())}] has more than {int.MaxValue} elements.", nameof(dims));
            _dims[i] = dims[i];
        }
        Rank = dims.Length;
        Size = (int)size;
    }

    /// <summary>A scalar shape (rank 0, one element).</summary>
    public static Shape Scalar => new([]);

    /// <summary>Dimension <paramref name="axis"/>; negative axes count from the end.</summary>
    public int this[int axis] => _dims[NormalizeAxis(axis)];

    /// <summary>The dimensions as a span.</summary>
    [UnscopedRef]
    public ReadOnlySpan<int> Dims => ((ReadOnlySpan<int>)_dims)[..Rank];

    /// <summary>The dimensions as a new array.</summary>
    public int[] ToArray() => Dims.ToArray();

    /// <summary>Maps a possibly negative axis to 0..Rank-1, throwing a clear error when it is out of range.</summary>
    public int NormalizeAxis(int axis)
    {
        int a = axis < 0 ? axis + Rank : axis;
        if ((uint)a >= (uint)Rank)
            throw new ArgumentOutOfRangeException(nameof(axis), $"Axis {axis} is out of range for shape {this}.");
        return a;
    }

    /// <summary>The product of the dimensions from <paramref name="start"/> (inclusive) to <paramref name="end"/> (exclusive).</summary>
    public int SizeOf(int start, int end)
    {
        int s = 1;
        for (int i = start; i < end; i++) s *= _dims[i];
        return s;
    }

    /// <summary>A shape with dimension <paramref name="axis"/> replaced.</summary>
    public Shape With(int axis, int value)
    {
        Span<int> d = stackalloc int[MaxRank];
        Dims.CopyTo(d);
        d[NormalizeAxis(axis)] = value;
        return new Shape(d[..Rank]);
    }

    /// <inheritdoc/>
    public bool Equals(Shape other) => Rank == other.Rank && Dims.SequenceEqual(other.Dims);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Shape s && Equals(s);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (int d in Dims) h.Add(d);
        return h.ToHashCode();
    }

    /// <summary>Shape equality.</summary>
    public static bool operator ==(Shape left, Shape right) => left.Equals(right);

    /// <summary>Shape inequality.</summary>
    public static bool operator !=(Shape left, Shape right) => !left.Equals(right);

    /// <summary>Formats as <c>[2, 3, 4]</c>.</summary>
    public override string ToString() => "[" + string.Join(", ", Dims.ToArray()) + "]";

    [InlineArray(MaxRank)]
    struct DimBuffer
    {
        int _element0;
    }
}
