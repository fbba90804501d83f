using NeuroCore.Autodiff;
using NeuroCore.Snn;

namespace NeuroCore.Training.Methods.Esl;

/// <summary>
/// A spiking classifier whose synaptic layers are sparse (<see cref="ISparseSynapse"/>), for ESL-SNN training by the
/// ordinary <see cref="Trainer"/> with a <see cref="SparseOptimizer"/>.
/// </summary>
/// <remarks>
/// <c>mlp</c>: x [B, 784] (static, fed as current once and repeated over T) → SpikingLinear fc1 (784→512, LIF) →
/// mean-membrane readout (512→10). <c>conv</c>: x [B, T·C·H, W] (event frames, row t·C·H + c·H + y) → time-major
/// [T·B, C, H, W] → SpikingConv2d conv1 (C→16, BN, LIF, pool) → conv2 (16→32, BN, LIF, pool) → readout
/// (32·⌊H/4⌋·⌊W/4⌋ → 10). When sparse, the MLP's fc1 is a CSR layer (<see cref="SparseSpikingLinear"/>, or a masked
/// dense one with <see cref="EslModelOptions.CsrHidden"/> off), conv1 and conv2 are CSR convolutions
/// (<see cref="SparseSpikingConv2d"/>, or masked dense ones with <see cref="EslModelOptions.CsrConv"/> off) and the
/// readout is a <see cref="MaskedWeight"/>, all at the options' density. Biases, BN and neuron parameters stay dense.
/// Every CSR pattern is mirrored in a store buffer (<see cref="PatternBuffers"/>), so checkpoints carry it.
/// </remarks>
public sealed class EslNetwork : ISpikingModel
{
    readonly SpikingLinear? _fc1;
    readonly SparseSpikingLinear? _csr;
    readonly SpikingConv2d[] _convs;
    readonly SparseSpikingConv2d[] _csrConvs = [];
    readonly List<CsrPatternBuffer> _patterns = [];
    readonly SpikingReadout _readout;
    readonly List<ISparseSynapse> _sparse = [];
    readonly List<Tensor> _lastSpikes = [];

    /// <summary>Builds the network's parameters in <paramref name="store"/> from <paramref name="seed"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the density outside (0, 1], ...).</exception>
    public EslNetwork(ParameterStore store, EslModelOptions options, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        var neurons = options.Neurons;
        int readoutIn;
        if (options.Architecture == "mlp")
        {
            _convs = [];
            int inputs = options.Channels * options.Height * options.Width;
            if (!options.IsDense && options.CsrHidden)
            {
                _csr = new SparseSpikingLinear(store, "fc1", inputs, options.Hidden, options.Density, neurons, seed);
                _sparse.Add(_csr);
                _patterns.Add(new CsrPatternBuffer(store, "fc1", _csr.Synapse.Pattern));
            }
            else
            {
                _fc1 = new SpikingLinear(store, "fc1", inputs, options.Hidden, neurons, seed);
                Sparsify(store, "fc1", _fc1.Weight, seed);
            }
            readoutIn = options.Hidden;
        }
        else if (!options.IsDense && options.CsrConv)
        {
            _convs = [];
            var c1 = new SparseSpikingConv2d(store, "conv1", options.Channels, options.ConvChannels[0], options.Height, options.Width, options.Density, neurons, seed);
            var c2 = new SparseSpikingConv2d(store, "conv2", options.ConvChannels[0], options.ConvChannels[1], c1.OutHeight, c1.OutWidth, options.Density, neurons, seed);
            _csrConvs = [c1, c2];
            foreach (var c in _csrConvs)
            {
                _sparse.Add(c);
                _patterns.Add(new CsrPatternBuffer(store, c.Name, c.Conv.Pattern));
            }
            readoutIn = c2.OutChannels * c2.OutHeight * c2.OutWidth;
        }
        else
        {
            var c1 = new SpikingConv2d(store, "conv1", options.Channels, options.ConvChannels[0], options.Height, options.Width, neurons, seed);
            var c2 = new SpikingConv2d(store, "conv2", options.ConvChannels[0], options.ConvChannels[1], c1.OutHeight, c1.OutWidth, neurons, seed);
            _convs = [c1, c2];
            Sparsify(store, "conv1", c1.Weight, seed);
            Sparsify(store, "conv2", c2.Weight, seed);
            readoutIn = c2.OutChannels * c2.OutHeight * c2.OutWidth;
        }
        _readout = new SpikingReadout(store, "readout", readoutIn, options.Classes, neurons, seed);
        Sparsify(store, "readout", _readout.Weight, seed);
    }

    void Sparsify(ParameterStore store, string name, Tensor weight, ulong seed)
    {
        if (!Options.IsDense) _sparse.Add(new MaskedWeight(store, name, weight, Options.Density, seed));
    }

    /// <summary>The architecture name for reports: esl-mlp or esl-conv.</summary>
    public string Name => "esl-" + Options.Architecture;

    /// <summary>The options.</summary>
    public EslModelOptions Options { get; }

