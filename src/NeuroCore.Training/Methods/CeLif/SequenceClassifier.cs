using NeuroCore.Autodiff;
using NeuroCore.Checkpoints;
using NeuroCore.Snn;

namespace NeuroCore.Training.Methods.CeLif;

/// <summary>
/// A feedforward spiking network for sequences: per step t the input x_t [F] → hidden layer 1 (linear + neurons) →
/// hidden layer 2 (linear + neurons) → <see cref="SpikingReadout"/> (a non-spiking leaky integrator, read as its mean
/// over the last <see cref="SequenceModelOptions.EffectiveReadoutSteps"/> steps). No recurrent weights: memory lives
/// only in the neurons' state (membrane, adaptive threshold, context).
/// </summary>
/// <remarks>
/// <see cref="Forward"/> takes a batch-major batch [B, 1, T, F] or [B, T·F] (a <c>SequenceSet</c>'s samples through
/// the shared <c>BatchIterator</c>), transposes it on the tape to time-major [T·B, F], and returns logits [B, classes],
/// so the ordinary <see cref="Trainer"/> drives it. Parameters: "fc1.*", "fc2.*" (weight, bias, β, θ) and
/// "readout.*".
/// </remarks>
public sealed class SequenceClassifier : ISpikingModel
{
    readonly SequenceLayer _fc1;
    readonly SequenceLayer _fc2;
    readonly SpikingReadout _readout;
    readonly List<Tensor> _lastSpikes = [];

    /// <summary>Adds the model's parameters to <paramref name="store"/>, initialised from <paramref name="seed"/>.</summary>
    /// <exception cref="ArgumentException">An option is invalid (the message names it and the fix).</exception>
    public SequenceClassifier(ParameterStore store, SequenceModelOptions options, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _fc1 = new SequenceLayer(store, "fc1", options.Features, options.Hidden, options, seed);
        _fc2 = new SequenceLayer(store, "fc2", options.Hidden, options.Hidden, options, seed);
        _readout = new SpikingReadout(store, "readout", options.Hidden, options.Classes,
            new SnnModelOptions { Beta = options.Beta, Readout = ReadoutKind.MeanMembrane }, seed);
    }

    /// <summary>The architecture name written to reports and descriptions.</summary>
    public const string Architecture = "snn-seq";

    /// <inheritdoc/>
    public string Name => Architecture;

    /// <summary>The options the model was built with.</summary>
    public SequenceModelOptions Options { get; }

    /// <inheritdoc/>
    public int Steps => Options.Steps;

    /// <inheritdoc/>
    public bool Training { get; set; } = true;

    /// <summary>
    /// The first hidden layer's input current I [T·B, hidden] of the last <see cref="Forward"/> (row t·B + b is sample b
    /// at step t); after <c>tape.Backward</c>, <c>tape.GradOf(FirstLayerCurrent)</c> is ∂L/∂I_t.
    /// </summary>
    public Tensor? FirstLayerCurrent => _fc1.LastCurrent;

    /// <inheritdoc/>
    public IReadOnlyList<LayerSpikeStatistics> Statistics => [_fc1.Counter.Snapshot(), _fc2.Counter.Snapshot()];

    /// <inheritdoc/>
    public void ResetStatistics()
    {
        _fc1.Counter.Reset();
        _fc2.Counter.Reset();
    }

