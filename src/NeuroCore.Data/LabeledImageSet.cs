namespace NeuroCore.Data;

/// <summary>
/// A classification set of single-channel images: <see cref="Pixels"/> holds <see cref="Count"/> images of
/// <see cref="Height"/>×<see cref="Width"/> floats in [0, 1], row-major [N, H, W]; <see cref="Labels"/> holds
/// one class index per image, each below <see cref="Classes"/>.
/// </summary>
public sealed class LabeledImageSet
{
    readonly string[] _classNames;

    /// <summary>
    /// Wraps <paramref name="pixels"/> and <paramref name="labels"/> (taking ownership, no copy) after checking
    /// that the sizes agree, every label is below <paramref name="classes"/> and every pixel is in [0, 1].
    /// </summary>
    /// <param name="name">A short name for messages and reports (e.g. "fashion-mnist/train").</param>
    /// <param name="height">Image height in pixels.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="classes">The number of classes.</param>
    /// <param name="pixels">N·H·W values in [0, 1], row-major [N, H, W].</param>
    /// <param name="labels">N class indices.</param>
    /// <param name="classNames">One name per class, or null for "0", "1", ...</param>
    public LabeledImageSet(string name, int height, int width, int classes, float[] pixels, byte[] labels, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (classes is < 1 or > 256)
            throw new ArgumentOutOfRangeException(nameof(classes), classes, $"LabeledImageSet '{name}': classes must be 1..256 (labels are bytes).");
        if ((long)labels.Length * height * width != pixels.Length)
            throw new ArgumentException($"LabeledImageSet '{name}': {labels.Length} labels of {height}×{width} images need {(long)labels.Length * height * width} pixels; got {pixels.Length}.", nameof(pixels));
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= classes)
                throw new ArgumentException($"LabeledImageSet '{name}': label {labels[i]} of sample {i} is not below the class count {classes}.", nameof(labels));
        }
        for (int i = 0; i < pixels.Length; i++)
        {
            // Written so that NaN fails too.
            if (!(pixels[i] >= 0f && pixels[i] <= 1f))
                throw new ArgumentException($"LabeledImageSet '{name}': pixel {i % (height * width)} of sample {i / (height * width)} is {pixels[i]}; pixels must be in [0, 1].", nameof(pixels));
        }
        if (classNames is not null && classNames.Count != classes)
            throw new ArgumentException($"LabeledImageSet '{name}': {classNames.Count} class names for {classes} classes.", nameof(classNames));

        Name = name;
        Height = height;
        Width = width;
        Classes = classes;
        Pixels = pixels;
        Labels = labels;
        _classNames = classNames?.ToArray() ?? Enumerable.Range(0, classes).Select(c => c.ToString()).ToArray();
    }

    /// <summary>A short name for messages and reports.</summary>
    public string Name { get; }

    /// <summary>The number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>Pixels per image (<see cref="Height"/>·<see cref="Width"/>).</summary>
    public int ImageSize => Height * Width;

    /// <summary>The number of classes.</summary>
    public int Classes { get; }

    /// <summary>One human-readable name per class.</summary>
    public IReadOnlyList<string> ClassNames => _classNames;

    /// <summary>All images, row-major [N, H, W], values in [0, 1]. Shared, not copied: treat as read-only.</summary>
    public float[] Pixels { get; }

    /// <summary>One class index per image. Shared, not copied: treat as read-only.</summary>
    public byte[] Labels { get; }

    /// <summary>The pixels of image <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Image(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return Pixels.AsSpan(index * ImageSize, ImageSize);
    }

    /// <summary>How many images each class has.</summary>
    public int[] CountPerClass()
    {
        var counts = new int[Classes];
        foreach (byte label in Labels) counts[label]++;
        return counts;
    }

    /// <summary>A copy of the first <paramref name="count"/> images.</summary>
    public LabeledImageSet Subset(int count)
    {
        if (count < 0 || count > Count)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"LabeledImageSet '{Name}'.Subset: count must be 0..{Count}.");
        return new LabeledImageSet($"{Name}[..{count}]", Height, Width, Classes,
            Pixels.AsSpan(0, count * ImageSize).ToArray(), Labels.AsSpan(0, count).ToArray(), _classNames);
    }

    /// <summary>A copy of the images at <paramref name="indices"/>, in that order (repeats allowed).</summary>
    public LabeledImageSet Subset(ReadOnlySpan<int> indices)
    {
        var pixels = new float[(long)indices.Length * ImageSize];
        var labels = new byte[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            int j = indices[i];
            if ((uint)j >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(indices), j, $"LabeledImageSet '{Name}'.Subset: index {i} is {j}; indices must be 0..{Count - 1}.");
            Pixels.AsSpan(j * ImageSize, ImageSize).CopyTo(pixels.AsSpan(i * ImageSize));
            labels[i] = Labels[j];
        }
        return new LabeledImageSet($"{Name}[subset of {indices.Length}]", Height, Width, Classes, pixels, labels, _classNames);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {Count} images {Height}×{Width}, {Classes} classes";
}
