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

    /// <summary>Back to rest (zero membranes), as before the first step.</summary>
    public void Reset() => Neurons.Reset();
}
