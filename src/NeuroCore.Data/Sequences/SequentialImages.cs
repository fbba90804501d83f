namespace NeuroCore.Data;

/// <summary>
/// Images read as sequences (sequential MNIST-style tasks): row-wise (T = H steps of the W pixels of a row) and
/// pixel-wise (T = H·W steps of one pixel, in raster order or in a fixed seeded permutation).
/// </summary>
public static class SequentialImages
{
    /// <summary>
    /// The seed of the fixed permutation of the permuted pixel-wise task (<c>psfmnist</c>): the order is
    /// <see cref="Permutation"/>(784, <see cref="DefaultPermutationSeed"/>), the same on every machine.
    /// </summary>
    public const ulong DefaultPermutationSeed = 0x5EED_0005UL;

    /// <summary>Row-wise: step t is row t of the image (T = H, F = W). The pixels are shared, not copied.</summary>
    public static SequenceSet RowWise(LabeledImageSet images, string task = "sfmnist-row")
    {
        ArgumentNullException.ThrowIfNull(images);
        return new SequenceSet(task, images, 1.0 / images.Classes);
    }

    /// <summary>
    /// Pixel-wise: step t is pixel t in raster order (T = H·W, F = 1), or pixel <c>permutation[t]</c> when a
    /// permutation is given.
    /// </summary>
    /// <exception cref="ArgumentException">The permutation is not a bijection of 0..H·W−1.</exception>
    public static SequenceSet PixelWise(LabeledImageSet images, IReadOnlyList<int>? permutation = null, string? task = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        int size = images.ImageSize;
        float[] pixels;
        if (permutation is null)
        {
            pixels = images.Pixels;
        }
        else
        {
            CheckBijection(permutation, size);
            pixels = new float[images.Pixels.Length];
            var src = images.Pixels.AsSpan();
            for (int n = 0; n < images.Count; n++)
            {
                var from = src.Slice(n * size, size);
                var to = pixels.AsSpan(n * size, size);
                for (int t = 0; t < size; t++) to[t] = from[permutation[t]];
            }
        }
        var set = new LabeledImageSet(images.Name + (permutation is null ? "/pixel" : "/permuted"), size, 1, images.Classes, pixels, images.Labels,
            images.ClassNames);
        return new SequenceSet(task ?? (permutation is null ? "sfmnist-pixel" : "psfmnist"), set, 1.0 / images.Classes, permutation);
    }

    /// <summary>
    /// A fixed permutation of 0..<paramref name="length"/>−1: a Fisher–Yates shuffle of the identity driven by
    /// <c>PhiloxGenerator(seed, 0)</c> (the same shuffle as <see cref="BatchIterator.Shuffle"/>).
    /// </summary>
    public static int[] Permutation(int length, ulong seed = DefaultPermutationSeed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var order = new int[length];
        for (int i = 0; i < length; i++) order[i] = i;
        BatchIterator.Shuffle(order, seed, 0);
        return order;
    }

    static void CheckBijection(IReadOnlyList<int> permutation, int size)
    {
        if (permutation.Count != size)
            throw new ArgumentException(
                $"SequentialImages.PixelWise: the permutation has {permutation.Count} entries but the images have {size} pixels; " +
                $"pass SequentialImages.Permutation({size}, seed).", nameof(permutation));
        var seen = new bool[size];
        for (int t = 0; t < size; t++)
        {
            int p = permutation[t];
            if ((uint)p >= (uint)size || seen[p])
                throw new ArgumentException(
                    $"SequentialImages.PixelWise: entry {t} of the permutation is {p}, " + ((uint)p >= (uint)size ? $"outside 0..{size - 1}" : "a repeat") +
                    $"; the permutation must hold every pixel index 0..{size - 1} once (use SequentialImages.Permutation).", nameof(permutation));
            seen[p] = true;
        }
    }
}
