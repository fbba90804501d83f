using System.Numerics.Tensors;
using NeuroCore.Autodiff;
using NeuroCore.Kernels;
using NeuroCore.Kernels.Parallel;
using NeuroCore.Nn;

namespace NeuroCore.Snn;

/// <summary>
/// A sparse 2-D convolution (cross-correlation, like <see cref="Ops.Conv2d"/>) whose weight W [O, C·k·k] is a
/// <see cref="CsrPattern"/>: x [B, C, H, W] → y [B, O, H', W'] with <c>H' = (H + 2·padding − k) / stride + 1</c>, where
/// only the pattern's connections (output channel, input channel × kernel element) exist and cost time. Effectively
/// computes <c>y[b, o, i, j] = bias[o] + Σ_{(o, c·k·k + u·k + v) in M} w · x[b, c, i·s − p + u, j·s − p + v]</c>
/// (zero outside), the dense convolution with the masked weight W ⊙ M.
/// </summary>
/// <remarks>
/// <para>
/// <b>Lowering.</b> Per image, <see cref="Conv.Im2Col"/> unfolds x into columns [C·k·k, H'W'], which are exactly the
/// feature-major Xᵀ of a sparse synapse with C·k·k inputs and H'W' samples, so <see cref="Csr.Multiply(CsrPattern, ReadOnlySpan{float}, bool, ReadOnlySpan{float}, int, ReadOnlySpan{float}, Span{float}, int)"/>
/// writes W·cols + b straight into the image's [O, H'W'] slice of the output (the NCHW layout). The work is
/// nnz·H'W' multiply-adds per image instead of O·C·k·k·H'W'. The images are claimed one at a time by up to
/// <see cref="Tape.Threads"/> workers; each image is computed the same way on any worker, so the output is bitwise
/// identical for any thread count.
/// </para>
/// <para>
/// <b>Backward.</b> The weight gradient exists on the pattern only: per group of images (<see cref="GradGroups"/>
/// groups fixed by the batch alone), the images' columns (unfolded again) and output gradients are laid side by side
/// and one <see cref="Csr.WeightGrad(CsrPattern, ReadOnlySpan{float}, ReadOnlySpan{float}, int, Span{float}, int)"/>
/// sums over all their n·H'W' positions into the group's partial; the partials are added in group order, so ∂values and ∂b are bitwise identical for
/// any thread count. The input gradient, only when x needs one, is the transposed product Wᵀ·∂y into the column
/// gradient, folded back by <see cref="Conv.Col2Im"/>.
/// </para>
/// <para>
/// <b>Parameters and rewiring.</b> The weights are a <see cref="CsrSynapse"/> [O, C·k·k] (<see cref="Synapse"/>):
/// "{name}.values" [nnz] by slot and "{name}.bias" [O]; Erdős–Rényi at density d over the O·C·k·k positions (the same
/// p = d for every kernel element), values and bias U(±1/√(d·C·k·k)), the Kaiming fan-in bound scaled by 1/√d.
/// <see cref="Rewire"/> is the synapse's (prune, grow, nnz constant, grown values 0, moved slots reported).
/// </para>
/// </remarks>
public sealed class SparseConv2d : ISparseSynapse, ICustomBackward
{
    /// <summary>
    /// Most groups the batch is cut into for the weight and bias gradients; they depend on the batch alone, never on the
    /// thread count.
    /// </summary>
    public const int GradGroups = 16;

    readonly string _label;
    Tape? _lastTape;
    Tensor? _lastInput, _lastOutput;

    /// <summary>A sparse convolution with an Erdős–Rényi pattern at <paramref name="density"/>, parameters added to <paramref name="store"/>.</summary>
    /// <param name="store">The model's store.</param>
    /// <param name="name">The layer name (parameter prefix).</param>
    /// <param name="inChannels">Input channels C, ≥ 1.</param>
    /// <param name="outChannels">Output channels O, ≥ 1.</param>
    /// <param name="kernel">The square kernel size k, ≥ 1.</param>
    /// <param name="density">The fraction of the O·C·k·k connections kept, in (0, 1].</param>
    /// <param name="seed">Seed of the pattern and of the values.</param>
    /// <param name="stride">The stride, ≥ 1.</param>
    /// <param name="padding">Zero padding on every side, ≥ 0.</param>
    /// <param name="bias">Whether to add a bias.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range or the density is outside (0, 1].</exception>
    public SparseConv2d(ParameterStore store, string name, int inChannels, int outChannels, int kernel, double density, ulong seed,
        int stride = 1, int padding = 0, bool bias = true)
        : this(store, name, inChannels, kernel, MakePattern(name, inChannels, outChannels, kernel, density, seed), seed, stride, padding, bias)
    {
    }

