using NeuroCore.Autodiff;
using NeuroCore.Kernels;
using NeuroCore.Nn;

namespace NeuroCore.Snn;

/// <summary>
/// The output layer: a linear map to the classes, <c>I_t = W·x_t + b</c>, followed by readout neurons whose activity
/// over the T steps becomes the logits (<see cref="ReadoutKind"/>): a non-spiking leaky integrator
/// <c>m_t = β·m_{t−1} + I_t</c> read as its mean or its maximum over t (<see cref="LeakyIntegrator"/>), or spiking
/// LIF neurons read as their spike counts (the scan followed by a sum over t).
/// </summary>
public sealed class SpikingReadout
{
    readonly SpikingNeurons? _neurons;

    /// <summary>Adds the layer's parameters ("{name}.weight", "{name}.bias", and for spike counts the neurons') to the store.</summary>
    public SpikingReadout(ParameterStore store, string name, int inFeatures, int classes, SnnModelOptions options, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inFeatures);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        if (!(options.Beta > 0f && options.Beta <= 1f))
            throw new ArgumentOutOfRangeException(nameof(options), options.Beta, $"SpikingReadout '{name}': β must lie in (0, 1].");
        Name = name;
        InFeatures = inFeatures;
        Classes = classes;
        Kind = options.Readout;
        Beta = options.Beta;
        (Weight, Bias) = Init.WeightAndBias(store, name, new Shape(classes, inFeatures), inFeatures, seed, bias: true);
        if (Kind == ReadoutKind.SpikeCount) _neurons = new SpikingNeurons(store, name, classes, 1, options with { Neuron = NeuronKind.Lif });
    }

    /// <summary>The layer's name.</summary>
    public string Name { get; }

    /// <summary>Inputs per sample.</summary>
    public int InFeatures { get; }

    /// <summary>Output classes.</summary>
    public int Classes { get; }

    /// <summary>How activity becomes logits.</summary>
    public ReadoutKind Kind { get; }

    /// <summary>The readout membrane decay β.</summary>
    public float Beta { get; }

    /// <summary>W [classes, in].</summary>
    public Tensor Weight { get; }

    /// <summary>b [classes].</summary>
    public Tensor? Bias { get; }

    /// <summary>The output spikes [T·B, classes] of the last forward (spike-count readout only), else null.</summary>
    public Tensor? LastSpikes { get; private set; }

    /// <summary>Maps the last hidden layer's spikes [T·B, in] to logits [B, classes].</summary>
    /// <exception cref="ArgumentException">The input is not [T·B, in].</exception>
    public Tensor Forward(Tape tape, Tensor x, int steps)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        if (x.Shape.Rank != 2 || x.Shape[1] != InFeatures || steps < 1 || x.Shape[0] % steps != 0)
            throw new ArgumentException($"SpikingReadout '{Name}': input {x.Shape} must be [T·B, {InFeatures}] with T = {steps} dividing the rows.", nameof(x));
        var current = Ops.Linear(tape, x, Weight, Bias);
        if (_neurons is null)
        {
            LastSpikes = null;
            return LeakyIntegrator.Forward(tape, current, steps, Beta, Kind == ReadoutKind.MaxMembrane);
        }
        var spikes = _neurons.Scan(tape, current, steps);
        LastSpikes = spikes;
        int batch = x.Shape[0] / steps;
        return Ops.Sum(tape, Ops.Reshape(tape, spikes, new Shape(steps, batch, Classes)), 0);
    }

    /// <summary>A zeroed streaming state for <paramref name="batch"/> samples, for <see cref="Step"/>.</summary>
    public SpikingReadoutState CreateState(int batch) => new(this, batch, _neurons?.NewState(batch));

    /// <summary>
    /// One time step without a tape: integrates x [B, in] and writes the logits so far [B, classes] (the running mean,
    /// maximum or spike count of the steps seen since the state was created or reset). Allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentException">The state belongs to another layer or batch, or a span has the wrong length.</exception>
    public void Step(ReadOnlySpan<float> input, SpikingReadoutState state, Span<float> logits)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!ReferenceEquals(state.Layer, this))
            throw new ArgumentException($"SpikingReadout '{Name}': the state belongs to layer '{state.Layer.Name}' ([{state.Batch}, {state.Layer.Classes}]); create one with this layer's CreateState.", nameof(state));
        int batch = state.Batch, n = batch * Classes;
        if (input.Length != batch * InFeatures || logits.Length != n)
            throw new ArgumentException(
                $"SpikingReadout '{Name}': input holds {input.Length} values and logits {logits.Length}; the state is for batch {batch}, " +
                $"so expected [{batch}, {InFeatures}] and [{batch}, {Classes}].", nameof(input));
        var current = state.Current;
        DenseStep.Product(input, batch, Weight, Bias!, current);
        var m = state.Membrane;
        var acc = state.Accumulator;
        int t = state.StepsSeen++;
        if (_neurons is not null)
        {
            _neurons.Step(current, state.Neurons!, m);
            for (int j = 0; j < n; j++) acc[j] += m[j];
            acc.CopyTo(logits);
            return;
        }
        for (int j = 0; j < n; j++)
        {
            float v = (Beta * m[j]) + current[j];
            m[j] = v;
            if (Kind == ReadoutKind.MaxMembrane) acc[j] = t == 0 ? v : Math.Max(acc[j], v);
            else acc[j] += v;
        }
        if (Kind == ReadoutKind.MaxMembrane) acc.CopyTo(logits);
        else
        {
            float inv = 1f / (t + 1);
            for (int j = 0; j < n; j++) logits[j] = acc[j] * inv;
        }
    }
}
