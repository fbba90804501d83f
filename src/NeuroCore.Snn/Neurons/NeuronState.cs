namespace NeuroCore.Snn;

/// <summary>
/// The per-batch state of one neuron layer, carried across <c>Step</c> calls (streaming) or across chunks of a long
/// sequence (the <c>Scan</c> overloads that take a state). Owns its buffers, so stepping allocates nothing.
/// </summary>
public abstract class NeuronState
{
    readonly float[] _v;

    private protected NeuronState(NeuronParams p, int batch)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (batch < 1 || (long)batch * p.Features > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"{p.Label}: the batch size must be ≥ 1 and batch × {p.Features} features must fit one array.");
        Layer = p;
        Batch = batch;
        Neurons = batch * p.Features;
        _v = new float[Neurons];
    }

    /// <summary>The batch size B.</summary>
    public int Batch { get; }

    /// <summary>B × Features.</summary>
    public int Neurons { get; }

    /// <summary>The membrane potential V[B·F] (read and write).</summary>
    public Span<float> V => _v;

    /// <summary>Returns every neuron to rest (all state zero), e.g. between samples.</summary>
    public virtual void Reset() => Array.Clear(_v);

    private protected NeuronParams Layer { get; }

    /// <summary>Throws unless this state was made for layer <paramref name="p"/> and batch <paramref name="batch"/>.</summary>
    internal void CheckFor(NeuronParams p, int batch, string paramName)
    {
        if (!ReferenceEquals(Layer, p) || Batch != batch)
            throw new ArgumentException(
                $"{p.Label}: the state belongs to {NeuronLayout.Describe(Layer.Name, Batch, Layer.Features)}" +
                $"{(ReferenceEquals(Layer, p) ? "" : " (another layer)")}, but this call is for {NeuronLayout.Describe(p.Name, batch, p.Features)}; " +
                $"create one state per layer and batch size (new {GetType().Name}(params, batch)).", paramName);
    }

    /// <summary>Throws unless this state fits <paramref name="p"/> and the spans hold one step of the batch.</summary>
    internal void CheckStep(NeuronParams p, int current, int spikes, string paramName)
    {
        CheckFor(p, Batch, paramName);
        if (current != Neurons || spikes < Neurons)
            throw new ArgumentException(
                $"{p.Label}: Step takes current [B·F] = [{Batch}·{p.Features} = {Neurons}] for this state (batch {Batch}), " +
                $"got current [{current}] and spikes [{spikes}]; pass one step of the whole batch.", paramName);
    }
}