    /// <summary>A sparse convolution on a given pattern [O, C·k·k] (for example loaded with <see cref="CsrSynapse.LoadPattern"/>).</summary>
    /// <param name="store">The model's store.</param>
    /// <param name="name">The layer name (parameter prefix).</param>
    /// <param name="inChannels">Input channels C.</param>
    /// <param name="kernel">The square kernel size k.</param>
    /// <param name="pattern">The pattern [O, C·k·k], column c·k·k + u·k + v for channel c and kernel element (u, v); the layer takes it over.</param>
    /// <param name="seed">Seed of the values.</param>
    /// <param name="stride">The stride, ≥ 1.</param>
    /// <param name="padding">Zero padding on every side, ≥ 0.</param>
    /// <param name="bias">Whether to add a bias.</param>
    /// <exception cref="ArgumentException">The pattern does not have C·k·k columns, or a size is out of range.</exception>
    public SparseConv2d(ParameterStore store, string name, int inChannels, int kernel, CsrPattern pattern, ulong seed,
        int stride = 1, int padding = 0, bool bias = true)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentException.ThrowIfNullOrEmpty(name);
        CheckGeometry(name, inChannels, pattern.Rows, kernel, stride, padding);
        if (pattern.Columns != inChannels * kernel * kernel)
            throw new ArgumentException(
                $"SparseConv2d '{name}': the pattern is [{pattern.Rows}, {pattern.Columns}] but {inChannels} channels × {kernel}×{kernel} kernel need [O, {inChannels * kernel * kernel}]; build it for C·k·k columns.", nameof(pattern));
        Name = name;
        _label = $"SparseConv2d '{name}'";
        InChannels = inChannels;
        Kernel = kernel;
        Stride = stride;
        Padding = padding;
        Synapse = new CsrSynapse(store, name, pattern, seed, bias);
    }

    static CsrPattern MakePattern(string name, int inChannels, int outChannels, int kernel, double density, ulong seed)
    {
        CheckGeometry(name, inChannels, outChannels, kernel, 1, 0);
        if (!(density > 0 && density <= 1))
            throw new ArgumentOutOfRangeException(nameof(density), density,
                $"SparseConv2d '{name}': density must be in (0, 1] (the fraction of the {outChannels}×{inChannels}×{kernel}×{kernel} connections kept, 0.1 for 10 %); use Conv2d for a dense layer.");
        return CsrPattern.ErdosRenyi(outChannels, inChannels * kernel * kernel, density, seed ^ Init.StreamOf(name + ".pattern"));
    }

    static void CheckGeometry(string name, int inChannels, int outChannels, int kernel, int stride, int padding)
    {
        if (inChannels < 1 || outChannels < 1 || kernel < 1 || stride < 1 || padding < 0)
            throw new ArgumentOutOfRangeException(nameof(inChannels),
                $"SparseConv2d '{name}': channels {inChannels}→{outChannels}, kernel {kernel}, stride {stride}, padding {padding}; channels, kernel and stride must be ≥ 1 and padding ≥ 0.");
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>The weights: a sparse synapse [O, C·k·k] holding the pattern, "{name}.values" and "{name}.bias".</summary>
    public CsrSynapse Synapse { get; }

    /// <summary>Input channels C.</summary>
    public int InChannels { get; }

    /// <summary>Output channels O.</summary>
    public int OutChannels => Synapse.OutFeatures;

    /// <summary>The square kernel size k.</summary>
    public int Kernel { get; }

    /// <summary>The stride.</summary>
    public int Stride { get; }

    /// <summary>The zero padding on every side.</summary>
    public int Padding { get; }

    /// <summary>The pattern [O, C·k·k] (slots index <see cref="Values"/>).</summary>
    public CsrPattern Pattern => Synapse.Pattern;

    /// <inheritdoc/>
    public Tensor Values => Synapse.Values;

    /// <summary>b [O] ("{name}.bias"), or null.</summary>
    public Tensor? Bias => Synapse.Bias;

    /// <inheritdoc/>
    public int Nnz => Synapse.Nnz;

    /// <inheritdoc/>
    public long Positions => Synapse.Positions;

    /// <inheritdoc/>
    public double Density => Synapse.Density;

    /// <summary>W ⊙ M as a dense [O, C, k, k] row-major array (for checks and export).</summary>
    /// <returns>A new array.</returns>
    public float[] ToDense() => Synapse.ToDense();

    /// <summary>
    /// Convolves x [B, C, H, W] → [B, O, H', W'], recorded on <paramref name="tape"/> as one entry (gradients for x, the
    /// values and the bias).
    /// </summary>
    /// <param name="tape">The tape.</param>
    /// <param name="x">The input [B, C, H, W].</param>
    /// <returns>The output [B, O, H', W'].</returns>
    /// <exception cref="ArgumentException">x is not [B, C, H, W] with this layer's C, or the kernel does not fit it.</exception>
    public Tensor Forward(Tape tape, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        var g = GeometryOf(x.Shape);
        var y = tape.Allocate(new Shape(g.Batch, OutChannels, g.OutH, g.OutW));
        int workers = Math.Min(tape.Threads, g.Batch);
        if (g.Batch > 0)
        {
            var cols = tape.Allocate(new Shape(workers, g.ColumnSize));
            var job = new Job
            {
                Layer = this, Geometry = g, Groups = g.Batch, X = x.Memory, Y = y.Memory, Scratch = cols.Memory,
            };
            FixedPartition.RunChunks(g.Batch, g.Batch, workers, in job);
        }
        if (tape.ShouldRecord(x, Values, Bias))
        {
            tape.Record(new TapeEntry { Op = OpCode.Custom, Custom = this, Output = y, A = x, B = Values, C = Bias, I0 = Pattern.Version });
            _lastTape = tape;
            _lastInput = x;
            _lastOutput = y;
        }
        return y;
    }

    /// <inheritdoc/>
    public void Backward(Tape tape, in TapeEntry entry)
    {
        ArgumentNullException.ThrowIfNull(tape);
        if (entry.I0 != Pattern.Version)
            throw new InvalidOperationException(
                $"{_label}: the pattern was rewired (version {entry.I0} → {Pattern.Version}) between the forward and the backward; rewire after the optimizer step, before the next forward.");
        var x = entry.A!;
        var g = GeometryOf(x.Shape);
        if (g.Batch == 0) return;
        bool needX = tape.NeedsGrad(x), needV = tape.NeedsGrad(Values), needB = entry.C is not null && tape.NeedsGrad(entry.C);
        int groups = Math.Min(GradGroups, g.Batch), workers = Math.Min(tape.Threads, groups);
        int partialSize = (needV ? Nnz : 0) + (needB ? OutChannels : 0);
        int perGroup = (g.Batch + groups - 1) / groups;
        var scratch = tape.Allocate(new Shape(workers, ScratchPerWorker(g, needV, perGroup)));
        var partials = tape.Allocate(new Shape(groups, partialSize));
        Memory<float> dx = default;
        if (needX)
        {
            tape.GradAccumulator(x, out float beta);
            var grad = tape.GradOf(x)!;
            dx = grad.Memory;
            if (beta == 0f) grad.Span.Clear(); // Col2Im adds into the image: start from zero
        }
        var job = new Job
        {
            Layer = this, Geometry = g, Groups = groups, Backward = true, NeedValues = needV, NeedBias = needB, PerGroup = perGroup,
            X = x.Memory, Y = tape.GradOf(entry.Output)!.Memory, Scratch = scratch.Memory, Dx = dx, Partials = partials.Memory,
        };
        FixedPartition.RunChunks(groups, groups, workers, in job);
        var ps = partials.Span;
        if (needV) AddPartials(ps, groups, partialSize, 0, tape.GradSum(Values)[..Nnz]);
        if (needB) AddPartials(ps, groups, partialSize, needV ? Nnz : 0, tape.GradSum(entry.C!)[..OutChannels]);
    }

    /// <summary>
    /// Backward scratch of one worker: one image's columns (then its column gradient) and, for the weight gradient, the
    /// group's columns [C·k·k, n·H'W'] and output gradient [O, n·H'W'] side by side (n = images per group), so one
    /// <see cref="Csr.WeightGrad(CsrPattern, ReadOnlySpan{float}, ReadOnlySpan{float}, int, Span{float}, int)"/> call
    /// sums over the whole group: its per-connection reduction is paid once per group instead of once per image.
    /// </summary>
    int ScratchPerWorker(ConvGeometry g, bool needV, int perGroup) =>
        g.ColumnSize + (needV ? (g.Patch + OutChannels) * perGroup * g.Pixels : 0);

    /// <summary>target += Σ_g partials[g, offset..offset+len] in group order.</summary>
    static void AddPartials(ReadOnlySpan<float> partials, int groups, int stride, int offset, Span<float> target)
    {
        for (int gi = 0; gi < groups; gi++) TensorPrimitives.Add(target, partials.Slice((gi * stride) + offset, target.Length), target);
    }

    /// <inheritdoc/>
    /// <remarks>The gradient exists on the pattern only, so this does nothing.</remarks>
    public void MaskGradient()
    {
    }

    /// <inheritdoc/>
    /// <remarks>Inactive positions hold no weight, so this does nothing.</remarks>
    public void ApplyMask()
    {
    }

    /// <summary>
    /// The dense ∂L/∂W [O, C·k·k] of the last recorded forward, at every position, active or not:
    /// <c>Σ_b ∂y_b · cols_bᵀ</c> (GEMM per image). Call after the tape's backward and before its reset; used only at
    /// rewiring steps for gradient growth.
    /// </summary>
    /// <param name="destination">∂L/∂W, length <see cref="Positions"/>, overwritten.</param>
    /// <exception cref="InvalidOperationException">No recorded forward with a backward on the same tape.</exception>
    /// <exception cref="ArgumentException">The destination has the wrong length.</exception>
    public void DenseGradient(Span<float> destination)
    {
        if (destination.Length != Positions)
            throw new ArgumentException($"{_label}: the dense gradient destination holds {destination.Length} values; the weight [{OutChannels}, {InChannels}, {Kernel}, {Kernel}] has {Positions}.", nameof(destination));
        if (_lastTape is null || _lastInput is null || _lastOutput is null || _lastTape.GradOf(_lastOutput) is not { } dy)
            throw new InvalidOperationException($"{_label}: the dense gradient needs a recorded forward and its backward on the same tape (call it after tape.Backward, before tape.Reset).");
        var g = GeometryOf(_lastInput.Shape);
        var cols = new float[g.ColumnSize];
        var xs = _lastInput.Span;
        var dys = dy.Span;
        int outSize = OutChannels * g.Pixels, patch = g.Patch;
        destination.Clear();
        for (int b = 0; b < g.Batch; b++)
        {
            int imageSize = g.ImageSize(InChannels);
            Conv.Im2Col(xs.Slice(b * imageSize, imageSize), InChannels, g.Height, g.Width, Kernel, Kernel, Stride, Stride, Padding, Padding, cols);
            Gemm.Sgemm(false, true, OutChannels, patch, g.Pixels, 1f, dys.Slice(b * outSize, outSize), g.Pixels, cols, g.Pixels, 1f, destination, patch);
        }
    }

    /// <inheritdoc/>
    public RewireResult Rewire(float zeta, PruneRule prune, GrowRule grow, ulong seed, ulong stream, ReadOnlySpan<float> denseGradient) =>
        Synapse.Rewire(zeta, prune, grow, seed, stream, denseGradient);

    /// <summary>The output height (or width) for an input of <paramref name="size"/>.</summary>
    /// <exception cref="ArgumentException">The kernel does not fit.</exception>
    public int OutputSize(int size)
    {
        if (size < 1 || Kernel > size + (2 * Padding))
            throw new ArgumentException($"{_label}: a {Kernel}×{Kernel} kernel with padding {Padding} does not fit an input of size {size}; use a larger input or more padding.", nameof(size));
        return ((size + (2 * Padding) - Kernel) / Stride) + 1;
    }

    ConvGeometry GeometryOf(Shape x)
    {
        var s = x;
        if (s.Rank != 4 || s[1] != InChannels)
            throw new ArgumentException(
                $"{_label}: input {s} must be [B, {InChannels}, H, W] (weight [{OutChannels}, {InChannels}, {Kernel}, {Kernel}]); pass NCHW images with {InChannels} channels.", nameof(x));
        int oh = OutputSize(s[2]), ow = OutputSize(s[3]);
        return new ConvGeometry(s[0], s[2], s[3], oh, ow, InChannels * Kernel * Kernel);
    }

    readonly record struct ConvGeometry(int Batch, int Height, int Width, int OutH, int OutW, int Patch)
    {
        public int Pixels => OutH * OutW;

        public int ColumnSize => Patch * Pixels;

        public int ImageSize(int channels) => channels * Height * Width;
    }

    /// <summary>
    /// One pass over the batch in <see cref="Groups"/> chunks claimed one at a time: the forward takes one image per
    /// chunk; the backward group gi takes images [ChunkStart(B, Groups, gi), ChunkStart(B, Groups, gi + 1)) into its own
    /// partial. Worker w uses slot w of <see cref="Scratch"/> (see <see cref="ScratchPerWorker"/>).
    /// </summary>
    struct Job : IWorkerRangeBody
    {
        public SparseConv2d Layer;
        public ConvGeometry Geometry;
        public int Groups, PerGroup;
        public bool Backward, NeedValues, NeedBias;
        public Memory<float> X, Y, Scratch, Dx, Partials;

        public readonly void Invoke(int worker, int start, int limit)
        {
            for (int gi = start; gi < limit; gi++)
            {
                int b0 = FixedPartition.ChunkStart(Geometry.Batch, Groups, gi), b1 = FixedPartition.ChunkStart(Geometry.Batch, Groups, gi + 1);
                if (Backward) BackwardGroup(worker, gi, b0, b1);
                else for (int b = b0; b < b1; b++) ForwardImage(worker, b);
            }
        }

        readonly void ForwardImage(int worker, int b)
        {
            var g = Geometry;
            var cols = Scratch.Span.Slice(worker * g.ColumnSize, g.ColumnSize);
            int outSize = Layer.OutChannels * g.Pixels;
            Unfold(b, cols);
            var bias = Layer.Bias is { } t ? t.Span : default;
            Csr.Multiply(Layer.Pattern, Layer.Values.Span, false, cols, g.Pixels, bias, Y.Span.Slice(b * outSize, outSize));
        }

        readonly void BackwardGroup(int worker, int gi, int b0, int b1)
        {
            var g = Geometry;
            var layer = Layer;
            int nnz = layer.Nnz, outC = layer.OutChannels, outSize = outC * g.Pixels, pixels = g.Pixels;
            int slot = layer.ScratchPerWorker(g, NeedValues, PerGroup), wide = (b1 - b0) * pixels;
            var scratch = Scratch.Span.Slice(worker * slot, slot);
            var cols = scratch[..g.ColumnSize];
            var colsWide = NeedValues ? scratch.Slice(g.ColumnSize, g.Patch * wide) : default;
            var dyWide = NeedValues ? scratch.Slice(g.ColumnSize + (g.Patch * PerGroup * pixels), outC * wide) : default;
            int partialSize = (NeedValues ? nnz : 0) + (NeedBias ? outC : 0);
            var partial = Partials.Span.Slice(gi * partialSize, partialSize);
            partial.Clear();
            var dv = partial[..(NeedValues ? nnz : 0)];
            var db = partial[dv.Length..];
            var values = layer.Values.Span;
            int imageSize = g.ImageSize(layer.InChannels);
            for (int b = b0; b < b1; b++)
            {
                ReadOnlySpan<float> dy = Y.Span.Slice(b * outSize, outSize);
                int at = (b - b0) * pixels;
                if (NeedBias)
                    for (int o = 0; o < outC; o++) db[o] += TensorPrimitives.Sum(dy.Slice(o * pixels, pixels));
                if (NeedValues)
                {
                    Unfold(b, cols);
                    for (int p = 0; p < g.Patch; p++) cols.Slice(p * pixels, pixels).CopyTo(colsWide.Slice((p * wide) + at, pixels));
                    for (int o = 0; o < outC; o++) dy.Slice(o * pixels, pixels).CopyTo(dyWide.Slice((o * wide) + at, pixels));
                }
                if (!Dx.IsEmpty)
                {
                    Csr.Multiply(layer.Pattern, values, true, dy, pixels, default, cols);
                    Conv.Col2Im(cols, layer.InChannels, g.Height, g.Width, layer.Kernel, layer.Kernel, layer.Stride, layer.Stride,
                        layer.Padding, layer.Padding, Dx.Span.Slice(b * imageSize, imageSize));
                }
            }
            if (NeedValues) Csr.WeightGrad(layer.Pattern, dyWide, colsWide, wide, dv);
        }

        /// <summary>Image b's columns, [C·k·k, H'W'].</summary>
        readonly void Unfold(int b, Span<float> cols)
        {
            var g = Geometry;
            var layer = Layer;
            int imageSize = g.ImageSize(layer.InChannels);
            Conv.Im2Col(X.Span.Slice(b * imageSize, imageSize), layer.InChannels, g.Height, g.Width, layer.Kernel, layer.Kernel,
                layer.Stride, layer.Stride, layer.Padding, layer.Padding, cols);
        }
    }
}
