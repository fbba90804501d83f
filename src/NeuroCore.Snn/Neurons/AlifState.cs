namespace NeuroCore.Snn;

/// <summary>
/// The membrane potential V and adaptation trace A of one ALIF layer for a batch, carried across
/// <see cref="AlifNeuron.Step"/> calls or across chunks
/// (<see cref="AlifNeuron.Scan(Autodiff.Tape, Tensor, int, AlifParams, AlifState)"/>). Stepping allocates nothing.
/// </summary>
public sealed class AlifState : NeuronState
{
    readonly float[] _a;
    readonly float[][] _scratch;

    /// <summary>Creates a state at rest (V = 0, A = 0) for <paramref name="batch"/> samples of layer <paramref name="p"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batch"/> is below 1 or the state would be too large.</exception>
    public AlifState(AlifParams p, int batch) : base(p, batch)
    {
        Params = p;
        _a = new float[Neurons];
        _scratch = [new float[Neurons], new float[Neurons], new float[Neurons], new float[Neurons]];
    }

    /// <summary>The layer this state belongs to.</summary>
    public AlifParams Params { get; }

    /// <summary>The adaptation trace A[B·F] (read and write).</summary>
    public Span<float> A => _a;

    /// <inheritdoc/>
    public override void Reset()
    {
        base.Reset();
        Array.Clear(_a);
    }

    /// <summary>Scratch for β, θ0, ρ, κ broadcast to [B·F] (parameter <paramref name="index"/> 0..3).</summary>
    internal Span<float> Scratch(int index) => _scratch[index];
}
