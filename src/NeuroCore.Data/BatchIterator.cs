using System.Buffers;
using NeuroCore.Kernels;

namespace NeuroCore.Data;

/// <summary>
/// Walks a <see cref="LabeledImageSet"/> in mini-batches, in a fresh seeded order each epoch, copying each batch
/// into reused buffers (rented from the shared pool, returned on <see cref="Dispose"/>): no allocation per batch.
/// </summary>
/// <remarks>
/// The order of epoch <c>e</c> is a Fisher–Yates shuffle of 0..N−1 driven by <c>PhiloxGenerator(seed, e)</c>,
/// starting from the identity each time, so it depends only on (seed, e, N): a resumed run sees the same batches.
/// The last batch of an epoch may be smaller than <see cref="BatchSize"/>; with <c>dropLast</c> it is skipped.
/// Typical use:
/// <code>
/// using var batches = new BatchIterator(train, 64, seed, BatchLayout.Flat);
/// for (int epoch = 0; epoch &lt; epochs; epoch++)
/// {
///     batches.StartEpoch(epoch);
///     while (batches.MoveNext()) Step(batches.Current.Images, batches.Current.Labels);
/// }
/// </code>
/// </remarks>
public sealed class BatchIterator : IDisposable
{
    readonly int[] _order;
    float[] _images;
    int[] _labels;
    readonly Tensor _fullBatch;
    readonly Tensor? _lastBatch;
    int _next;
    bool _disposed;
    int _current = -1;

    /// <summary>Creates an iterator positioned before the first batch of epoch 0.</summary>
    /// <param name="set">The images to iterate.</param>
    /// <param name="batchSize">Images per batch (the last batch may be smaller).</param>
    /// <param name="seed">The shuffle seed; epoch e uses Philox stream e.</param>
    /// <param name="layout">[B, 1, H, W] or [B, H·W] batches.</param>
    /// <param name="shuffle">False keeps the set's order in every epoch (for evaluation).</param>
    /// <param name="dropLast">True skips a final batch smaller than <paramref name="batchSize"/>.</param>
    public BatchIterator(LabeledImageSet set, int batchSize, ulong seed, BatchLayout layout = BatchLayout.Image, bool shuffle = true, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (!Enum.IsDefined(layout)) throw new ArgumentOutOfRangeException(nameof(layout), layout, "BatchIterator: layout must be Image or Flat.");
        Set = set;
        BatchSize = batchSize;
        Seed = seed;
        Layout = layout;
        IsShuffled = shuffle;
        DropLast = dropLast;
        _order = new int[set.Count];
        if ((long)batchSize * set.ImageSize > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"BatchIterator: {batchSize} images of {set.ImageSize} pixels do not fit in one buffer.");
        _images = ArrayPool<float>.Shared.Rent(batchSize * set.ImageSize);
        _labels = ArrayPool<int>.Shared.Rent(batchSize);
        _fullBatch = Tensor.Wrap(_images, BatchShape(batchSize));
        int remainder = set.Count % batchSize;
        if (remainder != 0 && !dropLast) _lastBatch = Tensor.Wrap(_images, BatchShape(remainder));
        StartEpoch(0);
    }

    /// <summary>The images being iterated.</summary>
    public LabeledImageSet Set { get; }

    /// <summary>Images per full batch.</summary>
    public int BatchSize { get; }

    /// <summary>The shuffle seed.</summary>
    public ulong Seed { get; }

    /// <summary>The batch layout.</summary>
    public BatchLayout Layout { get; }

    /// <summary>True when each epoch is shuffled.</summary>
    public bool IsShuffled { get; }

    /// <summary>True when a final short batch is skipped.</summary>
    public bool DropLast { get; }

    /// <summary>The current epoch (set by <see cref="StartEpoch"/>).</summary>
    public int Epoch { get; private set; }

    /// <summary>Batches per epoch: ⌈N / B⌉, or ⌊N / B⌋ with <see cref="DropLast"/>.</summary>
    public int BatchesPerEpoch => DropLast ? Set.Count / BatchSize : (Set.Count + BatchSize - 1) / BatchSize;

    /// <summary>The sample order of the current epoch (a permutation of 0..N−1).</summary>
    public ReadOnlySpan<int> Order => _order;

    /// <summary>The index within the epoch of the current batch, or -1 before the first <see cref="MoveNext"/>.</summary>
    public int BatchIndex => _current;

    /// <summary>The number of images in the current batch.</summary>
    public int Count => _current < 0 ? 0 : RowsIn(_current);

    /// <summary>
    /// The current batch's images, [Count, 1, H, W] or [Count, H·W]. The tensor wraps the iterator's own buffer:
    /// the next <see cref="MoveNext"/> overwrites it, and disposing it releases nothing.
    /// </summary>
    public Tensor Images
    {
        get
        {
            if (_current < 0) throw new InvalidOperationException("BatchIterator: call MoveNext() before reading Images.");
            return RowsIn(_current) == BatchSize ? _fullBatch : _lastBatch!;
        }
    }

