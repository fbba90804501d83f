using System.Numerics.Tensors;
using NeuroCore.Autodiff;

namespace NeuroCore;

public static partial class Ops
{
    /// <summary>The same elements under a new shape of equal size; the result shares <paramref name="x"/>'s storage.</summary>
    public static Tensor Reshape(Tape tape, Tensor x, Shape shape)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        if (shape.Size != x.Size)
            throw new ArgumentException($"Ops.Reshape: cannot reshape {x.Shape} ({x.Size} elements) to {shape} ({shape.Size} elements); the element counts must match.", nameof(shape));
        var y = tape.View(x, shape);
        if (tape.ShouldRecord(x)) tape.Record(new TapeEntry { Op = OpCode.Reshape, Output = y, A = x });
        return y;
    }

    /// <summary>Backward of <see cref="Reshape"/>: the gradient, reshaped back.</summary>
    internal static void ReshapeBackward(Tape tape, in TapeEntry e)
    {
        if (!tape.NeedsGrad(e.A)) return;
        var w = tape.BeginGrad(e.A!);
        tape.GradOf(e.Output)!.Span.CopyTo(w.Span);
        w.Commit();
    }

    /// <summary>
    /// Swaps axes <paramref name="axis0"/> and <paramref name="axis1"/> (by default the last two, a matrix
    /// transpose), copying into a new contiguous tensor.
    /// </summary>
    public static Tensor Transpose(Tape tape, Tensor x, int axis0 = -2, int axis1 = -1)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        if (x.Shape.Rank < 2)
            throw new ArgumentException($"Ops.Transpose: the input {x.Shape} needs at least two axes.", nameof(x));
        int a0 = x.Shape.NormalizeAxis(axis0), a1 = x.Shape.NormalizeAxis(axis1);
        var outShape = x.Shape.With(a0, x.Shape[a1]).With(a1, x.Shape[a0]);
        var y = tape.Allocate(outShape);
        SwapAxes(x.Span, x.Shape, Math.Min(a0, a1), Math.Max(a0, a1), y.Span);
        if (tape.ShouldRecord(x)) tape.Record(new TapeEntry { Op = OpCode.Transpose, Output = y, A = x, I0 = a0, I1 = a1 });
        return y;
    }

    /// <summary>Backward of <see cref="Transpose"/>: the same swap applied to the gradient.</summary>
    internal static void TransposeBackward(Tape tape, in TapeEntry e)
    {
        if (!tape.NeedsGrad(e.A)) return;
        var y = e.Output;
        var w = tape.BeginGrad(e.A!);
        SwapAxes(tape.GradOf(y)!.Span, y.Shape, Math.Min(e.I0, e.I1), Math.Max(e.I0, e.I1), w.Span);
        w.Commit();
    }

    // dst = src with axes p < q swapped; src seen as [outer, dp, mid, dq, inner].
    static void SwapAxes(ReadOnlySpan<float> src, Shape shape, int p, int q, Span<float> dst)
    {
        if (p == q)
        {
            src.CopyTo(dst);
            return;
        }
        int outer = shape.SizeOf(0, p), dp = shape[p], mid = shape.SizeOf(p + 1, q), dq = shape[q], inner = shape.SizeOf(q + 1, shape.Rank);
        if (inner == 1)
        {
            // Element moves: go tile by tile so both the reads and the writes stay within a few cache lines.
            const int tile = 32;
            for (int o = 0; o < outer; o++)
                for (int m = 0; m < mid; m++)
                {
                    int s0 = ((o * dp * mid) + m) * dq, d0 = ((o * dq * mid) + m) * dp;
                    for (int i0 = 0; i0 < dp; i0 += tile)
                        for (int j0 = 0; j0 < dq; j0 += tile)
                        {
                            int iEnd = Math.Min(i0 + tile, dp), jEnd = Math.Min(j0 + tile, dq);
                            for (int i = i0; i < iEnd; i++)
                                for (int j = j0; j < jEnd; j++)
                                    dst[d0 + (j * mid * dp) + i] = src[s0 + (i * mid * dq) + j];
                        }
                }
            return;
        }
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < dp; i++)
                for (int m = 0; m < mid; m++)
                    for (int j = 0; j < dq; j++)
                    {
                        int s = ((((((o * dp) + i) * mid) + m) * dq) + j) * inner;
                        int d = ((((((o * dq) + j) * mid) + m) * dp) + i) * inner;
                        src.Slice(s, inner).CopyTo(dst.Slice(d, inner));
                    }
    }

    /// <summary>Elements <paramref name="start"/> .. <paramref name="start"/> + <paramref name="length"/> − 1 along <paramref name="axis"/>, copied.</summary>
    public static Tensor Slice(Tape tape, Tensor x, int axis, int start, int length)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        int ax = x.Shape.NormalizeAxis(axis);
        int dim = x.Shape[ax];
        if (start < 0 || length < 0 || (long)start + length > dim)
            throw new ArgumentOutOfRangeException(nameof(start),
                $"Ops.Slice: range start {start}, length {length} does not fit axis {ax} (size {dim}) of {x.Shape}; need 0 ≤ start and start + length ≤ {dim}.");
        var y = tape.Allocate(x.Shape.With(ax, length));
        int outer = x.Shape.SizeOf(0, ax), inner = x.Shape.SizeOf(ax + 1, x.Shape.Rank);
        int chunk = length * inner;
        for (int o = 0; o < outer; o++)
            x.Span.Slice(((o * dim) + start) * inner, chunk).CopyTo(y.Span.Slice(o * chunk, chunk));
        if (tape.ShouldRecord(x)) tape.Record(new TapeEntry { Op = OpCode.Slice, Output = y, A = x, I0 = ax, I1 = start });
        return y;
    }

    /// <summary>Backward of <see cref="Slice"/>: the gradient added into the sliced range, zero elsewhere.</summary>
    internal static void SliceBackward(Tape tape, in TapeEntry e)
    {
        var x = e.A!;
        if (!tape.NeedsGrad(x)) return;
        int ax = e.I0, start = e.I1, dim = x.Shape[ax], length = e.Output.Shape[ax];
        int outer = x.Shape.SizeOf(0, ax), inner = x.Shape.SizeOf(ax + 1, x.Shape.Rank), chunk = length * inner;
        var dx = tape.GradSum(x);
        var dy = tape.GradOf(e.Output)!.Span;
        for (int o = 0; o < outer; o++)
        {
            var d = dx.Slice(((o * dim) + start) * inner, chunk);
            TensorPrimitives.Add(d, dy.Slice(o * chunk, chunk), d);
        }
    }

    /// <summary>Joins <paramref name="tensors"/> along <paramref name="axis"/>; all other dimensions must match.</summary>
    public static Tensor Concat(Tape tape, ReadOnlySpan<Tensor> tensors, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(tape);
        if (tensors.IsEmpty) throw new ArgumentException("Ops.Concat: needs at least one tensor.", nameof(tensors));
        var first = tensors[0] ?? throw new ArgumentNullException(nameof(tensors));
        int ax = first.Shape.NormalizeAxis(axis);
        int total = 0;
        foreach (var t in tensors)
        {
            ArgumentNullException.ThrowIfNull(t, nameof(tensors));
            if (t.Shape.Rank != first.Shape.Rank || t.Shape.With(ax, 0) != first.Shape.With(ax, 0))
                throw new ArgumentException(
                    $"Ops.Concat: shapes {first.Shape} and {t.Shape} differ outside axis {ax}; all dimensions but the concatenation axis must match.",
                    nameof(tensors));
            total += t.Shape[ax];
        }
        var y = tape.Allocate(first.Shape.With(ax, total));
        int outer = first.Shape.SizeOf(0, ax), inner = first.Shape.SizeOf(ax + 1, first.Shape.Rank), yRow = total * inner;
        int offset = 0;
        foreach (var t in tensors)
        {
            int chunk = t.Shape[ax] * inner;
            for (int o = 0; o < outer; o++) t.Span.Slice(o * chunk, chunk).CopyTo(y.Span.Slice((o * yRow) + offset, chunk));
            offset += chunk;
        }
        if (tape.ShouldRecord(tensors))
            tape.Record(new TapeEntry { Op = OpCode.Concat, Output = y, A = first, I0 = ax, ListStart = tape.RecordList(tensors), ListCount = tensors.Length });
        return y;
    }

    /// <summary>Backward of <see cref="Concat"/>: each input gets its block of the gradient.</summary>
    internal static void ConcatBackward(Tape tape, in TapeEntry e)
    {
        var y = e.Output;
        int ax = e.I0, outer = y.Shape.SizeOf(0, ax), inner = y.Shape.SizeOf(ax + 1, y.Shape.Rank), yRow = y.Shape[ax] * inner;
        var dy = tape.GradOf(y)!.Span;
        int offset = 0;
        for (int i = 0; i < e.ListCount; i++)
        {
            var t = tape.ListItem(e.ListStart + i);
            int chunk = t.Shape[ax] * inner;
            if (tape.NeedsGrad(t))
            {
                var w = tape.BeginGrad(t);
                for (int o = 0; o < outer; o++) dy.Slice((o * yRow) + offset, chunk).CopyTo(w.Span.Slice(o * chunk, chunk));
                w.Commit();
            }
            offset += chunk;
        }
    }
}
