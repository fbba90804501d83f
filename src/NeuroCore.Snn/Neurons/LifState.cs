namespace NeuroCore.Snn;

/// <summary>
/// The membrane potential of one LIF layer for a batch, carried across <see cref="LifNeuron.Step"/> calls (streaming)
/// or across chunks of a long sequence (<see cref="LifNeuron.Scan(Autodiff.Tape, Tensor, int, LifParams, LifState)"/>).
/// Owns its buffers, so stepping allocates nothing.
/// </summary>
public sealed class LifState
{
    readonly float[] _v;
    readonly float[] _beta;
    readonly float[] _threshold;

    /// <summary>Creates a state at rest (V = 0) for <paramref name="batch"/> samples of layer <paramref name="p"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batch"/> is below 1 or the state would be too large.</exception>
    public LifState(LifParams p, int batch)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (batch < 1 || (long)batch * p.Features > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"{p.Label}: the batch size must be ≥ 1 and batch × {p.Features} features must fit one array.");
        Params = p;
        Batch = batch;
        Neurons = batch * p.Features;
        _v = new float[Neurons];
        _beta = new float[Neurons];
        _threshold = new float[Neurons];
    }

    /// <summary>The layer this state belongs to.</summary>
    public LifParams Params { get; }

    /// <summary>The batch size B.</summary>
    public int Batch { get; }

    /// <summary>B × Features.</summary>
    public int Neurons { get; }

    /// <summary>The membrane potential V[B·F] (read and write).</summary>
    public Span<float> V => _v;

    /// <summary>Returns every neuron to rest (V = 0), e.g. between samples.</summary>
    public void Reset() => Array.Clear(_v);

    /// <summary>Scratch for β broadcast to [B·F].</summary>
    internal Span<float> BetaScratch => _beta;

    /// <summary>Scratch for θ broadcast to [B·F].</summary>
    internal Span<float> ThresholdScratch => _threshold;

    /// <summary>Throws unless this state was made for layer <paramref name="p"/> and batch <paramref name="batch"/>.</summary>
    internal void CheckFor(LifParams p, int batch, string paramName)
    {
        if (!ReferenceEquals(Params, p) || Batch != batch)
            throw new ArgumentException(
                $"{p.Label}: the state belongs to {NeuronLayout.Describe(Params.Name, Batch, Params.Features)}" +
                $"{(ReferenceEquals(Params, p) ? "" : " (another layer)")}, but this call is for {NeuronLayout.Describe(p.Name, batch, p.Features)}; " +
                "create one state per layer and batch size (new LifState(params, batch)).", paramName);
    }
}
