using System.Numerics.Tensors;

namespace NeuroCore.Snn;

/// <summary>
/// The running counts behind a layer's <see cref="LayerSpikeStatistics"/>: spikes emitted, neuron-steps simulated,
/// synaptic operations processed and samples seen. Counted from the spike tensors a forward actually produced.
/// </summary>
public sealed class SpikeCounter
{
    double _spikes;
    double _neuronSteps;
    double _synOps;

    /// <summary>Creates a counter for a layer of <paramref name="neurons"/> neurons per sample.</summary>
    public SpikeCounter(string layer, int neurons)
    {
        Layer = layer;
        Neurons = neurons;
    }

    /// <summary>The layer's name.</summary>
    public string Layer { get; }

    /// <summary>Neurons per sample.</summary>
    public int Neurons { get; }

    /// <summary>Samples counted.</summary>
    public long Samples { get; private set; }

    /// <summary>False while a model records spikes for inspection, so those runs do not enter the statistics.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Adds one forward: its output spikes [T·B·Neurons], the batch B, T and the synaptic operations it did.</summary>
    public void Add(ReadOnlySpan<float> spikes, int steps, int batch, double synOps)
    {
        if (!Enabled) return;
        _spikes += TensorPrimitives.Sum(spikes);
        _neuronSteps += (double)steps * batch * Neurons;
        _synOps += synOps;
        Samples += batch;
    }

    /// <summary>The statistics so far (zeros before any sample).</summary>
    public LayerSpikeStatistics Snapshot() => new(Layer, Neurons,
        _neuronSteps > 0 ? _spikes / _neuronSteps : 0, Samples > 0 ? _synOps / Samples : 0, Samples);

    /// <summary>Forgets every count.</summary>
    public void Reset()
    {
        _spikes = _neuronSteps = _synOps = 0;
        Samples = 0;
    }
}
