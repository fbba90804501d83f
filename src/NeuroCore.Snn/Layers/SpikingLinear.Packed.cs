using NeuroCore.Kernels;

namespace NeuroCore.Snn;

public sealed partial class SpikingLinear
{
    /// <summary>
    /// One inference step on bit-packed spikes, packed in and packed out (the <see cref="PackedSpikes"/> layout of one
    /// step): effectively computes <c>spikes = neuron(x·Wᵀ + b)</c> for the 0/1 input x [B, in] held in
    /// <paramref name="inputBits"/> [B, ceil(in/64)], advancing <paramref name="state"/>, with the output spikes written
    /// as [B, ceil(out/64)] words. The input is never unpacked on the event path: its set bits are listed
    /// (<see cref="SpikeSynapse.Compact(ReadOnlySpan{ulong}, int, int, Span{int}, Span{int})"/>) and the Wᵀ rows of
    /// the events added (<see cref="SpikeSynapse.Forward(ReadOnlySpan{int}, ReadOnlySpan{int}, int, ReadOnlySpan{float}, int, ReadOnlySpan{float}, Span{float}, int)"/>);
    /// <see cref="Path"/> chooses as in <see cref="Forward(Autodiff.Tape, Tensor, int, bool)"/> (Auto: events below
    /// <see cref="SpikeSynapse.DensityThreshold"/>, else the input is unpacked for the dense product; the training-only
    /// <see cref="SynapsePath.Tables"/> and <see cref="SynapsePath.TableGradient"/> choose as Auto here). The spikes equal
    /// those of the float <see cref="Step(ReadOnlySpan{float}, SpikingLinearState, Span{float})"/> up to the summation
    /// order of the current. The first packed call on a state allocates its scratch (Wᵀ and one step's events); later
    /// calls allocate nothing. Each call transposes W [out, in] (in·out copies): for a sequence use
    /// <see cref="Forward(PackedSpikes, SpikingLinearState, PackedSpikes, int)"/>, which does it once.
    /// </summary>
    /// <param name="inputBits">The input spikes of this step, [B, ceil(in/64)] words.</param>
    /// <param name="state">A state of this layer (<see cref="CreateState"/>).</param>
    /// <param name="spikeBits">Destination [B, ceil(out/64)] words.</param>
    /// <exception cref="ArgumentException">The state belongs to another layer, or a span is too short.</exception>
    public void Step(ReadOnlySpan<ulong> inputBits, SpikingLinearState state, Span<ulong> spikeBits)
    {
        CheckPackedState(state);
        int batch = state.Batch, inWords = SpikeSynapse.PackedWords(InFeatures), outWords = SpikeSynapse.PackedWords(OutFeatures);
        if (inputBits.Length < batch * inWords || spikeBits.Length < batch * outWords)
            throw new ArgumentException(
                $"{_label}: inputBits holds {inputBits.Length} words and spikeBits {spikeBits.Length}; the state is for batch {batch}, so expected " +
                $"[{batch}, ceil({InFeatures}/64)] = {batch * inWords} and [{batch}, ceil({OutFeatures}/64)] = {batch * outWords} (one step of PackedSpikes).", nameof(inputBits));
        bool transposed = false;
        StepPacked(inputBits, state, spikeBits, ref transposed, 1);
    }

    /// <summary>
    /// Inference over a whole sequence of bit-packed spikes: runs <see cref="Step(ReadOnlySpan{ulong}, SpikingLinearState, Span{ulong})"/>
    /// for t = 0..T−1 from <paramref name="state"/> (call <see cref="SpikingLinearState.Reset"/> first to start at
    /// rest), reading <paramref name="input"/> [T, B, in] and writing <paramref name="output"/> [T, B, out], with W
    /// transposed once. No tape, no gradient; allocates nothing after the state's first packed call.
    /// </summary>
    /// <param name="input">Packed input spikes [T, B, in] (for example the previous layer's <see cref="LifNeuron.ScanPacked"/>).</param>
    /// <param name="state">A state of this layer for batch B.</param>
    /// <param name="output">Destination packed spikes [T, B, out].</param>
    /// <param name="threads">Threads for the synapse kernel (rows split; bitwise equal for any count).</param>
    /// <exception cref="ArgumentException">The state or a packed buffer does not fit this layer; the message names the shapes.</exception>
    public void Forward(PackedSpikes input, SpikingLinearState state, PackedSpikes output, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        CheckPackedState(state);
        input.CheckShape(_label, input.Steps, state.Batch, InFeatures, nameof(input));
        output.CheckShape(_label, input.Steps, state.Batch, OutFeatures, nameof(output));
        bool transposed = false;
        for (int t = 0; t < input.Steps; t++)
            StepPacked(input.StepBits(t), state, output.StepBits(t), ref transposed, threads);
    }

    void CheckPackedState(SpikingLinearState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!ReferenceEquals(state.Layer, this))
            throw new ArgumentException($"{_label}: the state belongs to layer '{state.Layer.Name}' ([{state.Batch}, {state.Layer.OutFeatures}]); create one with this layer's CreateState.", nameof(state));
    }

    /// <summary>One packed step; Wᵀ is refreshed into the state's scratch the first time the event path needs it in this call.</summary>
    void StepPacked(ReadOnlySpan<ulong> bits, SpikingLinearState state, Span<ulong> spikeBits, ref bool transposed, int threads)
    {
        int batch = state.Batch;
        var scratch = state.Packed;
        var current = state.Current;
        long events = SpikeSynapse.CountEvents(bits, batch, InFeatures);
        bool useEvents = Path switch
        {
            SynapsePath.Events => true,
            SynapsePath.Dense => false,
            _ => events < SpikeSynapse.DensityThreshold * batch * InFeatures,
        };
        if (useEvents)
        {
            if (!transposed)
            {
                Csr.Transpose(Weight.Span, OutFeatures, InFeatures, scratch.WeightT);
                transposed = true;
            }
            SpikeSynapse.Compact(bits, batch, InFeatures, scratch.RowStart, scratch.Indices);
            SpikeSynapse.Forward(scratch.RowStart, scratch.Indices, batch, scratch.WeightT, OutFeatures, Bias!.Span, current, threads);
        }
        else
        {
            SpikeSynapse.Unpack(bits, batch, InFeatures, scratch.Input);
            DenseStep.Product(scratch.Input, batch, Weight, Bias!, current);
        }
        _neurons.StepPacked(current, state.Neurons, spikeBits, scratch.Spikes);
    }
}
