using NeuroCore.Autodiff;

namespace NeuroCore.Snn;

/// <summary>
/// Latency (time-to-first-spike) coding with a linear code (snnTorch <c>spikegen.latency(linear=True,
/// normalize=True)</c>): each value x ∈ [0, 1] spikes exactly once, at step <c>t(x) = round((1 − x)·(T − 1))</c>, so
/// brighter inputs spike earlier (x = 1 at t = 0); values below the cut-off never spike.
/// </summary>
public static class LatencyEncoder
{
    /// <summary>The default cut-off (snnTorch's default threshold): values below it stay silent.</summary>
    public const float DefaultCutoff = 0.01f;

    /// <summary>The step at which <paramref name="x"/> spikes, or −1 when it is below <paramref name="cutoff"/>.</summary>
    public static int SpikeTime(float x, int steps, float cutoff = DefaultCutoff) =>
        x < cutoff ? -1 : (int)MathF.Round((1f - x) * (steps - 1), MidpointRounding.AwayFromZero);

    /// <summary>Encodes a batch [B, ...] of values in [0, 1] into spikes [T·B, ...] (time-major) on <paramref name="tape"/>.</summary>
    /// <exception cref="ArgumentException">A value lies outside [0, 1], T &lt; 1, or the cut-off is not in [0, 1].</exception>
    public static Tensor Encode(Tape tape, Tensor x, int steps, float cutoff = DefaultCutoff)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        if (x.Shape.Rank < 1) throw new ArgumentException($"LatencyEncoder: input {x.Shape} needs a batch axis [B, ...].", nameof(x));
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "LatencyEncoder: T must be ≥ 1.");
        var y = tape.Allocate(x.Shape.With(0, steps * x.Shape[0]));
        Encode(x.Span, steps, cutoff, y.Span);
        return y;
    }

    /// <summary>The span kernel: <c>dst[t·n + j] = t == t(x[j]) ? 1 : 0</c>, n = x.Length.</summary>
    /// <exception cref="ArgumentException">A value lies outside [0, 1], or dst is not T·n long.</exception>
    public static void Encode(ReadOnlySpan<float> x, int steps, float cutoff, Span<float> dst)
    {
        if (!(cutoff >= 0f && cutoff <= 1f))
            throw new ArgumentOutOfRangeException(nameof(cutoff), cutoff, "LatencyEncoder: the cut-off must lie in [0, 1].");
        EncoderChecks.UnitInterval("LatencyEncoder", "latency", x);
        int n = x.Length;
        if (dst.Length != (long)steps * n)
            throw new ArgumentException($"LatencyEncoder: the destination holds {dst.Length} values; expected T·n = {steps}·{n}.", nameof(dst));
        dst.Clear();
        for (int j = 0; j < n; j++)
        {
            int t = SpikeTime(x[j], steps, cutoff);
            if (t >= 0) dst[t * n + j] = 1f;
        }
    }
}
