using NeuroCore.Autodiff;
using NeuroCore.Kernels;
using NeuroCore.Nn;

namespace NeuroCore.Snn;

/// <summary>
/// A convolutional spiking block, time-batched: a 3×3 convolution (padding 1, stride 1) over all T steps at once
/// ([T·B, C, H, W] → [T·B, O, H, W]), optional batch normalisation over the T·B samples (SpikingJelly's
/// <c>layer.SeqToANNContainer(Conv2d, BatchNorm2d)</c>), per-channel neurons (one β/θ per output channel, shared by
/// its H·W positions) and an optional 2×2 max-pool of the spikes. Effectively computes, per step t,
/// <c>S_t = pool(neuron(BN(conv(x_t))))</c>.
/// </summary>
/// <remarks>
/// When the input is static (direct encoding into the first layer: the same image at every step), conv and BN run
/// once on [B, C, H, W] and the result is repeated over T, which is T times cheaper and gives the same output (BN's
/// batch mean and biased variance over T identical copies equal those over one; only the running variance's
/// N/(N − 1) correction sees N = B·H·W instead of T·B·H·W). Parameters: "{name}.weight" [O, C, 3, 3],
/// "{name}.bias" [O] (U(±1/√(9C))), "{name}.bn.*" when batch-normalised, and the neurons' learnable β/θ if any.
/// </remarks>
public sealed class SpikingConv2d
{
    readonly string _label;   // "SpikingConv2d 'name'" for error messages, built once so Forward allocates nothing

    const int KernelSize = 3, Pad = 1;
    readonly Conv2d _conv;
    readonly BatchNorm2d? _bn;
    readonly SpikingNeurons _neurons;
    readonly int[] _reach;

    /// <summary>Adds the block's parameters to <paramref name="store"/>, initialised from <paramref name="seed"/>.</summary>
    /// <param name="store">The model's store.</param>
    /// <param name="name">The block name.</param>
    /// <param name="inChannels">Input channels C.</param>
    /// <param name="outChannels">Output channels O (one neuron group each).</param>
    /// <param name="height">Input height H.</param>
    /// <param name="width">Input width W.</param>
    /// <param name="options">Neuron model, β, θ, reset and surrogate.</param>
    /// <param name="seed">The initialisation seed.</param>
    /// <param name="batchNorm">Normalise the convolution's output over T·B (SpikingJelly's tdBN-style recipe).</param>
    /// <param name="pool">Max-pool the spikes 2×2 (needs even H and W).</param>
    public SpikingConv2d(ParameterStore store, string name, int inChannels, int outChannels, int height, int width,
        SnnModelOptions options, ulong seed, bool batchNorm = true, bool pool = true)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (pool && (height % 2 != 0 || width % 2 != 0))
            throw new ArgumentException($"SpikingConv2d '{name}': a 2×2 pool needs an even height and width, got {height}×{width}.", nameof(pool));
        Name = name;
        _label = $"SpikingConv2d '{name}'";
        InChannels = inChannels;
        OutChannels = outChannels;
        Height = height;
        Width = width;
        Pool = pool;
        _conv = new Conv2d(store, name, inChannels, outChannels, KernelSize, seed, 1, Pad);
        if (batchNorm) _bn = new BatchNorm2d(store, name + ".bn", outChannels);
        _neurons = new SpikingNeurons(store, name, outChannels, height * width, options);
        Counter = new SpikeCounter(name, outChannels * height * width);
        _reach = new int[height * width];
        for (int i = 0; i < height; i++)
            for (int j = 0; j < width; j++)
                _reach[(i * width) + j] = Span(i, height) * Span(j, width);

