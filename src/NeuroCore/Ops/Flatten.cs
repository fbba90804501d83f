using System.Numerics.Tensors;
using NeuroCore.Autodiff;

namespace NeuroCore;

public static partial class Ops
{
    /// <summary>
    /// Flattens every dimension after the first: <c>[B, d1, d2, ...] → [B, d1·d2·...]</c>. The result shares
    /// <paramref name="x"/>'s storage (a view, no copy); its gradient is the output gradient reshaped back.
    /// </summary>
    public static Tensor Flatten(Tape tape, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        if (x.Shape.Rank < 1)
            throw new ArgumentException($"Ops.Flatten: input {x.Shape} must have a batch dimension ([B, ...]).", nameof(x));
        var y = tape.View(x, new Shape(x.Shape[0], x.Shape.SizeOf(1, x.Shape.Rank)));
        if (tape.ShouldRecord(x)) tape.Record(new TapeEntry { Op = OpCode.Flatten, Output = y, A = x });
        return y;
    }

    /// <summary>Flatten backward: <c>dx += dy</c> (same element order).</summary>
    internal static void FlattenBackward(Tape tape, in TapeEntry e)
    {
        var x = e.A!;
        if (!tape.NeedsGrad(x)) return;
        ReadOnlySpan<float> dy = tape.GradOf(e.Output)!.Span;
        var dx = tape.GradAccumulator(x, out float beta);
        if (beta == 0f) dy.CopyTo(dx);
        else TensorPrimitives.Add(dx, dy, dx);
    }
}
