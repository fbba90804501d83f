using NeuroCore.Autodiff;
using NeuroCore.Kernels;

namespace NeuroCore;

public static partial class Ops
{
    /// <summary>
    /// Inverted dropout (PyTorch <c>dropout</c>): in training, effectively computes <c>y[i] = x[i]·m[i] / (1 − p)</c>
    /// with the keep mask <c>m[i] = u[i] ≥ p</c>, where <c>u[i] = Philox.Uniform(seed, stream, i)</c>; so the mask is a
    /// pure function of (seed, stream, element index), identical for any thread count, and backward regenerates it
    /// instead of storing it. Pass a new <paramref name="stream"/> (or seed) for every call that needs a fresh mask.
    /// Outside training, or with p = 0, returns <paramref name="x"/> itself. With p = 1 every output is 0.
    /// </summary>
    public static Tensor Dropout(Tape tape, Tensor x, float p, bool training, ulong seed, ulong stream)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        if (!(p >= 0f && p <= 1f))
            throw new ArgumentOutOfRangeException(nameof(p), p, "Ops.Dropout: p must be in [0, 1].");
        if (!training || p == 0f) return x;
        var y = tape.Allocate(x.Shape);
        var ys = y.Span;
        Philox.Uniform(seed, stream, 0, ys);
        ApplyDropoutMask(x.Span, ys, p, ys);
        if (tape.ShouldRecord(x))
            tape.Record(new TapeEntry { Op = OpCode.Dropout, Output = y, A = x, F0 = p, U0 = seed, U1 = stream });
        return y;
    }

    /// <summary>Dropout backward: <c>dx = dy·m / (1 − p)</c> with the mask regenerated from (seed, stream).</summary>
    internal static void DropoutBackward(Tape tape, in TapeEntry e)
    {
        var x = e.A!;
        if (!tape.NeedsGrad(x)) return;
        var w = tape.BeginGrad(x);
        Philox.Uniform(e.U0, e.U1, 0, w.Span);
        ApplyDropoutMask(tape.GradOf(e.Output)!.Span, w.Span, e.F0, w.Span);
        w.Commit();
    }

    /// <summary><c>dst[i] = u[i] ≥ p ? v[i] / (1 − p) : 0</c>; <paramref name="uniform"/> may alias <paramref name="dst"/>.</summary>
    static void ApplyDropoutMask(ReadOnlySpan<float> values, ReadOnlySpan<float> uniform, float p, Span<float> dst)
    {
        float scale = p < 1f ? 1f / (1f - p) : 0f;
        for (int i = 0; i < dst.Length; i++) dst[i] = uniform[i] >= p ? values[i] * scale : 0f;
    }
}
