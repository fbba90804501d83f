namespace NeuroCore.Data;

/// <summary>
/// Settings of <see cref="DvsEmulator"/> (ESIM/v2e principle). The defaults are the NeuroCore reading of the
/// methods spec: contrast 0.2 with per-pixel mismatch N(0, 0.03) clipped at 0.05, 4 linear sub-steps per frame
/// interval, a refractory period of 1 sub-step and 0.01 background events per pixel per frame.
/// </summary>
public sealed record DvsEmulatorOptions
{
    /// <summary>The log-intensity offset ε in <c>L = ln(I + ε)</c>.</summary>
    public const float LogEpsilon = 1e-3f;

    /// <summary>Nominal contrast threshold C (a change of C in log intensity gives one event).</summary>
    public float Contrast { get; init; } = 0.2f;

    /// <summary>Standard deviation of the per-pixel threshold mismatch, drawn once per sensor (0 turns it off).</summary>
    public float ContrastMismatch { get; init; } = 0.03f;

    /// <summary>The smallest per-pixel threshold after the mismatch is added.</summary>
    public float MinContrast { get; init; } = 0.05f;

    /// <summary>Linear interpolation sub-steps between two frames (n_sub).</summary>
    public int SubSteps { get; init; } = 4;

    /// <summary>After an event a pixel is silent for this many sub-steps (0 turns it off); blocked changes stay pending.</summary>
    public int RefractorySubSteps { get; init; } = 1;

    /// <summary>Background-activity noise in events per pixel per frame interval (0 turns it off); random polarity.</summary>
    public float NoiseRate { get; init; } = 0.01f;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the setting when one is out of range.</summary>
    public void Validate()
    {
        if (!(Contrast > 0f) || float.IsInfinity(Contrast))
            throw new ArgumentOutOfRangeException(nameof(Contrast), Contrast, "DVS emulator: the contrast threshold must be a finite value > 0 (the spec uses 0.2).");
        if (!(ContrastMismatch >= 0f) || float.IsInfinity(ContrastMismatch))
            throw new ArgumentOutOfRangeException(nameof(ContrastMismatch), ContrastMismatch, "DVS emulator: the contrast mismatch must be a finite value ≥ 0 (0 turns it off).");
        if (!(MinContrast > 0f) || MinContrast > Contrast)
            throw new ArgumentOutOfRangeException(nameof(MinContrast), MinContrast, $"DVS emulator: the minimum contrast must be in (0, Contrast = {Contrast}].");
        if (SubSteps is < 1 or > 1000)
            throw new ArgumentOutOfRangeException(nameof(SubSteps), SubSteps, "DVS emulator: sub-steps must be 1..1000.");
        if (RefractorySubSteps is < 0 or > 1000)
            throw new ArgumentOutOfRangeException(nameof(RefractorySubSteps), RefractorySubSteps, "DVS emulator: the refractory period must be 0..1000 sub-steps.");
        if (!(NoiseRate >= 0f) || NoiseRate > SubSteps)
            throw new ArgumentOutOfRangeException(nameof(NoiseRate), NoiseRate, $"DVS emulator: the noise rate must be in [0, SubSteps = {SubSteps}] events per pixel per frame.");
    }
}
