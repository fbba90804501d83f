using NeuroCore.Autodiff;
using NeuroCore.Kernels;

namespace NeuroCore.Snn;

/// <summary>
/// The neurons of one spiking layer as the model options describe them (LIF or ALIF, β, θ, reset, surrogate, ρ, κ):
/// a thin switch over <see cref="LifNeuron"/> and <see cref="AlifNeuron"/> so a layer does not care which model it runs.
/// </summary>
sealed class SpikingNeurons
{
    readonly LifParams? _lif;
    readonly AlifParams? _alif;

    public SpikingNeurons(ParameterStore store, string name, int groups, int inner, SnnModelOptions o)
    {
        var reset = o.SoftReset ? LifReset.Soft : LifReset.Hard;
        if (o.Neuron == NeuronKind.Alif)
            _alif = AlifParams.Create(store, name, groups, inner, o.Beta, o.Threshold, o.Rho, o.Kappa, o.LearnBeta, o.LearnThreshold, reset, o.DetachReset, o.Surrogate);
        else
            _lif = LifParams.Create(store, name, groups, inner, o.Beta, o.Threshold, o.LearnBeta, o.LearnThreshold, reset, o.DetachReset, o.Surrogate);
    }

    /// <summary>The fused scan over a time-major current [T·B, ...]: one tape entry.</summary>
    public Tensor Scan(Tape tape, Tensor current, int steps) =>
        _alif is not null ? AlifNeuron.Scan(tape, current, steps, _alif) : LifNeuron.Scan(tape, current, steps, _lif!);

    /// <summary>A fresh state for <paramref name="batch"/> samples.</summary>
    public NeuronState NewState(int batch) => _alif is not null ? new AlifState(_alif, batch) : new LifState(_lif!, batch);

    /// <summary>
    /// One step writing packed spikes [B, ceil(F/64)]: LIF directly (<see cref="LifNeuron.Step(LifParams, ReadOnlySpan{float}, LifState, Span{ulong})"/>);
    /// ALIF, which has no packed kernel, steps into <paramref name="floatScratch"/> [B·F] and packs it.
    /// </summary>
    public void StepPacked(ReadOnlySpan<float> current, NeuronState state, Span<ulong> spikeBits, Span<float> floatScratch)
    {
        if (_alif is not null)
        {
            AlifNeuron.Step(_alif, current, (AlifState)state, floatScratch);
            SpikeSynapse.Pack(floatScratch, state.Batch, _alif.Features, spikeBits);
        }
        else LifNeuron.Step(_lif!, current, (LifState)state, spikeBits);
    }

    /// <summary>One step; <paramref name="state"/> comes from <see cref="NewState"/>.</summary>
    public void Step(ReadOnlySpan<float> current, NeuronState state, Span<float> spikes)
    {
        if (_alif is not null) AlifNeuron.Step(_alif, current, (AlifState)state, spikes);
        else LifNeuron.Step(_lif!, current, (LifState)state, spikes);
    }
}