        // Output positions along one axis whose 3×3 window (padding 1) covers input position p.
        static int Span(int p, int n) => Math.Min(p + 1, n - 1) - Math.Max(p - 1, 0) + 1;
    }

    /// <summary>The block's name.</summary>
    public string Name { get; }

    /// <summary>Input channels C.</summary>
    public int InChannels { get; }

    /// <summary>Output channels O.</summary>
    public int OutChannels { get; }

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
        get => _bn?.Training ?? _conv.Training;
        set
        {
            _conv.Training = value;
            if (_bn is not null) _bn.Training = value;
        }
    }

    /// <summary>The convolution's weight [O, C, 3, 3].</summary>
    public Tensor Weight => _conv.Weight;

    /// <summary>Spikes, neuron-steps and synaptic operations counted over the forwards so far.</summary>
    public SpikeCounter Counter { get; }

    /// <summary>The pre-pool spikes [T·B, O, H, W] of the last forward (for the regulariser and raster plots).</summary>
    public Tensor? LastSpikes { get; private set; }

    /// <summary>Checks a conv block's forward arguments (shared by the dense and sparse blocks) and returns the batch B.</summary>
    internal static int CheckInput(string label, Tape tape, Tensor x, int steps, bool staticInput, int channels, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, $"{label}: T must be ≥ 1.");
        var s = x.Shape;
        if (s.Rank != 4 || s[1] != channels || s[2] != height || s[3] != width || (!staticInput && s[0] % steps != 0))
            throw new ArgumentException(
                $"{label}: input {s} must be {(staticInput ? "[B" : $"[T·B (T = {steps})")}, {channels}, {height}, {width}].", nameof(x));
        return staticInput ? s[0] : s[0] / steps;
    }

    /// <summary>
    /// Runs T steps. <paramref name="x"/> is [T·B, C, H, W] time-major, or, when <paramref name="staticInput"/>, one
    /// [B, C, H, W] batch fed unchanged at every step. Returns the (pooled) spikes [T·B, O, H', W'].
    /// </summary>
    /// <exception cref="ArgumentException">The input shape does not match the block.</exception>
    public Tensor Forward(Tape tape, Tensor x, int steps, bool staticInput = false)
    {
        int batch = CheckInput(_label, tape, x, steps, staticInput, InChannels, Height, Width);
        var z = _conv.Forward(tape, x);
        if (_bn is not null) z = _bn.Forward(tape, z);
        if (staticInput) z = RepeatOverTime.Forward(tape, z, steps, _label);
        var spikes = _neurons.Scan(tape, z, steps);
        LastSpikes = spikes;
        Counter.Add(spikes.Span, steps, batch, SynOps(x.Span));
        return Pool ? Ops.MaxPool2d(tape, spikes, 2) : spikes;
    }

    /// <summary>Σ over the input's events of the output positions and channels each one reaches.</summary>
    double SynOps(ReadOnlySpan<float> x)
    {
        int plane = Height * Width;
        long reach = 0;
        for (int start = 0; start < x.Length; start += plane)
        {
            var p = x.Slice(start, plane);
            for (int i = 0; i < plane; i++)
                if (p[i] != 0f) reach += _reach[i];
        }
        return (double)reach * OutChannels;
    }

    /// <summary>A zeroed streaming state for <paramref name="batch"/> samples, for <see cref="Step"/>.</summary>
    public SpikingConv2dState CreateState(int batch) => new(this, batch, _neurons.NewState(batch));

    /// <summary>
    /// One time step: x [B, C, H, W] → spikes [B, O, H', W'] (pooled if <see cref="Pool"/>), batch norm on its running
    /// statistics. Uses the state's own non-recording tape, so after the first step it allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentException">The state belongs to another layer or batch, or a span has the wrong length.</exception>
    public void Step(ReadOnlySpan<float> input, SpikingConv2dState state, Span<float> output)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!ReferenceEquals(state.Layer, this))
            throw new ArgumentException($"SpikingConv2d '{Name}': the state belongs to layer '{state.Layer.Name}' ([{state.Batch}, {state.Layer.OutChannels}, {state.Layer.Height}, {state.Layer.Width}]); create one with this layer's CreateState.", nameof(state));
        int batch = state.Batch;
        int inSize = batch * InChannels * Height * Width, outSize = batch * OutChannels * OutHeight * OutWidth;
        if (input.Length != inSize || output.Length != outSize)
            throw new ArgumentException(
                $"SpikingConv2d '{Name}': input holds {input.Length} values and output {output.Length}; the state is for batch {batch}, so expected " +
                $"[{batch}, {InChannels}, {Height}, {Width}] = {inSize} and [{batch}, {OutChannels}, {OutHeight}, {OutWidth}] = {outSize}.", nameof(input));
        var tape = state.Tape;
        tape.Reset();
        input.CopyTo(state.Input.Span);
        var z = Ops.Conv2d(tape, state.Input, _conv.Weight, _conv.Bias, 1, Pad);
        if (_bn is not null) z = Ops.BatchNorm(tape, z, _bn.Gamma, _bn.Beta, _bn.RunningMean.Span, _bn.RunningVar.Span, training: false, _bn.Momentum, _bn.Eps);
        var spikes = Pool ? state.Spikes : output;
        _neurons.Step(z.Span, state.Neurons, spikes);
        if (Pool)
            NeuroCore.Kernels.Pool.MaxForward(spikes, batch * OutChannels, Height, Width, 2, 2, 2, 2, 0, 0, output, state.ArgMax);
    }
}