    /// <summary>Runs a batch of sequences [B, 1, T, F] or [B, T·F] and returns logits [B, classes].</summary>
    /// <exception cref="ArgumentException">The batch does not hold T·F values per sample.</exception>
    public Tensor Forward(Tape tape, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        int t = Options.Steps, f = Options.Features;
        if (x.Shape.Rank < 2 || x.Shape[0] < 1 || x.Size != (long)x.Shape[0] * t * f)
            throw new ArgumentException(
                $"{Name}: input {x.Shape} does not hold T·F = {t}·{f} values per sample; pass batches [B, 1, {t}, {f}] or [B, {t * f}] " +
                "of the sequence set the model was built for.", nameof(x));
        int batch = x.Shape[0];
        var seq = Ops.Transpose(tape, Ops.Reshape(tape, x, new Shape(batch, t, f)), 0, 1);
        var h = Ops.Reshape(tape, seq, new Shape(t * batch, f));
        _lastSpikes.Clear();
        h = _fc1.Forward(tape, h, t);
        _lastSpikes.Add(h);
        h = _fc2.Forward(tape, h, t);
        _lastSpikes.Add(h);
        int window = Options.EffectiveReadoutSteps;
        if (window < t)
        {
            var last = Ops.Slice(tape, Ops.Reshape(tape, h, new Shape(t, batch, Options.Hidden)), 0, t - window, window);
            h = Ops.Reshape(tape, last, new Shape(window * batch, Options.Hidden));
        }
        return _readout.Forward(tape, h, window);
    }

    /// <summary>No activity regulariser: always null.</summary>
    public Tensor? RegularizationLoss(Tape tape) => null;

    /// <inheritdoc/>
    public IReadOnlyList<SpikeRecord> RecordSpikes(ReadOnlySpan<float> sample)
    {
        int size = Options.Steps * Options.Features;
        if (sample.Length != size)
            throw new ArgumentException($"{Name}: a sample holds {sample.Length} values; the model takes T·F = {size}.", nameof(sample));
        _fc1.Counter.Enabled = _fc2.Counter.Enabled = false;
        try
        {
            using var tape = new Tape(recording: false);
            using var x = Tensor.From(sample, new Shape(1, size));
            Forward(tape, x);
            return [.. _lastSpikes.Select((s, i) => new SpikeRecord(i == 0 ? "fc1" : "fc2", Steps, Options.Hidden, s.ToArray()))];
        }
        finally
        {
            _fc1.Counter.Enabled = _fc2.Counter.Enabled = true;
            _lastSpikes.Clear();
        }
    }

    /// <summary>A description of the model for <c>model.json</c> (architecture <see cref="Architecture"/>, options in metadata).</summary>
    public ModelDescription Describe()
    {
        var o = Options;
        var d = new ModelDescription
        {
            Architecture = Architecture,
            InputShape = [1, o.Steps, o.Features],
            Classes = o.Classes,
            Layers =
            [
                new LayerDescription { Type = "spiking-linear", Name = "fc1", In = o.Features, Out = o.Hidden, Bias = true },
                new LayerDescription { Type = "spiking-linear", Name = "fc2", In = o.Hidden, Out = o.Hidden, Bias = true },
                new LayerDescription { Type = "readout", Name = "readout", In = o.Hidden, Out = o.Classes, Bias = true },
            ],
        };
        foreach (var (key, value) in Metadata(o)) d.Metadata[key] = value;
        return d;
    }