    /// <summary>The sparse synapses in order (empty for the dense network).</summary>
    public IReadOnlyList<ISparseSynapse> SparseLayers => _sparse;

    /// <summary>The store mirrors of the CSR layers' patterns ("{layer}.pattern"), for <see cref="SparseOptimizer"/>.</summary>
    public IReadOnlyList<CsrPatternBuffer> PatternBuffers => _patterns;

    bool IsConv => _convs.Length + _csrConvs.Length > 0;

    /// <summary>Synaptic weights (possible connections) per layer in order: fc1 or conv1, conv2; then readout.</summary>
    public IReadOnlyList<(string Name, long Positions)> SynapticLayers =>
        !IsConv
            ? [("fc1", (long)Options.Hidden * Options.Channels * Options.Height * Options.Width), ("readout", _readout.Weight.Size)]
            : _csrConvs.Length > 0
                ? [("conv1", _csrConvs[0].Positions), ("conv2", _csrConvs[1].Positions), ("readout", _readout.Weight.Size)]
                : [("conv1", _convs[0].Weight.Size), ("conv2", _convs[1].Weight.Size), ("readout", _readout.Weight.Size)];

    /// <inheritdoc/>
    public int Steps => Options.Steps;

    /// <inheritdoc/>
    public bool Training
    {
        get => _training;
        set
        {
            _training = value;
            foreach (var c in _convs) c.Training = value;
            foreach (var c in _csrConvs) c.Training = value;
        }
    }

    bool _training = true;

    /// <inheritdoc/>
    public IReadOnlyList<LayerSpikeStatistics> Statistics =>
        _csr is not null ? [_csr.Counter.Snapshot()] : _fc1 is not null ? [_fc1.Counter.Snapshot()]
        : [.. _convs.Select(c => c.Counter.Snapshot()), .. _csrConvs.Select(c => c.Counter.Snapshot())];

    /// <inheritdoc/>
    public void ResetStatistics()
    {
        _fc1?.Counter.Reset();
        _csr?.Counter.Reset();
        foreach (var c in _convs) c.Counter.Reset();
        foreach (var c in _csrConvs) c.Counter.Reset();
    }

    /// <inheritdoc/>
    public Tensor Forward(Tape tape, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        int batch = x.Shape[0], steps = Steps;
        var o = Options;
        _lastSpikes.Clear();
        Tensor h;
        if (!IsConv)
        {
            int features = o.Channels * o.Height * o.Width;
            if (x.Size != (long)batch * features)
                throw new ArgumentException($"{Name}: input {x.Shape} does not hold {features} values per sample; pass [B, {features}] or [B, 1, {o.Height}, {o.Width}].", nameof(x));
            var flat = Ops.Reshape(tape, x, new Shape(batch, features));
            h = _csr is not null ? _csr.Forward(tape, flat, steps, staticInput: true) : _fc1!.Forward(tape, flat, steps, staticInput: true);
            _lastSpikes.Add(h);
        }
        else
        {
            int frame = o.Channels * o.Height * o.Width;
            if (x.Size != (long)batch * steps * frame)
                throw new ArgumentException(
                    $"{Name}: input {x.Shape} does not hold T·C·H·W = {steps}·{o.Channels}·{o.Height}·{o.Width} values per sample; " +
                    $"pass event frames [B, {steps * o.Channels * o.Height}, {o.Width}] (e.g. dvs-fmnist built with T = {steps}).", nameof(x));
            h = Ops.Transpose(tape, Ops.Reshape(tape, x, new Shape(batch, steps, frame)), 0, 1);
            h = Ops.Reshape(tape, h, new Shape(steps * batch, o.Channels, o.Height, o.Width));
            foreach (var c in _convs)
            {
                h = c.Forward(tape, h, steps);
                _lastSpikes.Add(c.LastSpikes!);
            }
            foreach (var c in _csrConvs)
            {
                h = c.Forward(tape, h, steps);
                _lastSpikes.Add(c.LastSpikes!);
            }
            h = Ops.Reshape(tape, h, new Shape(steps * batch, h.Size / (steps * batch)));
        }
        return _readout.Forward(tape, h, steps);
    }

    /// <inheritdoc/>
    public Tensor? RegularizationLoss(Tape tape) => null;

    /// <inheritdoc/>
    public IReadOnlyList<SpikeRecord> RecordSpikes(ReadOnlySpan<float> sample)
    {
        bool was = Training;
        Training = false;
        try
        {
            using var tape = new Tape(recording: false);
            using var x = Tensor.From(sample, !IsConv ? new Shape(1, sample.Length) : new Shape(1, Steps * Options.Channels * Options.Height, Options.Width));
            Forward(tape, x);
            string[] names = !IsConv ? ["fc1"] : ["conv1", "conv2"];
            return [.. _lastSpikes.Select((s, i) => new SpikeRecord(names[i], Steps, s.Size / Steps, s.ToArray()))];
        }
        finally
        {
            Training = was;
        }
    }
}