    /// <summary>The current batch's labels (Count values), overwritten by the next <see cref="MoveNext"/>.</summary>
    public ReadOnlySpan<int> Labels => _labels.AsSpan(0, Count);

    /// <summary>The current batch (images, labels, count); valid until the next <see cref="MoveNext"/>.</summary>
    public Batch Current => new(_current, Images, _labels, Count);

    /// <summary>Starts epoch <paramref name="epoch"/>: computes its order and rewinds before its first batch.</summary>
    public void StartEpoch(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ObjectDisposedException.ThrowIf(_disposed, this);
        Epoch = epoch;
        for (int i = 0; i < _order.Length; i++) _order[i] = i;
        if (IsShuffled) Shuffle(_order, Seed, (ulong)epoch);
        _next = 0;
        _current = -1;
    }

    /// <summary>Copies the next batch into <see cref="Images"/> and <see cref="Labels"/>; false at the end of the epoch.</summary>
    public bool MoveNext()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_next >= BatchesPerEpoch)
        {
            _current = -1;
            return false;
        }
        _current = _next++;
        int rows = RowsIn(_current);
        CopyBatch(_current, _images.AsSpan(0, rows * Set.ImageSize), _labels.AsSpan(0, rows));
        return true;
    }

    /// <summary>Returns the batch buffers to the pool; tensors from <see cref="Images"/> must not be used afterwards.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        ArrayPool<float>.Shared.Return(_images);
        ArrayPool<int>.Shared.Return(_labels);
        _images = [];
        _labels = [];
        _current = -1;
    }

    /// <summary>
    /// Copies batch <paramref name="batch"/> of the current epoch into a caller's tensor, [B, 1, H, W] or [B, H·W]
    /// with B ≥ the batch's rows, and its labels into <paramref name="labels"/>. Rows past the batch are zeroed
    /// and their labels set to -1, so a short last batch cannot pass stale samples off as real ones.
    /// </summary>
    /// <returns>The number of real rows copied.</returns>
    public int CopyBatch(int batch, Tensor images, Span<int> labels)
    {
        ArgumentNullException.ThrowIfNull(images);
        var s = images.Shape;
        bool fits = (s.Rank == 4 && s[1] == 1 && s[2] == Set.Height && s[3] == Set.Width) || (s.Rank == 2 && s[1] == Set.ImageSize);
        if (!fits)
            throw new ArgumentException(
                $"BatchIterator.CopyBatch: images tensor has shape {s}; expected [B, 1, {Set.Height}, {Set.Width}] or [B, {Set.ImageSize}] for '{Set.Name}'.", nameof(images));
        return CopyBatch(batch, images.Span, labels);
    }

    /// <summary>
    /// Copies batch <paramref name="batch"/> of the current epoch into <paramref name="images"/> (rows of H·W floats)
    /// and <paramref name="labels"/>; rows and labels past the batch are zeroed and set to -1.
    /// </summary>
    /// <returns>The number of real rows copied.</returns>
    public int CopyBatch(int batch, Span<float> images, Span<int> labels)
    {
        if ((uint)batch >= (uint)BatchesPerEpoch)
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"BatchIterator.CopyBatch: batch must be 0..{BatchesPerEpoch - 1} ({Set.Count} images in batches of {BatchSize}).");
        int rows = RowsIn(batch), size = Set.ImageSize;
        int capacity = images.Length / size;
        if (capacity < rows || images.Length % size != 0)
            throw new ArgumentException($"BatchIterator.CopyBatch: images buffer holds {images.Length} floats; batch {batch} needs {rows} rows of {size} (a whole number of rows).", nameof(images));
        if (labels.Length < rows)
            throw new ArgumentException($"BatchIterator.CopyBatch: labels buffer holds {labels.Length} values; batch {batch} needs {rows}.", nameof(labels));

        var pixels = Set.Pixels.AsSpan();
        int start = batch * BatchSize;
        for (int r = 0; r < rows; r++)
        {
            int sample = _order[start + r];
            pixels.Slice(sample * size, size).CopyTo(images.Slice(r * size, size));
            labels[r] = Set.Labels[sample];
        }
        images[(rows * size)..].Clear();
        labels[rows..].Fill(-1);
        return rows;
    }

    /// <summary>
    /// Fisher–Yates shuffle of <paramref name="values"/> in place, drawing j ∈ [0, i] unbiased from
    /// <c>PhiloxGenerator(seed, stream)</c> for i = n−1 down to 1.
    /// </summary>
    public static void Shuffle(Span<int> values, ulong seed, ulong stream)
    {
        var rng = new PhiloxGenerator(seed, stream);
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = rng.NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    int RowsIn(int batch) => Math.Min(BatchSize, Set.Count - batch * BatchSize);

    Shape BatchShape(int rows) => Layout == BatchLayout.Image ? new Shape(rows, 1, Set.Height, Set.Width) : new Shape(rows, Set.ImageSize);
}
