using NeuroCore.Autodiff;

namespace NeuroCore.Snn;

/// <summary>
/// The streaming state of one <see cref="SpikingConv2d"/> for a fixed batch: the membranes, the pre-pool spikes and a
/// private non-recording tape for the convolution's scratch. Dispose it to release that tape.
/// </summary>
public sealed class SpikingConv2dState : IDisposable
{
    readonly float[] _input, _spikes;
    readonly int[] _argMax;

    internal SpikingConv2dState(SpikingConv2d layer, int batch, NeuronState neurons)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        Layer = layer;
        Batch = batch;
        Neurons = neurons;
        _input = new float[batch * layer.InChannels * layer.Height * layer.Width];
        Input = Tensor.Wrap(_input, new Shape(batch, layer.InChannels, layer.Height, layer.Width));
        _spikes = new float[batch * layer.OutChannels * layer.Height * layer.Width];
        _argMax = new int[batch * layer.OutChannels * layer.OutHeight * layer.OutWidth];
        Tape = new Tape(recording: false);
    }

    /// <summary>The layer this state belongs to.</summary>
    public SpikingConv2d Layer { get; }

    /// <summary>B.</summary>
    public int Batch { get; }

    internal NeuronState Neurons { get; }

    internal Tensor Input { get; }

    internal Span<float> Spikes => _spikes;

    internal Span<int> ArgMax => _argMax;

    internal Tape Tape { get; }

    /// <summary>Back to rest (zero membranes), as before the first step.</summary>
    public void Reset() => Neurons.Reset();

    /// <summary>Releases the private tape.</summary>
    public void Dispose() => Tape.Dispose();
}
