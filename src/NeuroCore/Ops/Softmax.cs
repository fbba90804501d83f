using System.Numerics.Tensors;
using NeuroCore.Autodiff;

namespace NeuroCore;

public static partial class Ops
{
    /// <summary>Softmax along <paramref name="axis"/>: <c>y = e^(x − max) / Σ e^(x − max)</c>.</summary>
    public static Tensor Softmax(Tape tape, Tensor x, int axis = -1) => SoftmaxFamily(tape, OpCode.Softmax, x, axis);

    /// <summary>Log-softmax along <paramref name="axis"/>: <c>y = x − max − ln Σ e^(x − max)</c>.</summary>
    public static Tensor LogSoftmax(Tape tape, Tensor x, int axis = -1) => SoftmaxFamily(tape, OpCode.LogSoftmax, x, axis);

    static Tensor SoftmaxFamily(Tape tape, OpCode code, Tensor x, int axis)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        if (x.Shape.Rank == 0)
            throw new ArgumentException($"Ops.{code}: the input must have at least one axis; got a scalar {x.Shape}.", nameof(x));
        int ax = x.Shape.NormalizeAxis(axis);
        var y = tape.Allocate(x.Shape);
        var lanes = new AxisLanes(x.Shape, ax);
        Span<float> row = lanes.Inner == 1 ? default : tape.Allocate(new Shape(lanes.Dim)).Span;
        for (int lane = 0; lane < lanes.Count; lane++)
        {
            if (lanes.Inner == 1)
            {
                int o = lane * lanes.Dim;
                RowForward(code, x.Span.Slice(o, lanes.Dim), y.Span.Slice(o, lanes.Dim), 1f);
            }
            else
            {
                lanes.Gather(x.Span, lane, row);
                RowForward(code, row, row, 1f);
                lanes.Scatter(row, lane, y.Span);
            }
        }
        if (tape.ShouldRecord(x)) tape.Record(new TapeEntry { Op = code, Output = y, A = x, I0 = ax });
        return y;
    }

    /// <summary>
    /// Backward of softmax, <c>dx = y ⊙ (dy − Σ dy·y)</c>, and of log-softmax, <c>dx = dy − e^y · Σ dy</c>,
    /// along the recorded axis.
    /// </summary>
    internal static void SoftmaxFamilyBackward(Tape tape, in TapeEntry e)
    {
        var x = e.A!;
        if (!tape.NeedsGrad(x)) return;
        var y = e.Output;
        var dy = tape.GradOf(y)!.Span;
        var lanes = new AxisLanes(y.Shape, e.I0);
        int d = lanes.Dim;
        var w = tape.BeginGrad(x);
        Span<float> tmp = lanes.Inner == 1 ? default : tape.Allocate(new Shape(3 * d)).Span;
        for (int lane = 0; lane < lanes.Count; lane++)
        {
            if (lanes.Inner == 1)
            {
                int o = lane * d;
                RowBackward(e.Op, y.Span.Slice(o, d), dy.Slice(o, d), w.Span.Slice(o, d));
            }
            else
            {
                Span<float> yr = tmp[..d], dyr = tmp.Slice(d, d), dxr = tmp.Slice(2 * d, d);
                lanes.Gather(y.Span, lane, yr);
                lanes.Gather(dy, lane, dyr);
                RowBackward(e.Op, yr, dyr, dxr);
                lanes.Scatter(dxr, lane, w.Span);
            }
        }
        w.Commit();
    }

    /// <summary>Softmax or log-softmax of <c>scale·x</c> over one contiguous row (x and y may alias).</summary>
    internal static void RowForward(OpCode code, ReadOnlySpan<float> x, Span<float> y, float scale)
    {
        if (x.Length == 0) return;
        float max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, y);
        if (scale != 1f) TensorPrimitives.Multiply(y, scale, y);
        if (code == OpCode.Softmax)
        {
            TensorPrimitives.Exp(y, y);
            TensorPrimitives.Divide(y, TensorPrimitives.Sum(y), y);
        }
        else
        {
            double sum = 0;
            foreach (float v in y) sum += MathF.Exp(v);
            TensorPrimitives.Subtract(y, (float)Math.Log(sum), y);
        }
    }

    static void RowBackward(OpCode code, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        if (code == OpCode.Softmax)
        {
            float dot = TensorPrimitives.Dot(dy, y);
            TensorPrimitives.Subtract(dy, dot, dx);
            TensorPrimitives.Multiply(dx, y, dx);
        }
        else
        {
            float sum = TensorPrimitives.Sum(dy);
            for (int i = 0; i < dx.Length; i++) dx[i] = dy[i] - MathF.Exp(y[i]) * sum;
        }
    }

    /// <summary>The 1-D lanes along one axis of a row-major shape: <see cref="Count"/> lanes of <see cref="Dim"/> elements, <see cref="Inner"/> apart.</summary>
    readonly struct AxisLanes
    {
        public AxisLanes(Shape shape, int axis)
        {
            Dim = shape[axis];
            Inner = shape.SizeOf(axis + 1, shape.Rank);
            Count = shape.SizeOf(0, axis) * Inner;
        }

        public int Dim { get; }

        public int Inner { get; }

        public int Count { get; }

        int Start(int lane) => (lane / Inner * Dim * Inner) + (lane % Inner);

        public void Gather(ReadOnlySpan<float> src, int lane, Span<float> row)
        {
            for (int j = 0, s = Start(lane); j < Dim; j++, s += Inner) row[j] = src[s];
        }

        public void Scatter(ReadOnlySpan<float> row, int lane, Span<float> dst)
        {
            for (int j = 0, s = Start(lane); j < Dim; j++, s += Inner) dst[s] = row[j];
        }
    }
}
