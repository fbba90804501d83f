using NeuroCore.Autodiff;
using NeuroCore.Checkpoints;

namespace NeuroCore.Snn;

/// <summary>
/// A spiking classifier built by <see cref="SnnModels.Build"/>: encoder, spiking layers and readout. Its
/// <see cref="Forward"/> maps a batch of static inputs [B, ...] to logits [B, classes] over <see cref="Steps"/> steps,
/// so the ordinary trainer drives it.
/// </summary>
public sealed class SpikingClassifier : ISpikingModel
{
    readonly RateEncoder? _rate;
    readonly SpikingConv2d[] _convs;
    readonly SpikingLinear[] _linears;
    readonly SpikingReadout _readout;
    readonly List<Tensor> _lastSpikes = [];
    readonly List<Tensor> _lastOutputs = [];
    readonly string[] _layerNames;
    readonly int _inputSize;
    Tape? _lastTape;
    bool _training = true;

    internal SpikingClassifier(ParameterStore store, ModelDescription description, SnnModelOptions options, ulong seed)
    {
        Description = description;
        Options = options;
        Name = description.Architecture;
        InputShape = (int[])description.InputShape.Clone();
        Classes = description.Classes;
        _inputSize = InputShape.Aggregate(1, (a, d) => a * d);
        if (options.Encoding == SpikeEncoding.Rate) _rate = new RateEncoder(store, "encoder", options.Steps, seed);
        var linears = new List<SpikingLinear>();
        var convs = new List<SpikingConv2d>();
        foreach (var layer in description.Layers)
        {
            switch (layer.Type)
            {
                case "spiking-conv2d":
                    int h = convs.Count == 0 ? InputShape[1] : convs[^1].OutHeight, w = convs.Count == 0 ? InputShape[2] : convs[^1].OutWidth;
                    convs.Add(new SpikingConv2d(store, layer.Name!, layer.In!.Value, layer.Out!.Value, h, w, options, seed));
                    break;
                case "spiking-linear":
                    linears.Add(new SpikingLinear(store, layer.Name!, layer.In!.Value, layer.Out!.Value, options, seed));
                    break;
            }
        }
        _convs = [.. convs];
        _linears = [.. linears];
        _layerNames = [.. _convs.Select(c => c.Name), .. _linears.Select(l => l.Name)];
        var last = description.Layers[^1];
        _readout = new SpikingReadout(store, last.Name!, last.In!.Value, Classes, options, seed);
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>The description this model was built from.</summary>
    public ModelDescription Description { get; }

    /// <summary>The options this model was built with.</summary>
    public SnnModelOptions Options { get; }

    /// <summary>The shape of one sample (without the batch axis).</summary>
    public IReadOnlyList<int> InputShape { get; }

    /// <summary>Output classes.</summary>
    public int Classes { get; }

    /// <inheritdoc/>
    public int Steps => Options.Steps;

    /// <summary>The convolutional blocks in order (empty for the MLP).</summary>
    public IReadOnlyList<SpikingConv2d> ConvLayers => _convs;

    /// <summary>The fully connected spiking layers in order.</summary>
    public IReadOnlyList<SpikingLinear> LinearLayers => _linears;

    /// <summary>The output layer.</summary>
    public SpikingReadout Readout => _readout;

    /// <summary>The names of the spiking layers in forward order (conv blocks, then fully connected layers).</summary>
    public IReadOnlyList<string> SpikingLayerNames => _layerNames;

    /// <summary>
    /// The output spikes of the spiking layer <paramref name="name"/> in the last <see cref="Forward"/>, time-major:
    /// [T·B, O, H', W'] for a conv block (after its pool), [T·B, F] for a fully connected layer. The tensor belongs to
    /// that forward's tape (recorded there, so a loss on it back-propagates) and is valid until the tape resets.
    /// </summary>
    /// <exception cref="ArgumentException">No spiking layer has that name (the message lists them).</exception>
    /// <exception cref="InvalidOperationException">No forward has run since the last <see cref="RecordSpikes"/>.</exception>
    public Tensor LayerSpikes(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        int index = Array.IndexOf(_layerNames, name);
        if (index < 0)
            throw new ArgumentException($"{Name}: no spiking layer is named '{name}'; the layers are {string.Join(", ", _layerNames)}.", nameof(name));
        if (_lastOutputs.Count != _layerNames.Length)
            throw new InvalidOperationException($"{Name}: LayerSpikes('{name}') needs a Forward first.");
        return _lastOutputs[index];
    }

    /// <inheritdoc/>
    public bool Training
    {
        get => _training;
        set
        {
            _training = value;
            if (_rate is not null) _rate.Training = value;
            foreach (var c in _convs) c.Training = value;
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<LayerSpikeStatistics> Statistics
    {
        get
        {
            var list = new List<LayerSpikeStatistics>(_convs.Length + _linears.Length);
            foreach (var c in _convs) list.Add(c.Counter.Snapshot());
            foreach (var l in _linears) list.Add(l.Counter.Snapshot());
            return list;
        }
    }

    /// <inheritdoc/>
    public void ResetStatistics()
    {
        foreach (var c in _convs) c.Counter.Reset();
        foreach (var l in _linears) l.Counter.Reset();
    }

    /// <summary>
    /// Encodes x [B, ...] over T steps, runs the spiking layers and returns logits [B, classes].
    /// </summary>
    /// <exception cref="ArgumentException">The input shape does not match <see cref="InputShape"/>.</exception>
    public Tensor Forward(Tape tape, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        CheckInput(x.Shape);
        int batch = x.Shape[0], steps = Steps;
        _lastSpikes.Clear();
        _lastOutputs.Clear();
        _lastTape = tape;
        Tensor h;
        if (_convs.Length > 0)
        {
            bool isStatic = Options.Encoding == SpikeEncoding.Direct;
            h = isStatic ? x : Encode(tape, x);
            foreach (var c in _convs)
            {
                h = c.Forward(tape, h, steps, isStatic);
                isStatic = false;
                _lastSpikes.Add(c.LastSpikes!);
                _lastOutputs.Add(h);
            }
            h = Ops.Reshape(tape, h, new Shape(steps * batch, h.Size / (steps * batch)));
        }
        else
        {
            h = Ops.Reshape(tape, x, new Shape(batch, _inputSize));
            if (Options.Encoding != SpikeEncoding.Direct) h = Encode(tape, h);
        }
        bool staticInput = _convs.Length == 0 && Options.Encoding == SpikeEncoding.Direct;
        foreach (var l in _linears)
        {
            h = l.Forward(tape, h, steps, staticInput);
            staticInput = false;
            _lastSpikes.Add(h);
            _lastOutputs.Add(h);
        }
        return _readout.Forward(tape, h, steps);
    }

    // Direct encoding never comes here: the first layer takes the static batch and repeats its product over T.
    Tensor Encode(Tape tape, Tensor x) => Options.Encoding == SpikeEncoding.Rate ? _rate!.Encode(tape, x) : LatencyEncoder.Encode(tape, x, Steps);

    void CheckInput(Shape s)
    {
        bool ok = s.Rank == InputShape.Count + 1 && s[0] >= 1;
        for (int i = 0; ok && i < InputShape.Count; i++) ok = s[i + 1] == InputShape[i];
        if (!ok)
            throw new ArgumentException(
                $"{Name}: input {s} does not match the model's input [B, {string.Join(", ", InputShape)}]; pass a batch of samples shaped like the training data.", nameof(s));
    }

    /// <inheritdoc/>
    public Tensor? RegularizationLoss(Tape tape)
    {
        ArgumentNullException.ThrowIfNull(tape);
        if (Options.RateRegularization == 0f) return null;
        if (!ReferenceEquals(tape, _lastTape) || _lastSpikes.Count == 0)
            throw new InvalidOperationException($"{Name}: RegularizationLoss needs the Forward of this step recorded on the same tape; call Forward first.");
        return SpikeRateRegularizer.Loss(tape, _lastSpikes, Options.RateRegularization, Options.TargetRate);
    }

    /// <inheritdoc/>
    public IReadOnlyList<SpikeRecord> RecordSpikes(ReadOnlySpan<float> sample)
    {
        if (sample.Length != _inputSize)
            throw new ArgumentException($"{Name}: a sample holds {sample.Length} values; the model's input [{string.Join(", ", InputShape)}] has {_inputSize}.", nameof(sample));
        bool wasTraining = Training;
        SetCounting(false);
        Training = false;
        try
        {
            using var tape = new Tape(recording: false);
            using var x = Tensor.From(sample, new Shape([1, .. InputShape]));
            Forward(tape, x);
            var records = new List<SpikeRecord>(_lastSpikes.Count);
            var names = _convs.Select(c => c.Name).Concat(_linears.Select(l => l.Name)).ToArray();
            for (int i = 0; i < _lastSpikes.Count; i++)
            {
                var s = _lastSpikes[i];
                records.Add(new SpikeRecord(names[i], Steps, s.Size / Steps, s.ToArray()));
            }
            _lastSpikes.Clear();
            _lastOutputs.Clear();
            _lastTape = null;
            return records;
        }
        finally
        {
            Training = wasTraining;
            SetCounting(true);
        }
    }

    void SetCounting(bool on)
    {
        foreach (var c in _convs) c.Counter.Enabled = on;
        foreach (var l in _linears) l.Counter.Enabled = on;
    }
}
