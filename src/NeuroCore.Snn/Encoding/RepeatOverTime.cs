using System.Numerics.Tensors;
using NeuroCore.Autodiff;

namespace NeuroCore.Snn;

/// <summary>
/// The tape op y[t·B + b, ...] = x[b, ...] for t &lt; T, whose backward sums the T copies of the gradient. Used by
/// direct encoding and by a conv layer that computes its static input's convolution once.
/// </summary>
sealed class RepeatOverTime : ICustomBackward
{
    static readonly RepeatOverTime Instance = new();

    public static Tensor Forward(Tape tape, Tensor x, int steps, string who)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        if (x.Shape.Rank < 1) throw new ArgumentException($"{who}: input {x.Shape} needs a batch axis [B, ...].", nameof(x));
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, $"{who}: T must be ≥ 1.");
        var y = tape.Allocate(x.Shape.With(0, steps * x.Shape[0]));
        var xs = x.Span;
        var ys = y.Span;
        for (int t = 0; t < steps; t++) xs.CopyTo(ys.Slice(t * xs.Length, xs.Length));
        if (tape.ShouldRecord(x))
            tape.Record(new TapeEntry { Op = OpCode.Custom, Custom = Instance, Output = y, A = x, I0 = steps });
        return y;
    }

    public void Backward(Tape tape, in TapeEntry entry)
    {
        var x = entry.A!;
        if (!tape.NeedsGrad(x)) return;
        var dy = tape.GradOf(entry.Output)!.Span;
        int n = x.Size;
        var w = tape.BeginGrad(x);
        dy[..n].CopyTo(w.Span);
        for (int t = 1; t < entry.I0; t++) TensorPrimitives.Add(w.Span, dy.Slice(t * n, n), w.Span);
        w.Commit();
    }
}
