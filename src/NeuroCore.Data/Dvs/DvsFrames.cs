namespace NeuroCore.Data;

/// <summary>Binning of DVS events into T time bins × 2 polarity channels.</summary>
public static class DvsFrames
{
    /// <summary>
    /// Bins <paramref name="events"/> spanning <paramref name="ticks"/> ticks (event times 1..ticks) into
    /// <paramref name="destination"/>, row-major [T, 2, H, W] with channel 0 = ON (+1) and 1 = OFF (−1): event time τ
    /// goes to bin <c>floor((τ − 1)·T / ticks)</c>. Values are counts, or 1 where at least one event fell when
    /// <paramref name="clipAtOne"/>. The destination is overwritten.
    /// </summary>
    /// <exception cref="ArgumentException">The destination size is not T·2·H·W, or an event lies outside the sensor or the time span.</exception>
    public static void Bin(ReadOnlySpan<DvsEvent> events, int ticks, int steps, int height, int width, bool clipAtOne, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ticks);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        int plane = height * width;
        if (destination.Length != steps * 2 * plane)
            throw new ArgumentException($"DvsFrames.Bin: the destination holds {destination.Length} values but [T={steps}, 2, {height}, {width}] needs {steps * 2 * plane}.", nameof(destination));
        destination.Clear();
        foreach (var e in events)
        {
            if ((uint)e.X >= (uint)width || (uint)e.Y >= (uint)height || e.T < 1 || e.T > ticks || e.Polarity is not (1 or -1))
                throw new ArgumentException($"DvsFrames.Bin: event {e} lies outside the {height}×{width} sensor, the ticks 1..{ticks} or the polarities ±1.", nameof(events));
            int bin = (int)((long)(e.T - 1) * steps / ticks);
            int channel = e.Polarity > 0 ? 0 : 1;
            int at = (((bin * 2) + channel) * plane) + (e.Y * width) + e.X;
            destination[at] = clipAtOne ? 1f : destination[at] + 1f;
        }
    }
}
