using NeuroCore.Autodiff;

namespace NeuroCore.Snn;

/// <summary>
/// The non-spiking leaky-integrator readout as one tape op (snnTorch's output layer with its spikes ignored and its
/// membrane read; SpikingJelly's <c>NonSpikingLIFNode</c>). For a current I [T·B, C] (time-major) it effectively
/// computes <c>m_t = β·m_{t−1} + I_t</c> (m_{−1} = 0) and returns [B, C] logits: <c>(1/T)·Σ_t m_t</c> (mean) or
/// <c>max_t m_t</c> (max, the first maximum when tied).
/// </summary>
/// <remarks>
/// Backward: with <c>g_t = ∂L/∂m_t</c> (dy/T for every t for the mean; dy at the arg-max step, else 0, for the max),
/// <c>∂L/∂I_t = Σ_{s ≥ t} β^{s−t}·g_s</c>, one reverse scan <c>c_t = g_t + β·c_{t+1}</c>.
/// </remarks>
public sealed class LeakyIntegrator : ICustomBackward
{
    static readonly LeakyIntegrator Instance = new();

    LeakyIntegrator()
    {
    }

    /// <summary>Integrates <paramref name="current"/> [T·B, C] and reduces over time to [B, C].</summary>
    /// <param name="tape">The tape.</param>
    /// <param name="current">I [T·B, C], time-major.</param>
    /// <param name="steps">T.</param>
    /// <param name="beta">The membrane decay β ∈ (0, 1].</param>
    /// <param name="max">True for the maximum over time, false for the mean.</param>
    /// <exception cref="ArgumentException">The rows are not a multiple of T, or β is outside (0, 1].</exception>
    public static Tensor Forward(Tape tape, Tensor current, int steps, float beta, bool max)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(current);
        if (current.Shape.Rank != 2 || steps < 1 || current.Shape[0] % steps != 0)
            throw new ArgumentException($"LeakyIntegrator: current {current.Shape} must be [T·B, C] with T = {steps} dividing its rows.", nameof(current));
        if (!(beta > 0f && beta <= 1f))
            throw new ArgumentOutOfRangeException(nameof(beta), beta, "LeakyIntegrator: β must lie in (0, 1].");
        int n = current.Size / steps; // B·C
        var y = tape.Allocate(new Shape(current.Shape[0] / steps, current.Shape[1]));
        var m = tape.Allocate(new Shape(n));
        int[]? arg = max ? tape.AllocateInts(n) : null;
        Integrate(current.Span, steps, beta, arg, m.Span, y.Span);
        if (tape.ShouldRecord(current))
            tape.Record(new TapeEntry { Op = OpCode.Custom, Custom = Instance, Output = y, A = current, I0 = steps, I1 = max ? 1 : 0, F0 = beta, Ints = arg });
        return y;
    }

    /// <summary>The forward kernel; <paramref name="membrane"/> [B·C] is scratch, <paramref name="argMax"/> is null for the mean.</summary>
    internal static void Integrate(ReadOnlySpan<float> current, int steps, float beta, int[]? argMax, Span<float> membrane, Span<float> y)
    {
        int n = y.Length;
        membrane.Clear();
        if (argMax is null) y.Clear();
        for (int t = 0; t < steps; t++)
        {
            var it = current.Slice(t * n, n);
            for (int j = 0; j < n; j++)
            {
                float v = (beta * membrane[j]) + it[j];
                membrane[j] = v;
                if (argMax is null)
                {
                    y[j] += v;
                }
                else if (t == 0 || v > y[j])
                {
                    y[j] = v;
                    argMax[j] = t;
                }
            }
        }
        if (argMax is null)
        {
            float inv = 1f / steps;
            for (int j = 0; j < n; j++) y[j] *= inv;
        }
    }

    /// <inheritdoc/>
    public void Backward(Tape tape, in TapeEntry entry)
    {
        var x = entry.A!;
        if (!tape.NeedsGrad(x)) return;
        int steps = entry.I0;
        bool max = entry.I1 != 0;
        float beta = entry.F0;
        var dy = tape.GradOf(entry.Output)!.Span;
        int n = dy.Length;
        float scale = 1f / steps;
        var w = tape.BeginGrad(x);
        var dx = w.Span;
        var arg = entry.Ints;
        for (int t = steps - 1; t >= 0; t--)
        {
            var row = dx.Slice(t * n, n);
            for (int j = 0; j < n; j++)
            {
                float g = max ? (arg![j] == t ? dy[j] : 0f) : dy[j] * scale;
                float carry = t == steps - 1 ? 0f : dx[((t + 1) * n) + j];
                row[j] = g + (beta * carry);
            }
        }
        w.Commit();
    }
}
