using NeuroCore.Kernels;

namespace NeuroCore.Data;

/// <summary>
/// An emulated event camera (the ESIM/v2e principle): each pixel compares its log intensity with a remembered
/// reference and emits one event per contrast threshold crossed.
/// </summary>
/// <remarks>
/// For frames <c>I_0 .. I_{F−1}</c> (values in [0, 1]), per pixel:
/// <list type="bullet">
/// <item><c>L = ln(I + 1e-3)</c>; the reference <c>L_ref</c> starts at <c>L</c> of frame 0;</item>
/// <item>between frames j and j+1, L is interpolated linearly in <c>n_sub</c> sub-steps; at sub-step s (tick
/// <c>τ = j·n_sub + s</c>, s = 1..n_sub) with <c>ΔL = L − L_ref</c>, <c>k = floor(|ΔL| / C_pixel)</c> events of polarity
/// <c>sign(ΔL)</c> are emitted at τ and <c>L_ref += sign·k·C_pixel</c>, unless the pixel is refractory
/// (its last event is at most <c>RefractorySubSteps</c> ticks old), in which case nothing changes and the
/// change stays pending;</item>
/// <item><c>C_pixel = max(MinContrast, Contrast + ContrastMismatch·z)</c>, z ~ N(0, 1) drawn once per pixel from
/// Philox stream 0 of the sensor seed (a fixed sensor);</item>
/// <item>background activity: each pixel fires a noise event of random polarity with probability
/// <c>NoiseRate / n_sub</c> per tick (geometric waiting times drawn from the caller's noise stream); noise does not
/// touch <c>L_ref</c> or the refractory clock.</item>
/// </list>
/// Events come out in time order (ticks ascending, then row-major pixel order). Everything is deterministic given
/// the sensor seed and the noise stream. An instance holds only the per-pixel thresholds and may be shared by threads.
/// </remarks>
public sealed class DvsEmulator
{
    readonly float[] _threshold;

    /// <summary>A sensor of <paramref name="height"/>×<paramref name="width"/> pixels with its thresholds drawn from <paramref name="seed"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or a setting is out of range.</exception>
    public DvsEmulator(int height, int width, DvsEmulatorOptions options, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        options.Validate();
        Height = height;
        Width = width;
        Options = options;
        Seed = seed;
        _threshold = new float[height * width];
        var rng = new PhiloxGenerator(seed, 0);
        for (int i = 0; i < _threshold.Length; i++)
        {
            float c = options.ContrastMismatch > 0f ? options.Contrast + (options.ContrastMismatch * rng.NextNormal()) : options.Contrast;
            _threshold[i] = MathF.Max(options.MinContrast, c);
        }
    }

    /// <summary>Sensor height in pixels.</summary>
    public int Height { get; }

    /// <summary>Sensor width in pixels.</summary>
    public int Width { get; }

    /// <summary>The settings.</summary>
    public DvsEmulatorOptions Options { get; }

    /// <summary>The sensor seed (threshold mismatch).</summary>
    public ulong Seed { get; }

    /// <summary>The per-pixel contrast thresholds, row-major [H, W].</summary>
    public ReadOnlySpan<float> Thresholds => _threshold;

    /// <summary>The number of ticks spanned by <paramref name="frameCount"/> frames: (F − 1)·n_sub.</summary>
    public int Ticks(int frameCount) => Math.Max(0, frameCount - 1) * Options.SubSteps;

    /// <summary>
    /// Runs the sensor over <paramref name="frames"/> (row-major [F, H, W], values in [0, 1]) and appends the events
    /// to <paramref name="events"/>. Noise draws from Philox stream <paramref name="noiseStream"/> (≥ 1; stream 0 is the
    /// sensor's mismatch) of the sensor seed.
    /// </summary>
    /// <exception cref="ArgumentException">The frames are not a whole number of H×W images, or a value is outside [0, 1] or NaN.</exception>
    public void Emulate(ReadOnlySpan<float> frames, ulong noiseStream, List<DvsEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        int pixels = Height * Width;
        if (frames.Length % pixels != 0)
            throw new ArgumentException($"DvsEmulator.Emulate: {frames.Length} values are not a whole number of {Height}×{Width} frames; pass [F, {Height}, {Width}].", nameof(frames));
        if (noiseStream == 0)
            throw new ArgumentOutOfRangeException(nameof(noiseStream), "DvsEmulator.Emulate: noise stream 0 is the sensor's threshold mismatch; use a stream ≥ 1 (e.g. 1 + sample index).");
        for (int i = 0; i < frames.Length; i++)
        {
            if (!(frames[i] >= 0f && frames[i] <= 1f))
                throw new ArgumentException($"DvsEmulator.Emulate: pixel {i % pixels} of frame {i / pixels} is {frames[i]}; intensities must be in [0, 1].", nameof(frames));
        }
        int frameCount = frames.Length / pixels;
        if (frameCount < 2) return;

        int n = Options.SubSteps, refractory = Options.RefractorySubSteps;
        var reference = new float[pixels];
        var lastEvent = new int[pixels];
        var nextNoise = new int[pixels];
        for (int p = 0; p < pixels; p++)
        {
            reference[p] = Log(frames[p]);
            lastEvent[p] = int.MinValue / 2;
        }

        var rng = new PhiloxGenerator(Seed, noiseStream);
        double noiseP = Options.NoiseRate / n;
        double logKeep = noiseP is > 0 and < 1 ? Math.Log(1 - noiseP) : 0;
        for (int p = 0; p < pixels; p++) nextNoise[p] = NextNoiseTick(0, noiseP, logKeep, ref rng);

        for (int j = 0; j + 1 < frameCount; j++)
        {
            var a = frames.Slice(j * pixels, pixels);
            var b = frames.Slice((j + 1) * pixels, pixels);
            for (int s = 1; s <= n; s++)
            {
                int tick = (j * n) + s;
                float w = (float)s / n;
                for (int p = 0; p < pixels; p++)
                {
                    float la = Log(a[p]), lb = Log(b[p]);
                    float l = s == n ? lb : la + ((lb - la) * w);
                    float delta = l - reference[p];
                    float c = _threshold[p];
                    float mag = MathF.Abs(delta);
                    if (mag >= c && tick - lastEvent[p] > refractory)
                    {
                        int k = (int)MathF.Floor(mag / c);
                        int polarity = delta > 0f ? 1 : -1;
                        int x = p % Width, y = p / Width;
                        for (int e = 0; e < k; e++) events.Add(new DvsEvent(x, y, tick, polarity));
                        reference[p] += polarity * k * c;
                        lastEvent[p] = tick;
                    }
                    if (nextNoise[p] == tick)
                    {
                        int polarity = rng.NextFloat() < 0.5f ? 1 : -1;
                        events.Add(new DvsEvent(p % Width, p / Width, tick, polarity));
                        nextNoise[p] = NextNoiseTick(tick, noiseP, logKeep, ref rng);
                    }
                }
            }
        }
    }

    static float Log(float intensity) => MathF.Log(intensity + DvsEmulatorOptions.LogEpsilon);

    /// <summary>The tick of the next noise event after <paramref name="tick"/>: a geometric waiting time with success probability p per tick.</summary>
    static int NextNoiseTick(int tick, double p, double logKeep, ref PhiloxGenerator rng)
    {
        if (p <= 0) return int.MaxValue;
        if (p >= 1) return tick + 1;
        double u = 1.0 - rng.NextFloat(); // (0, 1]
        double gap = Math.Floor(Math.Log(u) / logKeep) + 1;
        return gap >= int.MaxValue - tick ? int.MaxValue : tick + (int)gap;
    }
}
