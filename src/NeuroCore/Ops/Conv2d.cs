using System.Numerics.Tensors;
using NeuroCore.Autodiff;
using NeuroCore.Kernels;
using NeuroCore.Kernels.Parallel;

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
    /// Lowered per sample: each worker unfolds one sample at a time into its own [C·kH·kW, outH·outW] column buffer
    /// (about 0.9 MB for 32 channels of 28×28 with a 3×3 kernel, so it stays in L2) and multiplies <c>W · cols</c>
    /// straight into that sample's [O, outH·outW] slice of the output, which is already the NCHW layout, with the bias
    /// added in the GEMM's epilogue. The samples are claimed one at a time by up to <see cref="Tape.Threads"/> workers (so a worker delayed by
    /// another process leaves its share to the others); every sample is computed the same way on whichever worker, so
    /// the output is bitwise identical for any thread count. Nothing is saved for backward beyond
    /// the input and weight: the backward unfolds each sample again, which is cheaper than keeping every sample's
    /// columns (C·kH·kW times the input).
    /// </remarks>
    public static Tensor Conv2d(Tape tape, Tensor x, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        var g = ConvShape.Of(x.Shape, weight.Shape, bias?.Shape, stride, padding);
        var y = tape.Allocate(new Shape(g.Batch, g.Out, g.OutH, g.OutW));
        int workers = Math.Min(tape.Threads, g.Batch);
        var cols = tape.Allocate(new Shape(workers, g.ColumnSize));
        var job = new ConvJob
        {
            Geometry = g, Stride = stride, Padding = padding, Groups = g.Batch,
            X = x.Storage, XOffset = x.StorageOffset, W = weight.Storage, WOffset = weight.StorageOffset,
            Bias = bias?.Storage, BiasOffset = bias?.StorageOffset ?? 0,
            Y = y.Storage, YOffset = y.StorageOffset, Cols = cols.Storage, ColsOffset = cols.StorageOffset,
        };
        FixedPartition.RunChunks(g.Batch, g.Batch, workers, in job);
        if (tape.ShouldRecord(x, weight, bias))
            tape.Record(new TapeEntry { Op = OpCode.Conv2d, Output = y, A = x, B = weight, C = bias, I0 = stride, I1 = padding });
        return y;
    }

    /// <summary>
    /// Most groups the batch is cut into for the weight and bias gradients. Each group sums its samples' contributions
    /// into its own partial and the partials are added in group order; the groups depend on the batch alone, never on
    /// the thread count, so the gradients are bitwise identical for any number of threads. 32 groups (4 samples each at
    /// a batch of 128) keep the last group a worker claims short, so at 2 threads the other waits little for it.
    /// </summary>
    internal const int ConvGradGroups = 32;

    /// <summary>
    /// Up to this many taps per output channel (C·kH·kW) the weight gradient takes <see cref="Conv.RowDots"/>: the GEMM
    /// would pad so small an N to its micro-tile and pack a K as long as the image (a 1-channel 3×3 conv runs about
    /// 2.5× faster this way).
    /// </summary>
    internal const int ConvRowDotsMaxPatch = 16;

    /// <summary>
    /// Conv2d backward, per sample on the workers that also split the forward: with <c>dY_b</c> the sample's
    /// [O, outH·outW] slice of the output gradient and <c>cols_b</c> its columns (unfolded again),
    /// <c>dW_g += dY_b · cols_bᵀ</c> and <c>db_g[o] += Σ dY_b[o, :]</c> into the partial of the sample's group g,
    /// and <c>dx_b += col2im(Wᵀ · dY_b)</c>; then <c>dW = Σ_g dW_g</c> and <c>db = Σ_g db_g</c> in group order. A worker's
    /// column buffer holds the sample's columns, then its column gradient, which col2im may overwrite as it folds it.
    /// </summary>
    internal static void Conv2dBackward(Tape tape, in TapeEntry e)
    {
        var x = e.A!;
        var w = e.B!;
        int stride = e.I0, padding = e.I1;
        var g = ConvShape.Of(x.Shape, w.Shape, e.C?.Shape, stride, padding);
        var dy = tape.GradOf(e.Output)!;
        bool needX = tape.NeedsGrad(x), needW = tape.NeedsGrad(w);
        bool needB = e.C is not null && tape.NeedsGrad(e.C);
        int groups = Math.Min(ConvGradGroups, g.Batch), workers = Math.Min(tape.Threads, groups);
        // One column buffer per worker: a sample's columns, then (once the weight gradient has read them) its column
        // gradient, so a worker's working set is one [Patch, Pixels] matrix, not two.
        var scratch = tape.Allocate(new Shape(workers, needW || needX ? g.ColumnSize : 0));
        int partialSize = (needW ? g.Out * g.Patch : 0) + (needB ? g.Out : 0);
        var partials = tape.Allocate(new Shape(groups, partialSize));
        float betaX = 0f;
        Tensor? dx = null;
        if (needX)
        {
            tape.GradAccumulator(x, out betaX);
            dx = tape.GradOf(x)!;
        }
        var job = new ConvJob
        {
            Backward = true, Geometry = g, Stride = stride, Padding = padding, Groups = groups,
            NeedW = needW, NeedB = needB, AccumulateX = betaX != 0f,
            X = x.Storage, XOffset = x.StorageOffset, W = w.Storage, WOffset = w.StorageOffset,
            Y = dy.Storage, YOffset = dy.StorageOffset, Cols = scratch.Storage, ColsOffset = scratch.StorageOffset,
            Dx = dx?.Storage, DxOffset = dx?.StorageOffset ?? 0, Partials = partials.Storage, PartialsOffset = partials.StorageOffset,
        };
        FixedPartition.RunChunks(groups, groups, workers, in job);
        if (!needW && !needB) return;
        // Σ_g partial_g for every element at once: column sums of [groups, partialSize], each column added in group order
        // (bitwise for any thread count), on the tape's threads.
        var sums = tape.Allocate(new Shape(partialSize));
        Reduce.SumColumns(partials.Span, groups, partialSize, sums.Span, tape.Threads);
        ReadOnlySpan<float> ss = sums.Span;
        if (needW)
        {
            var dw = tape.GradAccumulator(w, out float betaW);
            AddInto(dw[..(g.Out * g.Patch)], betaW, ss[..(g.Out * g.Patch)]);
        }
        if (needB)
        {
            var db = tape.GradAccumulator(e.C!, out float betaB);
            AddInto(db[..g.Out], betaB, ss.Slice(needW ? g.Out * g.Patch : 0, g.Out));
        }
    }

    /// <summary>target = source (beta 0: target is write-only) or target + source (beta 1).</summary>
    static void AddInto(Span<float> target, float beta, ReadOnlySpan<float> source)
    {
        if (beta == 0f) source.CopyTo(target);
        else TensorPrimitives.Add(target, source, target);
    }

    /// <summary>
    /// One Conv2d pass over the batch, in chunks of <see cref="Groups"/> that the workers claim one at a time: group gi
    /// takes samples [ChunkStart(Batch, Groups, gi), ChunkStart(Batch, Groups, gi+1)); the forward uses one group per
    /// sample. The worker running a group uses slot <c>worker</c> of <see cref="Cols"/>; in backward that slot holds
    /// the columns and then the column gradient.
    /// </summary>
    struct ConvJob : IWorkerRangeBody
    {
        public ConvShape Geometry;
        public int Stride, Padding, Groups;
        public bool Backward, NeedW, NeedB, AccumulateX;
        public float[] X, W, Y, Cols;
        public float[]? Bias, Dx, Partials;
        public int XOffset, WOffset, BiasOffset, YOffset, ColsOffset, DxOffset, PartialsOffset;

        public readonly void Invoke(int worker, int start, int limit)
        {
            for (int gi = start; gi < limit; gi++)
            {
                int b0 = FixedPartition.ChunkStart(Geometry.Batch, Groups, gi), b1 = FixedPartition.ChunkStart(Geometry.Batch, Groups, gi + 1);
                if (Backward) BackwardGroup(worker, gi, b0, b1);
                else for (int b = b0; b < b1; b++) ForwardSample(worker, b);
            }
        }

        readonly void ForwardSample(int t, int b)
        {
            var g = Geometry;
            var cols = Cols.AsSpan(ColsOffset + (t * g.ColumnSize), g.ColumnSize);
            var y = Y.AsSpan(YOffset + (b * g.Out * g.Pixels), g.Out * g.Pixels);
            Unfold(b, cols);
            var w = W.AsSpan(WOffset, g.Out * g.Patch);
            // The bias enters the GEMM's first K-block epilogue, so the output is written once and not read back for it.
            if (Bias is null) Gemm.Sgemm(false, false, g.Out, g.Pixels, g.Patch, 1f, w, g.Patch, cols, g.Pixels, 0f, y, g.Pixels);
            else Gemm.SgemmRowBias(false, false, g.Out, g.Pixels, g.Patch, 1f, w, g.Patch, cols, g.Pixels, 0f, y, g.Pixels, Bias.AsSpan(BiasOffset, g.Out));
        }

        readonly void BackwardGroup(int t, int gi, int b0, int b1)
        {
            var g = Geometry;
            // The columns and then the column gradient share the worker's slot (the weight gradient reads the columns
            // first), so a worker touches one [Patch, Pixels] matrix per sample, not two.
            var cols = Cols.AsSpan(ColsOffset + (t * g.ColumnSize), g.ColumnSize);
            var dcols = cols;
            int partialSize = (NeedW ? g.Out * g.Patch : 0) + (NeedB ? g.Out : 0);
            var partial = Partials.AsSpan(PartialsOffset + (gi * partialSize), partialSize);
            var dw = partial[..(NeedW ? g.Out * g.Patch : 0)];
            var db = partial[dw.Length..];
            var wt = W.AsSpan(WOffset, g.Out * g.Patch);
            for (int b = b0; b < b1; b++)
            {
                var dy = Y.AsSpan(YOffset + (b * g.Out * g.Pixels), g.Out * g.Pixels);
                if (NeedB)
                    for (int o = 0; o < g.Out; o++)
                    {
                        float s = TensorPrimitives.Sum(dy.Slice(o * g.Pixels, g.Pixels));
                        db[o] = b == b0 ? s : db[o] + s;
                    }
                if (NeedW)
                {
                    Unfold(b, cols);
                    float beta = b == b0 ? 0f : 1f;
                    if (g.Patch <= ConvRowDotsMaxPatch) Conv.RowDots(dy, g.Out, cols, g.Patch, g.Pixels, beta, dw);
                    else Gemm.Sgemm(false, true, g.Out, g.Patch, g.Pixels, 1f, dy, g.Pixels, cols, g.Pixels, beta, dw, g.Patch);
                }
                if (Dx is not null)
                {
                    Gemm.Sgemm(true, false, g.Patch, g.Pixels, g.Out, 1f, wt, g.Patch, dy, g.Pixels, 0f, dcols, g.Pixels);
                    var dx = Dx.AsSpan(DxOffset + (b * g.ImageSize), g.ImageSize);
                    if (!AccumulateX) dx.Clear();
                    Conv.Col2ImDestructive(dcols, g.Channels, g.Height, g.Width, g.KernelH, g.KernelW, Stride, Stride, Padding, Padding, dx);
                }
            }
        }

        /// <summary>Sample b's columns, [Patch, Pixels].</summary>
        readonly void Unfold(int b, Span<float> cols) =>
            Conv.Im2Col(X.AsSpan(XOffset + (b * Geometry.ImageSize), Geometry.ImageSize), Geometry.Channels, Geometry.Height,
                Geometry.Width, Geometry.KernelH, Geometry.KernelW, Stride, Stride, Padding, Padding, cols);
    }

    readonly record struct ConvShape(int Batch, int Channels, int Height, int Width, int Out, int KernelH, int KernelW, int OutH, int OutW)
    {
        public int ImageSize => Channels * Height * Width;
        public int Patch => Channels * KernelH * KernelW;
        public int Pixels => OutH * OutW;

        /// <summary>Floats in one sample's column matrix, [Patch, Pixels].</summary>
        public int ColumnSize => Patch * Pixels;

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
