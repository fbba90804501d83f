namespace NeuroCore.Snn;

/// <summary>The streaming state of one <see cref="SpikingReadout"/> for a fixed batch.</summary>
public sealed class SpikingReadoutState
{
    readonly float[] _current, _membrane, _accumulator;

    internal SpikingReadoutState(SpikingReadout layer, int batch, NeuronState? neurons)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        Layer = layer;
        Batch = batch;
        Neurons = neurons;
        _current = new float[batch * layer.Classes];
        _membrane = new float[batch * layer.Classes];
        _accumulator = new float[batch * layer.Classes];
    }

    /// <summary>The layer this state belongs to.</summary>
    public SpikingReadout Layer { get; }

    /// <summary>B.</summary>
    public int Batch { get; }

    /// <summary>Steps integrated since creation or the last <see cref="Reset"/>.</summary>
    public int StepsSeen { get; internal set; }

    internal NeuronState? Neurons { get; }

    internal Span<float> Current => _current;

    internal Span<float> Membrane => _membrane;

    internal Span<float> Accumulator => _accumulator;

    /// <summary>Back to rest, as before the first step.</summary>
    public void Reset()
    {
        Array.Clear(_membrane);
        Array.Clear(_accumulator);
        StepsSeen = 0;
        Neurons?.Reset();
    }
}
