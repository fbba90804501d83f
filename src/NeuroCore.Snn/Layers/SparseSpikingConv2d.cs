using NeuroCore.Autodiff;
using NeuroCore.Nn;

namespace NeuroCore.Snn;

/// <summary>
/// The sparse form of <see cref="SpikingConv2d"/>: a 3×3 <see cref="SparseConv2d"/> (padding 1, stride 1) on a CSR
/// pattern over all T steps at once ([T·B, C, H, W] → [T·B, O, H, W]), optional batch normalisation over the T·B
/// samples, per-channel neurons and an optional 2×2 max-pool of the spikes, as a rewirable
/// <see cref="ISparseSynapse"/>. Effectively computes, per step t, <c>S_t = pool(neuron(BN(conv_{W ⊙ M}(x_t))))</c>;
/// the convolution costs nnz instead of O·C·9 multiply-adds per output position.
/// </summary>
/// <remarks>
/// Parameters: "{name}.values" [nnz] and "{name}.bias" [O] (<see cref="SparseConv2d"/>), "{name}.bn.*" when
/// batch-normalised, and the neurons' learnable β/θ if any. A static input [B, C, H, W] is convolved once and repeated
/// over T, as in <see cref="SpikingConv2d"/>. There is no streaming <c>Step</c>: use the dense block for that.
/// </remarks>
public sealed class SparseSpikingConv2d : ISparseSynapse
{
    const int KernelSize = 3, Pad = 1;
    readonly string _label;
    readonly BatchNorm2d? _bn;
    readonly SpikingNeurons _neurons;

    /// <summary>Adds the block's parameters to <paramref name="store"/>, initialised from <paramref name="seed"/>.</summary>
    /// <param name="store">The model's store.</param>
    /// <param name="name">The block name.</param>
    /// <param name="inChannels">Input channels C.</param>
    /// <param name="outChannels">Output channels O (one neuron group each).</param>
    /// <param name="height">Input height H.</param>
    /// <param name="width">Input width W.</param>
    /// <param name="density">The fraction of the O·C·9 connections kept, in (0, 1].</param>
    /// <param name="options">Neuron model, β, θ, reset and surrogate.</param>
    /// <param name="seed">The initialisation seed.</param>
    /// <param name="batchNorm">Normalise the convolution's output over T·B.</param>
    /// <param name="pool">Max-pool the spikes 2×2 (needs even H and W).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range or the density is outside (0, 1].</exception>
    /// <exception cref="ArgumentException">A 2×2 pool is asked for an odd height or width.</exception>
    public SparseSpikingConv2d(ParameterStore store, string name, int inChannels, int outChannels, int height, int width, double density,
        SnnModelOptions options, ulong seed, bool batchNorm = true, bool pool = true)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (pool && (height % 2 != 0 || width % 2 != 0))
            throw new ArgumentException($"SparseSpikingConv2d '{name}': a 2×2 pool needs an even height and width, got {height}×{width}.", nameof(pool));
        Name = name;
        _label = $"SparseSpikingConv2d '{name}'";
        Height = height;
        Width = width;
        Pool = pool;
        Conv = new SparseConv2d(store, name, inChannels, outChannels, KernelSize, density, seed, 1, Pad);
        if (batchNorm) _bn = new BatchNorm2d(store, name + ".bn", outChannels);
        _neurons = new SpikingNeurons(store, name, outChannels, height * width, options);
        Counter = new SpikeCounter(name, outChannels * height * width);
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>The sparse convolution.</summary>
    public SparseConv2d Conv { get; }

    /// <summary>Input channels C.</summary>
    public int InChannels => Conv.InChannels;

    /// <summary>Output channels O.</summary>
    public int OutChannels => Conv.OutChannels;

    /// <summary>Input (and pre-pool output) height.</summary>
    public int Height { get; }

    /// <summary>Input (and pre-pool output) width.</summary>
    public int Width { get; }

    /// <summary>True when the spikes are max-pooled 2×2.</summary>
    public bool Pool { get; }

    /// <summary>Output height (after the pool, if any).</summary>
    public int OutHeight => Pool ? Height / 2 : Height;

    /// <summary>Output width (after the pool, if any).</summary>
    public int OutWidth => Pool ? Width / 2 : Width;

    /// <summary>Training mode (batch statistics) or evaluation mode (running statistics) of the batch norm.</summary>
    public bool Training
    {
        get => _bn?.Training ?? _training;
        set
        {
            _training = value;
            if (_bn is not null) _bn.Training = value;
        }
    }

    bool _training = true;

    /// <inheritdoc/>
    public Tensor Values => Conv.Values;

    /// <inheritdoc/>
    public int Nnz => Conv.Nnz;

    /// <inheritdoc/>
    public long Positions => Conv.Positions;

    /// <inheritdoc/>
    public double Density => Conv.Density;

    /// <summary>
    /// Spikes, neuron-steps and synaptic operations counted over the forwards so far; the synaptic operations are the
    /// input events × the pattern's fan-out per input channel (nnz / C), borders not subtracted.
    /// </summary>
    public SpikeCounter Counter { get; }

    /// <summary>The pre-pool spikes [T·B, O, H, W] of the last forward.</summary>
    public Tensor? LastSpikes { get; private set; }

    /// <summary>
    /// Runs T steps. <paramref name="x"/> is [T·B, C, H, W] time-major, or, when <paramref name="staticInput"/>, one
    /// [B, C, H, W] batch fed unchanged at every step. Returns the (pooled) spikes [T·B, O, H', W'].
    /// </summary>
    /// <exception cref="ArgumentException">The input shape does not match the block.</exception>
    public Tensor Forward(Tape tape, Tensor x, int steps, bool staticInput = false)
    {
        int batch = SpikingConv2d.CheckInput(_label, tape, x, steps, staticInput, InChannels, Height, Width);
        var z = Conv.Forward(tape, x);
        if (_bn is not null) z = _bn.Forward(tape, z);
        if (staticInput) z = RepeatOverTime.Forward(tape, z, steps, _label);
        var spikes = _neurons.Scan(tape, z, steps);
        LastSpikes = spikes;
        Counter.Add(spikes.Span, steps, batch, (double)Kernels.SpikeSynapse.CountEvents(x.Span) * Nnz / InChannels);
        return Pool ? Ops.MaxPool2d(tape, spikes, 2) : spikes;
    }

    /// <inheritdoc/>
    public void MaskGradient() => Conv.MaskGradient();

    /// <inheritdoc/>
    public void ApplyMask() => Conv.ApplyMask();

    /// <inheritdoc/>
    public void DenseGradient(Span<float> destination) => Conv.DenseGradient(destination);

    /// <inheritdoc/>
    public RewireResult Rewire(float zeta, PruneRule prune, GrowRule grow, ulong seed, ulong stream, ReadOnlySpan<float> denseGradient) =>
        Conv.Rewire(zeta, prune, grow, seed, stream, denseGradient);
}
