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
    /// </summary>
    /// <remarks>
    /// Lowered to im2col + GEMM over a chunk of samples at once: the chunk's columns sit side by side in one
    /// [C·kH·kW, n·outH·outW] matrix, so one large GEMM <c>W · cols</c> replaces n thin ones (the GEMM packs once and its
    /// micro-kernel sees a wide N). Chunks cap the scratch at about <see cref="ConvScratchFloats"/> floats.
    /// </remarks>
    public static Tensor Conv2d(Tape tape, Tensor x, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        var g = ConvShape.Of(x.Shape, weight.Shape, bias?.Shape, stride, padding);
        var y = tape.Allocate(new Shape(g.Batch, g.Out, g.OutH, g.OutW));
        int chunk = g.Chunk;
        var cols = tape.Allocate(new Shape(g.Patch, chunk * g.Pixels));
        var product = tape.Allocate(new Shape(g.Out, chunk * g.Pixels));
        var image = tape.Allocate(new Shape(g.Patch, g.Pixels));
        ReadOnlySpan<float> bs = bias is null ? default : bias.Span;
        var ys = y.Span;
        for (int b0 = 0; b0 < g.Batch; b0 += chunk)
        {
            int n = Math.Min(chunk, g.Batch - b0), width = n * g.Pixels;
            GatherColumns(x.Span, g, b0, n, stride, padding, image.Span, cols.Span);
            var prod = product.Span[..(g.Out * width)];
            Gemm.Sgemm(false, false, g.Out, width, g.Patch, 1f, weight.Span, g.Patch, cols.Span, width, 0f, prod, width, tape.Threads);
            // [O, n·P] → [n, O, P], adding the bias on the way.
            for (int o = 0; o < g.Out; o++)
                for (int b = 0; b < n; b++)
                {
                    var src = prod.Slice((o * width) + (b * g.Pixels), g.Pixels);
                    var dst = ys.Slice((((b0 + b) * g.Out) + o) * g.Pixels, g.Pixels);
                    if (bias is null) src.CopyTo(dst);
                    else TensorPrimitives.Add(src, bs[o], dst);
                }
        }
        if (tape.ShouldRecord(x, weight, bias))
            tape.Record(new TapeEntry { Op = OpCode.Conv2d, Output = y, A = x, B = weight, C = bias, Saved0 = cols, Saved1 = product, I0 = stride, I1 = padding, I2 = image.Size });
        return y;
    }

    /// <summary>The scratch budget of one Conv2d chunk, in floats (16 MiB).</summary>
    internal const int ConvScratchFloats = 1 << 22;

    /// <summary>
    /// Conv2d backward, per chunk of n samples with <c>dY</c> gathered to [O, n·P] and the columns reused (one chunk) or
    /// rebuilt from x (several):
    /// <c>dW += dY · colsᵀ</c>, <c>db[o] += Σ dY[o, :]</c>, <c>dx_b += col2im((Wᵀ · dY)_b)</c>.
    /// </summary>
    internal static void Conv2dBackward(Tape tape, in TapeEntry e)
    {
        var x = e.A!;
        var w = e.B!;
        int stride = e.I0, padding = e.I1;
        var g = ConvShape.Of(x.Shape, w.Shape, e.C?.Shape, stride, padding);
        ReadOnlySpan<float> dy = tape.GradOf(e.Output)!.Span;
        var cols = e.Saved0!.Span;
        var dyc = e.Saved1!.Span;
        var image = tape.Allocate(new Shape(e.I2)).Span;
        bool needX = tape.NeedsGrad(x), needW = tape.NeedsGrad(w);
        bool needB = e.C is not null && tape.NeedsGrad(e.C);
        Span<float> dx = needX ? tape.GradSum(x) : default;
        float betaW = 0f;
        Span<float> dw = needW ? tape.GradAccumulator(w, out betaW) : default;
        Span<float> db = needB ? tape.GradSum(e.C!) : default;
        int chunk = g.Chunk;
        for (int b0 = 0; b0 < g.Batch; b0 += chunk)
        {
            int n = Math.Min(chunk, g.Batch - b0), width = n * g.Pixels;
            var dyChunk = dyc[..(g.Out * width)];
            for (int o = 0; o < g.Out; o++)
                for (int b = 0; b < n; b++)
                    dy.Slice((((b0 + b) * g.Out) + o) * g.Pixels, g.Pixels).CopyTo(dyChunk.Slice((o * width) + (b * g.Pixels), g.Pixels));
            if (needB)
                for (int o = 0; o < g.Out; o++) db[o] += TensorPrimitives.Sum(dyChunk.Slice(o * width, width));
            if (needW)
            {
                // With one chunk the forward's columns are still in the saved buffer; otherwise rebuild this chunk's.
                if (g.Batch > chunk) GatherColumns(x.Span, g, b0, n, stride, padding, image, cols);
                Gemm.Sgemm(false, true, g.Out, g.Patch, width, 1f, dyChunk, width, cols, width, b0 == 0 ? betaW : 1f, dw, g.Patch, tape.Threads);
            }
            if (needX)
            {
                var dcols = cols[..(g.Patch * width)];
                Gemm.Sgemm(true, false, g.Patch, width, g.Out, 1f, w.Span, g.Patch, dyChunk, width, 0f, dcols, width, tape.Threads);
                for (int b = 0; b < n; b++)
                {
                    for (int r = 0; r < g.Patch; r++)
                        dcols.Slice((r * width) + (b * g.Pixels), g.Pixels).CopyTo(image.Slice(r * g.Pixels, g.Pixels));
                    Conv.Col2Im(image, g.Channels, g.Height, g.Width, g.KernelH, g.KernelW, stride, stride, padding, padding,
                        dx.Slice((b0 + b) * g.ImageSize, g.ImageSize));
                }
            }
        }
    }

    /// <summary>Builds the [Patch, n·P] column matrix of samples b0..b0+n−1 (each sample's im2col side by side).</summary>
    static void GatherColumns(ReadOnlySpan<float> x, in ConvShape g, int b0, int n, int stride, int padding, Span<float> image, Span<float> cols)
    {
        int width = n * g.Pixels;
        for (int b = 0; b < n; b++)
        {
            var target = n == 1 ? cols : image;
            Conv.Im2Col(x.Slice((b0 + b) * g.ImageSize, g.ImageSize), g.Channels, g.Height, g.Width, g.KernelH, g.KernelW,
                stride, stride, padding, padding, target);
            if (n == 1) return;
            for (int r = 0; r < g.Patch; r++)
                image.Slice(r * g.Pixels, g.Pixels).CopyTo(cols.Slice((r * width) + (b * g.Pixels), g.Pixels));
        }
    }

    readonly record struct ConvShape(int Batch, int Channels, int Height, int Width, int Out, int KernelH, int KernelW, int OutH, int OutW)
    {
        public int ImageSize => Channels * Height * Width;
        public int Patch => Channels * KernelH * KernelW;
        public int Pixels => OutH * OutW;

        /// <summary>Samples per chunk: as many as fit the scratch budget (at least one).</summary>
        public int Chunk => (int)Math.Clamp(ConvScratchFloats / Math.Max(1L, (long)Pixels * Math.Max(Patch, Out)), 1, Math.Max(1, Batch));

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
