namespace NeuroCore.Snn;

/// <summary>
/// The membrane potential of one LIF layer for a batch, carried across <see cref="LifNeuron.Step"/> calls or across
/// chunks (<see cref="LifNeuron.Scan(Autodiff.Tape, Tensor, int, LifParams, LifState)"/>). Stepping allocates nothing.
/// </summary>
public sealed class LifState : NeuronState
{
    readonly float[] _beta;
    readonly float[] _threshold;

    /// <summary>Creates a state at rest (V = 0) for <paramref name="batch"/> samples of layer <paramref name="p"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batch"/> is below 1 or the state would be too large.</exception>
    public LifState(LifParams p, int batch) : base(p, batch)
    {
        Params = p;
        _beta = new float[Neurons];
        _threshold = new float[Neurons];
    }

    /// <summary>The layer this state belongs to.</summary>
    public LifParams Params { get; }

    /// <summary>Scratch for β broadcast to [B·F].</summary>
    internal Span<float> BetaScratch => _beta;

    /// <summary>Scratch for θ broadcast to [B·F].</summary>
    internal Span<float> ThresholdScratch => _threshold;
}
