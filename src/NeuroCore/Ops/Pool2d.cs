using NeuroCore.Autodiff;
using NeuroCore.Kernels;

namespace NeuroCore;

public static partial class Ops
{
    /// <summary>
    /// 2-D max pooling (PyTorch <c>max_pool2d</c>) of <paramref name="x"/> [B, C, H, W] with a square window:
    /// <c>y[b, c, i, j] = max_{u,v} x[b, c, i·s − p + u, j·s − p + v]</c> over the window's in-bounds cells.
    /// <paramref name="stride"/> defaults to <paramref name="kernel"/>; padding must be ≤ kernel / 2.
    /// The gradient goes to the first maximum of each window.
    /// </summary>
    public static Tensor MaxPool2d(Tape tape, Tensor x, int kernel, int? stride = null, int padding = 0)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        var g = PoolShape.Of("Ops.MaxPool2d", x.Shape, kernel, stride ?? kernel, padding);
        var y = tape.Allocate(new Shape(x.Shape[0], x.Shape[1], g.OutH, g.OutW));
        int[] argmax = tape.AllocateInts(y.Size);
        Pool.MaxForward(x.Span, g.Planes, g.Height, g.Width, kernel, kernel, g.Stride, g.Stride, padding, padding, y.Span, argmax);
        if (tape.ShouldRecord(x))
            tape.Record(new TapeEntry { Op = OpCode.MaxPool2d, Output = y, A = x, Ints = argmax, I0 = kernel, I1 = g.Stride, I2 = padding });
        return y;
    }

    /// <summary>Max pooling backward: each output gradient is added to the input cell that was the window's maximum.</summary>
    internal static void MaxPool2dBackward(Tape tape, in TapeEntry e)
    {
        var x = e.A!;
        if (!tape.NeedsGrad(x)) return;
        var g = PoolShape.Of("Ops.MaxPool2d", x.Shape, e.I0, e.I1, e.I2);
        Pool.MaxBackward(tape.GradOf(e.Output)!.Span, e.Ints, g.Planes, g.OutH, g.OutW, g.Height, g.Width, tape.GradSum(x));
    }

    /// <summary>
    /// 2-D average pooling (PyTorch <c>avg_pool2d</c>, <c>count_include_pad = true</c>) of <paramref name="x"/> [B, C, H, W]:
    /// <c>y[b, c, i, j] = (1/k²) Σ_{u,v} x[b, c, i·s − p + u, j·s − p + v]</c> (zero outside).
    /// <paramref name="stride"/> defaults to <paramref name="kernel"/>; padding must be ≤ kernel / 2.
    /// </summary>
    public static Tensor AvgPool2d(Tape tape, Tensor x, int kernel, int? stride = null, int padding = 0)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        var g = PoolShape.Of("Ops.AvgPool2d", x.Shape, kernel, stride ?? kernel, padding);
        var y = tape.Allocate(new Shape(x.Shape[0], x.Shape[1], g.OutH, g.OutW));
        Pool.AvgForward(x.Span, g.Planes, g.Height, g.Width, kernel, kernel, g.Stride, g.Stride, padding, padding, y.Span);
        if (tape.ShouldRecord(x))
            tape.Record(new TapeEntry { Op = OpCode.AvgPool2d, Output = y, A = x, I0 = kernel, I1 = g.Stride, I2 = padding });
        return y;
    }

    /// <summary>Average pooling backward: each output gradient, divided by k², is added to every cell of its window.</summary>
    internal static void AvgPool2dBackward(Tape tape, in TapeEntry e)
    {
        var x = e.A!;
        if (!tape.NeedsGrad(x)) return;
        int k = e.I0, s = e.I1, p = e.I2;
        var g = PoolShape.Of("Ops.AvgPool2d", x.Shape, k, s, p);
        Pool.AvgBackward(tape.GradOf(e.Output)!.Span, g.Planes, g.Height, g.Width, k, k, s, s, p, p, tape.GradSum(x));
    }

    readonly record struct PoolShape(int Planes, int Height, int Width, int Stride, int OutH, int OutW)
    {
        public static PoolShape Of(string op, Shape x, int kernel, int stride, int padding)
        {
            if (x.Rank != 4)
                throw new ArgumentException($"{op}: input {x} must be [B, C, H, W].", nameof(x));
            if (kernel < 1 || stride < 1 || padding < 0 || padding > kernel / 2)
                throw new ArgumentOutOfRangeException(nameof(kernel),
                    $"{op}: kernel {kernel}, stride {stride}, padding {padding} are invalid; need kernel ≥ 1, stride ≥ 1, 0 ≤ padding ≤ kernel/2.");
            int h = x[2], w = x[3];
            if (h + 2 * padding < kernel || w + 2 * padding < kernel)
                throw new ArgumentException($"{op}: window {kernel}×{kernel} does not fit input {x} with padding {padding}.", nameof(x));
            return new PoolShape(x[0] * x[1], h, w, stride, (h + 2 * padding - kernel) / stride + 1, (w + 2 * padding - kernel) / stride + 1);
        }
    }
}
