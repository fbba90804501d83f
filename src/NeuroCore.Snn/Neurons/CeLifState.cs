namespace NeuroCore.Snn;

/// <summary>
/// The membrane V, spike trace A and context C of one CE-LIF layer for a batch, and the number of steps run so far
/// (the C1 table's row index), carried across <see cref="CeLifNeuron.Step"/> calls or across chunks of a long
/// sequence (<see cref="CeLifNeuron.Scan"/> with a state). Owns its buffers, so stepping allocates nothing.
/// </summary>
public sealed class CeLifState
{
    readonly float[] _v, _a, _c;
    readonly float[][] _scratch;
    readonly float[] _groups;

    /// <summary>Creates a state at rest (V = A = C = 0, time 0) for <paramref name="batch"/> samples of layer <paramref name="p"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batch"/> is below 1 or the state would be too large.</exception>
    public CeLifState(CeLifParams p, int batch)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (batch < 1 || (long)batch * p.Features > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"{p.Label}: the batch size must be ≥ 1 and batch × {p.Features} features must fit one array.");
        Params = p;
        Batch = batch;
        Neurons = batch * p.Features;
        _v = new float[Neurons];
        _a = new float[Neurons];
        _c = new float[Neurons];
        _scratch = [new float[Neurons], new float[Neurons], new float[Neurons], new float[Neurons], new float[Neurons], new float[Neurons], new float[Neurons]];
        _groups = new float[p.Groups];
    }

    /// <summary>The layer this state belongs to.</summary>
    public CeLifParams Params { get; }

    /// <summary>The batch size B.</summary>
    public int Batch { get; }

    /// <summary>B × Features.</summary>
    public int Neurons { get; }

    /// <summary>The membrane V[B·F] (read and write).</summary>
    public Span<float> V => _v;

    /// <summary>The spike trace A[B·F] (read and write).</summary>
    public Span<float> A => _a;

    /// <summary>The context C[B·F] (read and write).</summary>
    public Span<float> C => _c;

    /// <summary>Steps run since the last <see cref="Reset"/> (the next step's C1 table row).</summary>
    public long Time { get; internal set; }

    /// <summary>Returns every neuron to rest (all state zero) and the time to 0, e.g. between samples.</summary>
    public void Reset()
    {
        Array.Clear(_v);
        Array.Clear(_a);
        Array.Clear(_c);
        Time = 0;
    }

    /// <summary>Scratch for α, θ0, β, γ, ρ, κ broadcast to [B·F] (0..5) and the C1 drive row (6).</summary>
    internal Span<float> Scratch(int index) => _scratch[index];

    /// <summary>Scratch of one value per group (a decay mapped through σ before it is broadcast).</summary>
    internal Span<float> GroupScratch => _groups;

    /// <summary>Throws unless this state was made for layer <paramref name="p"/> and batch <paramref name="batch"/>.</summary>
    internal void CheckFor(CeLifParams p, int batch, string paramName)
    {
        if (!ReferenceEquals(Params, p) || Batch != batch)
            throw new ArgumentException(
                $"{p.Label}: the state belongs to {NeuronLayout.Describe(Params.Name, Batch, Params.Features)}" +
                $"{(ReferenceEquals(Params, p) ? "" : " (another layer)")}, but this call is for {NeuronLayout.Describe(p.Name, batch, p.Features)}; " +
                "create one state per layer and batch size (new CeLifState(params, batch)).", paramName);
    }
}
