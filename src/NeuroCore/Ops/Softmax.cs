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
        bool log = code == OpCode.LogSoftmax;
        if (lanes.Inner == 1)
        {
            // The axis is contiguous: one row-wise kernel call over [lanes, dim].
            if (log) Kernels.Softmax.LogForward(x.Span, lanes.Count, lanes.Dim, y.Span);
            else Kernels.Softmax.Forward(x.Span, lanes.Count, lanes.Dim, y.Span);
        }
        else
        {
            var row = tape.Allocate(new Shape(lanes.Dim)).Span;
            for (int lane = 0; lane < lanes.Count; lane++)
            {
                lanes.Gather(x.Span, lane, row);
                if (log) Kernels.Softmax.LogForward(row, 1, lanes.Dim, row);
                else Kernels.Softmax.Forward(row, 1, lanes.Dim, row);
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
        if (lanes.Inner == 1)
        {
            RowsBackward(e.Op, y.Span, dy, lanes.Count, d, w.Span);
        }
        else
        {
            var tmp = tape.Allocate(new Shape(3 * d)).Span;
            Span<float> yr = tmp[..d], dyr = tmp.Slice(d, d), dxr = tmp.Slice(2 * d, d);
            for (int lane = 0; lane < lanes.Count; lane++)
            {
                lanes.Gather(y.Span, lane, yr);
                lanes.Gather(dy, lane, dyr);
                RowsBackward(e.Op, yr, dyr, 1, d, dxr);
                lanes.Scatter(dxr, lane, w.Span);
            }
        }
        w.Commit();
    }

    static void RowsBackward(OpCode code, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, int rows, int cols, Span<float> dx)
    {
        if (code == OpCode.Softmax) Kernels.Softmax.Backward(y, dy, rows, cols, dx);
        else Kernels.Softmax.LogBackward(y, dy, rows, cols, dx);
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
