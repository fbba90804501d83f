using System.Globalization;
using NeuroCore.Autodiff;

namespace NeuroCore.Snn;

/// <summary>
/// Delta modulation of sequences (snnTorch <c>spikegen.delta</c> with OFF spikes as a second channel, as a DVS camera
/// emits them): for x [T, B, F] effectively computes, with x[−1] = 0,
/// <c>on[t, b, i] = x[t, b, i] − x[t−1, b, i] ≥ θ</c> and <c>off[t, b, i] = x[t−1, b, i] − x[t, b, i] ≥ θ</c>, written
/// as [T, B, 2F]: the F ON channels, then the F OFF channels.
/// </summary>
public static class DeltaEncoder
{
    /// <summary>Encodes a sequence [T, B, F] (or [T, B, ...], flattened per sample) into ON/OFF events [T, B, 2F].</summary>
    /// <exception cref="ArgumentException">The input has rank &lt; 3, or the threshold is not finite and &gt; 0.</exception>
    public static Tensor Encode(Tape tape, Tensor x, float threshold)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        if (x.Shape.Rank < 3)
            throw new ArgumentException($"DeltaEncoder: input {x.Shape} must be a sequence [T, B, F...]; add the time axis first.", nameof(x));
        int steps = x.Shape[0], batch = x.Shape[1], features = x.Shape.SizeOf(2, x.Shape.Rank);
        var y = tape.Allocate(new Shape(steps, batch, 2 * features));
        Encode(x.Span, steps, batch * features, features, threshold, y.Span);
        return y;
    }

    /// <summary>The span kernel over x [T, rows] with rows = B·F and F features per sample; dst is [T, B, 2F].</summary>
    public static void Encode(ReadOnlySpan<float> x, int steps, int rows, int features, float threshold, Span<float> dst)
    {
        if (!(threshold > 0f) || !float.IsFinite(threshold))
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "DeltaEncoder: the threshold must be finite and > 0.");
        if (features <= 0 || rows % features != 0 || x.Length != (long)steps * rows || dst.Length != 2L * steps * rows)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"DeltaEncoder: x holds {x.Length} values and dst {dst.Length}; expected T·B·F = {steps}·{rows} and twice that, with F = {features} dividing B·F."), nameof(x));
        int batch = rows / features;
        for (int t = 0; t < steps; t++)
        {
            for (int b = 0; b < batch; b++)
            {
                var cur = x.Slice(t * rows + b * features, features);
                var on = dst.Slice((t * batch + b) * 2 * features, features);
                var off = dst.Slice(((t * batch + b) * 2 * features) + features, features);
                for (int i = 0; i < features; i++)
                {
                    float prev = t == 0 ? 0f : x[(t - 1) * rows + b * features + i];
                    float d = cur[i] - prev;
                    on[i] = d >= threshold ? 1f : 0f;
                    off[i] = -d >= threshold ? 1f : 0f;
                }
            }
        }
    }
}
