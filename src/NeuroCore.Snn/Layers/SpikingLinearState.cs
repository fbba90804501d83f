namespace NeuroCore.Snn;

/// <summary>The streaming state of one <see cref="SpikingLinear"/> for a fixed batch: the membranes and a current buffer.</summary>
public sealed class SpikingLinearState
{
    readonly float[] _current;

    internal SpikingLinearState(SpikingLinear layer, int batch, NeuronState neurons)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        Layer = layer;
        Batch = batch;
        Neurons = neurons;
        _current = new float[batch * layer.OutFeatures];
    }

    /// <summary>The layer this state belongs to.</summary>
    public SpikingLinear Layer { get; }

    /// <summary>B.</summary>
    public int Batch { get; }

    internal NeuronState Neurons { get; }

    internal Span<float> Current => _current;

    /// <summary>
    /// Scratch of the packed-spike forms (<see cref="SpikingLinear.Step(ReadOnlySpan{ulong}, SpikingLinearState, Span{ulong})"/>),
    /// allocated at their first call so the float path pays nothing for it: the CSR events of one step, Wᵀ [in, out],
    /// the unpacked input for the dense path and the float spikes for ALIF.
    /// </summary>
    internal PackedScratch Packed => _packed ??= new PackedScratch(Batch, Layer.InFeatures, Layer.OutFeatures);

    PackedScratch? _packed;

    /// <summary>The buffers behind <see cref="Packed"/>.</summary>
    internal sealed class PackedScratch(int batch, int inFeatures, int outFeatures)
    {
        public readonly int[] RowStart = new int[batch + 1];
        public readonly int[] Indices = new int[batch * inFeatures];
        public readonly float[] WeightT = new float[inFeatures * outFeatures];
        public readonly float[] Input = new float[batch * inFeatures];
        public readonly float[] Spikes = new float[batch * outFeatures];
    }

    /// <summary>Back to rest (zero membranes), as before the first step.</summary>
    public void Reset() => Neurons.Reset();
}
