using System.Numerics.Tensors;
using NeuroCore.Autodiff;
using NeuroCore.Kernels;

namespace NeuroCore;

public static partial class Ops
{
    /// <summary>
    /// 2-D convolution (PyTorch <c>conv2d</c>, cross-correlation) of <paramref name="x"/> [B, C, H, W] with
    /// <paramref name="weight"/> [O, C, kH, kW] and an optional <paramref name="bias"/> [O], giving [B, O, outH, outW]
    /// with <c>out = (in + 2·padding − k) / stride + 1</c>. Effectively computes
    /// <c>y[b, o, i, j] = bias[o] + Σ_{c,u,v} w[o, c, u, v] · x[b, c, i·s − p + u, j·s − p + v]</c> (zero outside).
    /// Lowered per sample to im2col + one GEMM <c>W[O, C·kH·kW] · cols[C·kH·kW, outH·outW]</c>.
    /// </summary>
    public static Tensor Conv2d(Tape tape, Tensor x, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        var g = ConvShape.Of(x.Shape, weight.Shape, bias?.Shape, stride, padding);
        var y = tape.Allocate(new Shape(g.Batch, g.Out, g.OutH, g.OutW));
        var cols = tape.Allocate(new Shape(g.Patch, g.Pixels));
        ReadOnlySpan<float> xs = x.Span, ws = weight.Span;
        var ys = y.Span;
        for (int b = 0; b < g.Batch; b++)
        {
            var yb = ys.Slice(b * g.Out * g.Pixels, g.Out * g.Pixels);
            Conv.Im2Col(xs.Slice(b * g.ImageSize, g.ImageSize), g.Channels, g.Height, g.Width, g.KernelH, g.KernelW,
                stride, stride, padding, padding, cols.Span);
            if (bias is not null)
            {
                ReadOnlySpan<float> bs = bias.Span;
                for (int o = 0; o < g.Out; o++) yb.Slice(o * g.Pixels, g.Pixels).Fill(bs[o]);
            }
            Gemm.Sgemm(false, false, g.Out, g.Pixels, g.Patch, 1f, ws, g.Patch, cols.Span, g.Pixels, bias is null ? 0f : 1f, yb, g.Pixels, tape.Threads);
        }
        if (tape.ShouldRecord(x, weight, bias))
            tape.Record(new TapeEntry { Op = OpCode.Conv2d, Output = y, A = x, B = weight, C = bias, Saved0 = cols, I0 = stride, I1 = padding });
        return y;
    }

    /// <summary>
    /// Conv2d backward, per sample: <c>dW += dY_b · cols_bᵀ</c>, <c>db[o] += Σ dY_b[o, :]</c>,
    /// <c>dx_b += col2im(Wᵀ · dY_b)</c>. The columns are rebuilt from x rather than kept for every sample.
    /// </summary>
    internal static void Conv2dBackward(Tape tape, in TapeEntry e)
    {
        var x = e.A!;
        var w = e.B!;
        int stride = e.I0, padding = e.I1;
        var g = ConvShape.Of(x.Shape, w.Shape, e.C?.Shape, stride, padding);
        ReadOnlySpan<float> dy = tape.GradOf(e.Output)!.Span;
        ReadOnlySpan<float> xs = x.Span, ws = w.Span;
        var cols = e.Saved0!.Span;
        bool needX = tape.NeedsGrad(x), needW = tape.NeedsGrad(w);
        Span<float> dx = needX ? tape.GradSum(x) : default;
        float betaW = 0f;
        Span<float> dw = needW ? tape.GradAccumulator(w, out betaW) : default;
        for (int b = 0; b < g.Batch; b++)
        {
            var dyb = dy.Slice(b * g.Out * g.Pixels, g.Out * g.Pixels);
            if (needW)
            {
                Conv.Im2Col(xs.Slice(b * g.ImageSize, g.ImageSize), g.Channels, g.Height, g.Width, g.KernelH, g.KernelW,
                    stride, stride, padding, padding, cols);
                Gemm.Sgemm(false, true, g.Out, g.Patch, g.Pixels, 1f, dyb, g.Pixels, cols, g.Pixels, b == 0 ? betaW : 1f, dw, g.Patch, tape.Threads);
            }
            if (needX)
            {
                Gemm.Sgemm(true, false, g.Patch, g.Pixels, g.Out, 1f, ws, g.Patch, dyb, g.Pixels, 0f, cols, g.Pixels, tape.Threads);
                Conv.Col2Im(cols, g.Channels, g.Height, g.Width, g.KernelH, g.KernelW, stride, stride, padding, padding,
                    dx.Slice(b * g.ImageSize, g.ImageSize));
            }
        }
        if (e.C is { } bias && tape.NeedsGrad(bias))
        {
            var db = tape.GradSum(bias);
            for (int b = 0; b < g.Batch; b++)
                for (int o = 0; o < g.Out; o++)
                    db[o] += TensorPrimitives.Sum(dy.Slice((b * g.Out + o) * g.Pixels, g.Pixels));
        }
    }

    readonly record struct ConvShape(int Batch, int Channels, int Height, int Width, int Out, int KernelH, int KernelW, int OutH, int OutW)
    {
        public int ImageSize => Channels * Height * Width;
        public int Patch => Channels * KernelH * KernelW;
        public int Pixels => OutH * OutW;

        public static ConvShape Of(Shape x, Shape w, Shape? bias, int stride, int padding)
        {
            if (x.Rank != 4 || w.Rank != 4 || x[1] != w[1])
                throw new ArgumentException(
                    $"Ops.Conv2d: input {x} and weight {w} do not match; expected input [B, C, H, W] and weight [O, C, kH, kW] with the same C.", nameof(w));
            if (bias is { } b && (b.Rank != 1 || b[0] != w[0]))
                throw new ArgumentException($"Ops.Conv2d: bias {b} does not match weight {w}; expected [{w[0]}].", nameof(bias));
            if (stride < 1 || padding < 0)
                throw new ArgumentOutOfRangeException(nameof(stride), $"Ops.Conv2d: stride {stride} must be ≥ 1 and padding {padding} ≥ 0.");
            int h = x[2], wd = x[3], kh = w[2], kw = w[3];
            if (h < 1 || wd < 1 || kh < 1 || kw < 1 || kh > h + 2 * padding || kw > wd + 2 * padding)
                throw new ArgumentException(
                    $"Ops.Conv2d: kernel {kh}×{kw} does not fit input {x} with padding {padding}; use a smaller kernel or more padding.", nameof(w));
            return new ConvShape(x[0], x[1], h, wd, w[0], kh, kw, (h + 2 * padding - kh) / stride + 1, (wd + 2 * padding - kw) / stride + 1);
        }
    }
}
