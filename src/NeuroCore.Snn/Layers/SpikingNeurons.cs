using NeuroCore.Autodiff;
using NeuroCore.Kernels;

namespace NeuroCore.Snn;

/// <summary>
/// The neurons of one spiking layer as the model options describe them (LIF or ALIF, β, θ, reset, surrogate): a
/// thin switch over <see cref="LifNeuron"/> so a layer does not care which model it runs.
/// </summary>
sealed class SpikingNeurons
{
    readonly LifParams _lif;

    public SpikingNeurons(ParameterStore store, string name, int groups, int inner, SnnModelOptions o)
    {
        Name = name;
        Kind = o.Neuron;
        Features = groups * inner;
        var reset = o.SoftReset ? LifReset.Soft : LifReset.Hard;
        if (o.Neuron != NeuronKind.Lif)
            throw new NotSupportedException($"Layer '{name}': neuron kind {o.Neuron} is not available in this build; use {NeuronKind.Lif}.");
        _lif = LifParams.Create(store, name, groups, inner, o.Beta, o.Threshold, o.LearnBeta, o.LearnThreshold, reset, o.DetachReset, o.Surrogate);
    }

    public string Name { get; }

    public NeuronKind Kind { get; }

    /// <summary>Neurons per sample.</summary>
    public int Features { get; }

    /// <summary>The fused scan over a time-major current [T·B, ...]: one tape entry.</summary>
    public Tensor Scan(Tape tape, Tensor current, int steps) => LifNeuron.Scan(tape, current, steps, _lif);

    /// <summary>A fresh state for <paramref name="batch"/> samples.</summary>
    public object NewState(int batch) => new LifState(_lif, batch);

    /// <summary>One step; <paramref name="state"/> comes from <see cref="NewState"/>.</summary>
    public void Step(ReadOnlySpan<float> current, object state, Span<float> spikes) =>
        LifNeuron.Step(_lif, current, (LifState)state, spikes);

    /// <summary>Clears a state from <see cref="NewState"/>.</summary>
    public static void ResetState(object state)
    {
        if (state is LifState lif) lif.Reset();
    }
}
