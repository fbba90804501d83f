namespace NeuroCore.Data;

/// <summary>
/// A sequence classification set: every sample is <see cref="Steps"/> time steps of <see cref="Features"/> values,
/// stored batch-major in <see cref="Samples"/> as a <see cref="LabeledImageSet"/> of height T and width F
/// (row t of sample n is its input at step t), so the shared <c>BatchIterator</c> and <c>Trainer</c> walk it
/// unchanged. A model turns a batch [B, T·F] into the time-major [T, B, F] its spiking layers expect with
/// <see cref="ToTimeMajor"/> (or the same transpose on its tape).
/// </summary>
public sealed class SequenceSet
{
    /// <summary>Wraps <paramref name="samples"/> (height = T, width = F) as a sequence set.</summary>
    /// <param name="task">The task's name (e.g. <c>sfmnist-row</c>, <c>recall</c>).</param>
    /// <param name="samples">N samples of T rows of F values.</param>
    /// <param name="chanceAccuracy">The accuracy of guessing (for reports).</param>
    /// <param name="permutation">The fixed pixel order of a permuted task (position t holds pixel permutation[t]), else null.</param>
    /// <param name="delay">The delay D of a recall task, else null.</param>
    public SequenceSet(string task, LabeledImageSet samples, double chanceAccuracy, IReadOnlyList<int>? permutation = null, int? delay = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(task);
        ArgumentNullException.ThrowIfNull(samples);
        if (!(chanceAccuracy > 0 && chanceAccuracy <= 1))
            throw new ArgumentOutOfRangeException(nameof(chanceAccuracy), chanceAccuracy, $"SequenceSet '{task}': chance accuracy must be in (0, 1].");
        Task = task;
        Samples = samples;
        ChanceAccuracy = chanceAccuracy;
        Permutation = permutation;
        Delay = delay;
    }

    /// <summary>The task's name.</summary>
    public string Task { get; }

    /// <summary>The samples, [N, T, F] as a <see cref="LabeledImageSet"/> of height T and width F.</summary>
    public LabeledImageSet Samples { get; }

    /// <summary>N, the number of sequences.</summary>
    public int Count => Samples.Count;

    /// <summary>T, the time steps per sequence.</summary>
    public int Steps => Samples.Height;

    /// <summary>F, the input features per step.</summary>
    public int Features => Samples.Width;

    /// <summary>The number of classes.</summary>
    public int Classes => Samples.Classes;

    /// <summary>The accuracy of guessing: 1 / classes for balanced labels.</summary>
    public double ChanceAccuracy { get; }

    /// <summary>The pixel order of a permuted task (step t shows pixel Permutation[t]), else null.</summary>
    public IReadOnlyList<int>? Permutation { get; }

    /// <summary>The recall delay D, else null.</summary>
    public int? Delay { get; }

    /// <summary>Sample <paramref name="index"/>'s inputs, T·F values, step after step.</summary>
    public ReadOnlySpan<float> Sequence(int index) => Samples.Image(index);

    /// <summary>The first <paramref name="count"/> sequences (a copy), or this set when it has no more.</summary>
    public SequenceSet Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return count >= Count ? this : new SequenceSet(Task, Samples.Subset(count), ChanceAccuracy, Permutation, Delay);
    }

    /// <summary>
    /// Copies a batch-major block [B, T, F] (<paramref name="batchMajor"/>) into time-major order [T, B, F]
    /// (<paramref name="timeMajor"/>): row t·B + b of the result is sample b at step t.
    /// </summary>
    /// <exception cref="ArgumentException">A span's length is not B·T·F.</exception>
    public static void ToTimeMajor(ReadOnlySpan<float> batchMajor, int batch, int steps, int features, Span<float> timeMajor)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(features);
        long size = (long)batch * steps * features;
        if (batchMajor.Length != size || timeMajor.Length != size)
            throw new ArgumentException(
                $"SequenceSet.ToTimeMajor: [B, T, F] = [{batch}, {steps}, {features}] needs {size} values in and out; got {batchMajor.Length} and {timeMajor.Length}.",
                nameof(batchMajor));
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < steps; t++)
                batchMajor.Slice(((b * steps) + t) * features, features).CopyTo(timeMajor.Slice(((t * batch) + b) * features, features));
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Task}: {Count} sequences of T = {Steps} × F = {Features}, {Classes} classes";
}
