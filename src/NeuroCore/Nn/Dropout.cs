using NeuroCore.Autodiff;
using NeuroCore.Checkpoints;

namespace NeuroCore.Nn;

/// <summary>
/// Inverted dropout (PyTorch <c>nn.Dropout</c>) with a Philox mask keyed by (seed, stream): the stream combines the
/// layer's name with a call counter, so each training forward draws a fresh, reproducible mask. Identity in evaluation.
/// </summary>
public sealed class Dropout : IDescribedModule
{
    readonly ulong _streamBase;

    /// <summary>Creates the layer with drop probability <paramref name="p"/> and mask seed <paramref name="seed"/>.</summary>
    public Dropout(float p, ulong seed, string name = "dropout")
    {
        if (!(p >= 0f && p <= 1f)) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout: p must be in [0, 1].");
        P = p;
        Seed = seed;
        Name = name;
        _streamBase = Init.StreamOf(name);
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public bool Training { get; set; } = true;

    /// <summary>Drop probability.</summary>
    public float P { get; }

    /// <summary>The mask seed.</summary>
    public ulong Seed { get; }

    /// <summary>Training forwards run so far (the mask stream's counter); set it to resume a run's mask sequence.</summary>
    public ulong Calls { get; set; }

    /// <inheritdoc/>
    public Tensor Forward(Tape tape, Tensor x)
    {
        if (!Training || P == 0f) return Ops.Dropout(tape, x, P, training: false, Seed, 0);
        return Ops.Dropout(tape, x, P, training: true, Seed, _streamBase + Calls++);
    }

    /// <inheritdoc/>
    public LayerDescription Describe() => new() { Type = "dropout", Name = Name, P = P };
}