    /// <summary>
    /// Rebuilds the model a <see cref="Describe"/> description was written from (weights freshly initialised from
    /// <paramref name="seed"/>; load a checkpoint over them), reading its options back from the "seq.*" metadata.
    /// </summary>
    /// <exception cref="ArgumentException">The description is not of an <see cref="Architecture"/> model, or a "seq.*" entry is
    /// missing or malformed (the message names it).</exception>
    public static SequenceClassifier FromDescription(ParameterStore store, ModelDescription description, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(description);
        if (description.Architecture != Architecture)
            throw new ArgumentException($"{Architecture}: the description is of a '{description.Architecture}' model, not a sequence classifier.", nameof(description));
        var m = description.Metadata;
        string Get(string key) => m.TryGetValue(key, out string? v) ? v
            : throw new ArgumentException($"{Architecture}: model.json lacks '{key}' in its metadata; it was not written by `neurocore train celif --out DIR`.", nameof(description));
        var c = System.Globalization.CultureInfo.InvariantCulture;
        int Int(string key) => int.TryParse(Get(key), System.Globalization.NumberStyles.Integer, c, out int v) ? v
            : throw new ArgumentException($"{Architecture}: model.json's '{key}' = '{Get(key)}' is not an integer.", nameof(description));
        float Float(string key, float fallback) => !m.ContainsKey(key) ? fallback
            : float.TryParse(Get(key), System.Globalization.NumberStyles.Float, c, out float v) ? v
            : throw new ArgumentException($"{Architecture}: model.json's '{key}' = '{Get(key)}' is not a number.", nameof(description));
        T Named<T>(string key, T fallback) where T : struct, Enum => !m.ContainsKey(key) ? fallback
            : Enum.TryParse(Get(key), ignoreCase: true, out T v) && Enum.IsDefined(v) ? v
            : throw new ArgumentException($"{Architecture}: model.json's '{key}' = '{Get(key)}' is not one of {string.Join(", ", Enum.GetNames<T>()).ToLowerInvariant()}.", nameof(description));
        var defaults = new SequenceModelOptions { Steps = 1, Features = 1, Classes = 2 };
        var surrogate = defaults.Surrogate;
        if (m.TryGetValue("seq.surrogate", out string? text) && !SurrogateSpec.TryParse(text, out surrogate, out string? error))
            throw new ArgumentException($"{Architecture}: model.json's 'seq.surrogate' = '{text}': {error}", nameof(description));
        int? checkpointEvery = m.ContainsKey("seq.checkpoint_every") ? Int("seq.checkpoint_every") : null;
        var options = new SequenceModelOptions
        {
            Steps = Int("seq.steps"),
            Features = Int("seq.features"),
            Classes = description.Classes,
            Hidden = Int("seq.hidden"),
            Neuron = Named("seq.neuron", SequenceNeuron.Lif),
            Embedding = m.ContainsKey("seq.embedding") ? Named("seq.embedding", ContextEmbedding.C1) : null,
            DecayBound = Named("seq.decay_bound", DecayBound.None),
            Beta = Float("seq.beta", defaults.Beta),
            Threshold = Float("seq.threshold", defaults.Threshold),
            Rho = Float("seq.rho", defaults.Rho),
            Kappa = Float("seq.kappa", defaults.Kappa),
            ContextDecay = Float("seq.context_decay", defaults.ContextDecay),
            CheckpointEvery = checkpointEvery,
            Surrogate = surrogate,
            ReadoutSteps = Int("seq.readout_steps"),
        };
        return new SequenceClassifier(store, options, seed);
    }

    /// <summary>The options as "seq.*" strings (for the description and the report).</summary>
    internal static IEnumerable<(string Key, string Value)> Metadata(SequenceModelOptions o)
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        yield return ("seq.steps", o.Steps.ToString(c));
        yield return ("seq.features", o.Features.ToString(c));
        yield return ("seq.hidden", o.Hidden.ToString(c));
        yield return ("seq.neuron", o.Neuron.ToString().ToLowerInvariant());
        if (o.Embedding is { } e) yield return ("seq.embedding", e.ToString().ToLowerInvariant());
        yield return ("seq.beta", o.Beta.ToString("R", c));
        if (o.DecayBound != DecayBound.None) yield return ("seq.decay_bound", o.DecayBound.ToString().ToLowerInvariant());
        yield return ("seq.threshold", o.Threshold.ToString("R", c));
        if (o.Neuron == SequenceNeuron.Alif)
        {
            yield return ("seq.rho", o.Rho.ToString("R", c));
            yield return ("seq.kappa", o.Kappa.ToString("R", c));
        }
        if (o.Neuron == SequenceNeuron.CeLif)
        {
            yield return ("seq.context_decay", o.ContextDecay.ToString("R", c));
            yield return ("seq.checkpoint_every", o.EffectiveCheckpointEvery.ToString(c));
        }
        yield return ("seq.surrogate", o.Surrogate.ToString());
        yield return ("seq.readout_steps", o.EffectiveReadoutSteps.ToString(c));
    }
}
