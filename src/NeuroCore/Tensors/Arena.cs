using System.Numerics;

namespace NeuroCore;

/// <summary>
/// A step arena (DESIGN.md decision 10): arrays are rented in power-of-two sizes and all come back at once on
/// <see cref="ReleaseAll"/>. Unlike the shared <see cref="System.Buffers.ArrayPool{T}"/> it never drops an array,
/// so after the first step a training loop of fixed shapes allocates nothing.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
internal sealed class Arena<T>
{
    // Bucket b holds arrays of length 2^b; 31 buckets cover every int length.
    readonly Stack<T[]>[] _free = new Stack<T[]>[32];
    readonly List<T[]> _inUse = [];

    /// <summary>The total length of the arrays currently rented (for diagnostics and tests).</summary>
    public long RentedLength { get; private set; }

    /// <summary>An array of length ≥ <paramref name="minimumLength"/> whose contents are unspecified.</summary>
    public T[] Rent(int minimumLength)
    {
        if (minimumLength <= 0) return [];
        int bucket = BitOperations.Log2(BitOperations.RoundUpToPowerOf2((uint)minimumLength));
        var stack = _free[bucket];
        T[] array = stack is { Count: > 0 } ? stack.Pop() : new T[Math.Min(1L << bucket, Array.MaxLength)];
        _inUse.Add(array);
        RentedLength += array.Length;
        return array;
    }

    /// <summary>Takes back every rented array; callers must no longer use them.</summary>
    public void ReleaseAll()
    {
        foreach (var array in _inUse)
        {
            int bucket = BitOperations.Log2(BitOperations.RoundUpToPowerOf2((uint)array.Length));
            (_free[bucket] ??= new Stack<T[]>()).Push(array);
        }
        _inUse.Clear();
        RentedLength = 0;
    }
}
