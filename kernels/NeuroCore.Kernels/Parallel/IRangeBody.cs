namespace NeuroCore.Kernels.Parallel;

/// <summary>
/// The work <see cref="FixedPartition"/> runs: a struct whose <see cref="Invoke"/> processes one contiguous chunk
/// [start, limit) of a range. Being a struct used as a generic argument, the call is devirtualised and inlined, and
/// handing it to the workers allocates nothing.
/// </summary>
public interface IRangeBody
{
    /// <summary>Processes the items <paramref name="start"/> (inclusive) to <paramref name="limit"/> (exclusive).</summary>
    /// <param name="start">First item of the chunk.</param>
    /// <param name="limit">One past the last item of the chunk.</param>
    void Invoke(int start, int limit);
}
