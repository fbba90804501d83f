using NeuroCore.Autodiff;
using NeuroCore.Kernels;
using NeuroCore.Nn;
using NeuroCore.Snn;

namespace NeuroCore.Training.Methods.CeLif;

/// <summary>
/// One hidden layer of a <see cref="SequenceClassifier"/>: <c>I = x·Wᵀ + b</c> over [T·B, in] (one product for all
/// steps), then the neurons' fused scan. Unlike <c>SpikingLinear</c> it keeps the current of the last forward
/// (<see cref="LastCurrent"/>) so the gradient-flow diagnostic can read ∂L/∂I_t from the tape, and it runs any
/// <see cref="SequenceNeuron"/>.
/// </summary>
internal sealed class SequenceLayer
{
    readonly LifParams? _lif;
    readonly AlifParams? _alif;
    readonly CeLifParams? _celif;
    readonly int _checkpointEvery;
    readonly Tensor _weight;
    readonly Tensor? _bias;

    public SequenceLayer(ParameterStore store, string name, int inFeatures, int outFeatures, SequenceModelOptions o, ulong seed)
    {
        Name = name;
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        (_weight, _bias) = Init.WeightAndBias(store, name, new Shape(outFeatures, inFeatures), inFeatures, seed, bias: true);
        switch (o.Neuron)
        {
            case SequenceNeuron.Lif:
                _lif = LifParams.Create(store, name, outFeatures, 1, o.Beta, o.Threshold, learnBeta: true, learnThreshold: true, LifReset.Soft,
                    detachReset: false, o.Surrogate, o.DecayBound);
                break;
            case SequenceNeuron.Alif:
                _alif = AlifParams.Create(store, name, outFeatures, 1, o.Beta, o.Threshold, o.Rho, o.Kappa, learnBeta: true, learnThreshold: true,
                    LifReset.Soft, detachReset: false, o.Surrogate, o.DecayBound);
                break;
            case SequenceNeuron.CeLif:
                var form = (o.Embedding ?? ContextEmbedding.C1) switch
                {
                    ContextEmbedding.C1 => CeLifEmbedding.C1,
                    ContextEmbedding.C2 => CeLifEmbedding.C2,
                    _ => CeLifEmbedding.C3,
                };
                // CE-LIF integrates (1 − α)·I where LIF integrates I, so its membrane settles at I instead of I/(1 − β).
                // Scaling θ0 and the threshold's adaptation and context strengths by (1 − α) makes the initial network
                // fire like the LIF one (at θ = 1 it would start silent and get no surrogate gradient).
                float alpha = Math.Min(o.Beta, 0.999f), scale = 1f - alpha;
                var defaults = new CeLifOptions();
                _celif = CeLifParams.Create(store, name, outFeatures, 1, new CeLifOptions
                {
                    Embedding = form,
                    MaxSteps = o.Steps,
                    Alpha = alpha,
                    Threshold = o.Threshold * scale,
                    Beta = defaults.Beta * scale,
                    Gamma = defaults.Gamma * scale,
                    ThetaMin = Math.Min(defaults.ThetaMin, o.Threshold * scale),
                    Kappa = o.ContextDecay,
                    Surrogate = o.Surrogate,
                });
                _checkpointEvery = o.EffectiveCheckpointEvery;
                break;
            default:
                throw new ArgumentException($"Sequence layer '{name}': unknown neuron {o.Neuron}; use lif, alif or celif.");
        }
        Counter = new SpikeCounter(name, outFeatures);
    }

    public string Name { get; }

    public int InFeatures { get; }

    public int OutFeatures { get; }

    public SpikeCounter Counter { get; }

    /// <summary>The input current [T·B, out] of the last forward (valid until the tape's next reset).</summary>
    public Tensor? LastCurrent { get; private set; }

    /// <summary>Spikes [T·B, out] of a time-major input [T·B, in].</summary>
    public Tensor Forward(Tape tape, Tensor x, int steps)
    {
        var current = Ops.Linear(tape, x, _weight, _bias);
        LastCurrent = current;
        var spikes = _celif is not null ? CeLifNeuron.Scan(tape, current, steps, _celif, checkpointEvery: _checkpointEvery)
            : _alif is not null ? AlifNeuron.Scan(tape, current, steps, _alif)
            : LifNeuron.Scan(tape, current, steps, _lif!);
        int batch = x.Shape[0] / steps;
        Counter.Add(spikes.Span, steps, batch, (double)SpikeSynapse.CountEvents(x.Span) * OutFeatures);
        return spikes;
    }
}
