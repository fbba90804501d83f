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

/// <summary>
/// The work <see cref="FixedPartition.RunChunks"/> runs: like <see cref="IRangeBody"/>, but told which of the call's
/// threads runs the chunk, so it can use per-thread scratch (slot <c>worker</c> of a buffer with one slot per thread)
/// while the chunks themselves are more than the threads and claimed in any order.
/// </summary>
public interface IWorkerRangeBody
{
    /// <summary>Processes the items <paramref name="start"/> (inclusive) to <paramref name="limit"/> (exclusive).</summary>
    /// <param name="worker">The thread running this chunk, 0 to threads − 1 (0 is the calling thread); no two chunks
    /// run at the same time with the same worker index.</param>
    /// <param name="start">First item of the chunk.</param>
    /// <param name="limit">One past the last item of the chunk.</param>
    void Invoke(int worker, int start, int limit);
}
