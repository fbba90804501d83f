using NeuroCore.Kernels;

namespace NeuroCore.Snn;

public static partial class LifNeuron
{
    /// <summary>
    /// Inference scan with bit-packed spikes: runs <c>spikes.Steps</c> steps of the layer over a time-major current
    /// from <paramref name="state"/>'s V (V0; call <see cref="NeuronState.Reset"/> to start at rest) and writes V_T
    /// back, like the chunked <see cref="Scan(Autodiff.Tape, Tensor, int, LifParams, LifState)"/> without a tape: no
    /// gradient, no H saved, nothing allocated. The spikes are bitwise those of the float scan, stored one bit per
    /// neuron (<see cref="PackedSpikes"/>), which <see cref="SpikingLinear.Forward(PackedSpikes, SpikingLinearState, PackedSpikes, int)"/>
    /// consumes directly.
    /// </summary>
    /// <param name="p">The layer's neuron parameters.</param>
    /// <param name="current">Synaptic current, [T·B, features...] or [T, B, features...], time-major and contiguous.</param>
    /// <param name="state">A state of this layer for batch B; V is read as V0 and overwritten with V_T.</param>
    /// <param name="spikes">Destination [T, B, F] packed spikes, overwritten.</param>
    /// <param name="threads">Threads for the kernel (results are bitwise equal for any count).</param>
    /// <exception cref="ArgumentException">The current's shape, the state or the packed spikes do not fit the layer; the message names the layer and the shapes.</exception>
    public static void ScanPacked(LifParams p, Tensor current, LifState state, PackedSpikes spikes, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(spikes);
        int batch = NeuronLayout.BatchOf(p.Label, current.Shape, spikes.Steps, p.Features, nameof(current));
        state.CheckFor(p, batch, nameof(state));
        spikes.CheckShape(p.Label, spikes.Steps, batch, p.Features, nameof(spikes));
        NeuronLayout.Broadcast(p.DecayValues(), p.Inner, batch, state.BetaScratch);
        NeuronLayout.Broadcast(p.Threshold.Span, p.Inner, batch, state.ThresholdScratch);
        Lif.ScanForward(current.Span, spikes.Steps, batch, p.Features, state.BetaScratch, state.ThresholdScratch, p.Reset,
            state.V, spikes.Bits, threads);
    }

    /// <summary>
    /// One step for a batch with bit-packed spikes: <paramref name="current"/> is I[B·F] for this step and
    /// <paramref name="spikeBits"/> receives [B, ceil(F/64)] words (the <see cref="PackedSpikes"/> layout of one step);
    /// <paramref name="state"/>'s V is updated. Allocates nothing; the spikes are bitwise those of
    /// <see cref="Step(LifParams, ReadOnlySpan{float}, LifState, Span{float})"/>.
    /// </summary>
    /// <param name="p">The layer's neuron parameters.</param>
    /// <param name="current">I[B·F].</param>
    /// <param name="state">A state of this layer.</param>
    /// <param name="spikeBits">Destination, at least B·ceil(F/64) words.</param>
    /// <exception cref="ArgumentException">The state is of another layer or batch size, or a span is too short.</exception>
    public static void Step(LifParams p, ReadOnlySpan<float> current, LifState state, Span<ulong> spikeBits)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(state);
        int words = state.Batch * SpikeSynapse.PackedWords(p.Features);
        state.CheckStep(p, current.Length, state.Neurons, nameof(state));
        if (spikeBits.Length < words)
            throw new ArgumentException($"{p.Label}: spikeBits holds {spikeBits.Length} words; one step of [B, ceil(F/64)] = [{state.Batch}, {SpikeSynapse.PackedWords(p.Features)}] needs {words}.", nameof(spikeBits));
        NeuronLayout.Broadcast(p.DecayValues(), p.Inner, state.Batch, state.BetaScratch);
        NeuronLayout.Broadcast(p.Threshold.Span, p.Inner, state.Batch, state.ThresholdScratch);
        Lif.Step(current, p.Features, state.BetaScratch, state.ThresholdScratch, p.Reset, state.V, spikeBits);
    }
}
