namespace NeuroCore.Data;

/// <summary>
/// One mini-batch from <see cref="BatchIterator.Current"/>: views of the iterator's reused buffers, valid until
/// its next <see cref="BatchIterator.MoveNext"/>.
/// </summary>
public readonly struct Batch
{
    readonly int[] _labels;

    internal Batch(int index, Tensor images, int[] labels, int count)
    {
        Index = index;
        Images = images;
        _labels = labels;
        Count = count;
    }

    /// <summary>The batch's position within its epoch.</summary>
    public int Index { get; }

    /// <summary>The images, [Count, 1, H, W] or [Count, H·W].</summary>
    public Tensor Images { get; }

    /// <summary>The number of images (<see cref="BatchIterator.BatchSize"/>, or fewer for the last batch).</summary>
    public int Count { get; }

    /// <summary>The class labels, <see cref="Count"/> values.</summary>
    public ReadOnlySpan<int> Labels => _labels.AsSpan(0, Count);
}
