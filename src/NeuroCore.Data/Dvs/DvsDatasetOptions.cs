namespace NeuroCore.Data;

/// <summary>
/// How an event-camera data set is made from a static image set: the saccade motion, the sensor and the binning.
/// Every field goes into the cache header, so a change rebuilds the cache.
/// </summary>
public sealed record DvsDatasetOptions
{
    /// <summary>Time bins T of the output frames.</summary>
    public int Steps { get; init; } = 8;

    /// <summary>Saccade amplitude A in pixels (the triangle spans ±A).</summary>
    public int Amplitude { get; init; } = 3;

    /// <summary>Frame intervals per saccade.</summary>
    public int FramesPerSaccade { get; init; } = 10;

    /// <summary>
    /// Canvas side in pixels (32: 2 px of margin around a 28×28 image, so the ±3 px saccades move the outermost pixel
    /// column or row off the frame, and two 2×2 pools divide it), or 0 for the image side + 2·A (34 for 28×28 images).
    /// </summary>
    public int Canvas { get; init; } = 32;

    /// <summary>The sensor seed (threshold mismatch; sample i's noise is stream 1 + i, test samples 1 + 2³² + i).</summary>
    public ulong Seed { get; init; } = 0x5EED0006;

    /// <summary>The sensor settings.</summary>
    public DvsEmulatorOptions Emulator { get; init; } = new();

    /// <summary>The canvas side used for images of <paramref name="height"/>×<paramref name="width"/>.</summary>
    public int CanvasFor(int height, int width) => Canvas > 0 ? Canvas : Saccades.CanvasSize(height, width, Amplitude);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the setting when one is out of range.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Emulator);
        Emulator.Validate();
        if (Steps is < 1 or > 1000)
            throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "DVS data set: T (time bins) must be 1..1000.");
        if (Amplitude is < 0 or > 64)
            throw new ArgumentOutOfRangeException(nameof(Amplitude), Amplitude, "DVS data set: the saccade amplitude must be 0..64 pixels.");
        if (FramesPerSaccade is < 1 or > 1000)
            throw new ArgumentOutOfRangeException(nameof(FramesPerSaccade), FramesPerSaccade, "DVS data set: frames per saccade must be 1..1000.");
        if (Canvas is < 0 or > 1024)
            throw new ArgumentOutOfRangeException(nameof(Canvas), Canvas, "DVS data set: the canvas must be 1..1024 pixels, or 0 for image + 2·amplitude.");
    }
}
