using System.Numerics.Tensors;
using NeuroCore.Autodiff;
using NeuroCore.Kernels;

namespace NeuroCore;

public static partial class Ops
{
    /// <summary>
    /// Sum of all elements (a scalar) when <paramref name="axis"/> is null, else along <paramref name="axis"/>
    /// (that axis is removed: <c>[2,3,4]</c> summed over 1 gives <c>[2,4]</c>).
    /// </summary>
    public static Tensor Sum(Tape tape, Tensor x, int? axis = null) => Reduction(tape, OpCode.Sum, x, axis);

    /// <summary>Mean of all elements (a scalar) when <paramref name="axis"/> is null, else along <paramref name="axis"/> (removed).</summary>
    public static Tensor Mean(Tape tape, Tensor x, int? axis = null) => Reduction(tape, OpCode.Mean, x, axis);

    static Tensor Reduction(Tape tape, OpCode code, Tensor x, int? axis)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        var (outer, dim, inner, outShape) = ReductionLayout(x.Shape, axis);
        var y = tape.Allocate(outShape);
        var xs = x.Span;
        var ys = y.Span;
        if (axis is null)
        {
            ys[0] = Reduce.Sum(xs, tape.Threads); // fixed blocks: the same bits for any thread count
        }
        else if (inner == 1)
        {
            for (int o = 0; o < outer; o++) ys[o] = TensorPrimitives.Sum(xs.Slice(o * dim, dim));
        }
        else
        {
            ys.Clear();
            for (int o = 0; o < outer; o++)
            {
                var yo = ys.Slice(o * inner, inner);
                for (int j = 0; j < dim; j++) TensorPrimitives.Add(yo, xs.Slice(((o * dim) + j) * inner, inner), yo);
            }
        }
        if (code == OpCode.Mean && dim > 0) TensorPrimitives.Multiply(ys, 1f / dim, ys);
        if (code == OpCode.Mean && dim == 0) ys.Fill(float.NaN); // the mean of nothing, as in NumPy and PyTorch
        if (tape.ShouldRecord(x)) tape.Record(new TapeEntry { Op = code, Output = y, A = x, I0 = axis is null ? -1 : x.Shape.NormalizeAxis(axis.Value) });
        return y;
    }

    /// <summary>Backward of <see cref="Sum"/> and <see cref="Mean"/>: dy broadcast back along the reduced axis (divided by its length for the mean).</summary>
    internal static void ReductionBackward(Tape tape, in TapeEntry e)
    {
        var x = e.A!;
        if (!tape.NeedsGrad(x)) return;
        var (outer, dim, inner, _) = ReductionLayout(x.Shape, e.I0 < 0 ? null : e.I0);
        float scale = e.Op == OpCode.Mean ? 1f / dim : 1f;
        var dy = tape.GradOf(e.Output)!.Span;
        var w = tape.BeginGrad(x);
        if (inner == 1)
        {
            if (outer == 1) Elementwise.Fill(w.Span[..dim], dy[0] * scale, tape.Threads);
            else for (int o = 0; o < outer; o++) w.Span.Slice(o * dim, dim).Fill(dy[o] * scale);
            w.Commit();
            return;
        }
        for (int o = 0; o < outer; o++)
        {
            var dyo = dy.Slice(o * inner, inner);
            for (int j = 0; j < dim; j++) TensorPrimitives.Multiply(dyo, scale, w.Span.Slice(((o * dim) + j) * inner, inner));
        }
        w.Commit();
    }

    // A reduction seen as [outer, dim, inner] → [outer, inner]; a full reduction is [1, size, 1].
    static (int Outer, int Dim, int Inner, Shape OutShape) ReductionLayout(Shape shape, int? axis)
    {
        if (axis is null) return (1, shape.Size, 1, Shape.Scalar);
        int ax = shape.NormalizeAxis(axis.Value);
        Span<int> dims = stackalloc int[Shape.MaxRank];
        int r = 0;
        for (int i = 0; i < shape.Rank; i++)
            if (i != ax) dims[r++] = shape[i];
        return (shape.SizeOf(0, ax), shape[ax], shape.SizeOf(ax + 1, shape.Rank), new Shape(dims[..r]));
    }
}
