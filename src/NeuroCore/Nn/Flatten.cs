using NeuroCore.Autodiff;
using NeuroCore.Checkpoints;

namespace NeuroCore.Nn;

/// <summary>Flattens <c>[B, ...]</c> to <c>[B, rest]</c> without copying (PyTorch <c>nn.Flatten</c>).</summary>
public sealed class Flatten(string name = "flatten") : IDescribedModule
{
    /// <inheritdoc/>
    public string Name { get; } = name;

    /// <inheritdoc/>
    public bool Training { get; set; } = true;

    /// <inheritdoc/>
    public Tensor Forward(Tape tape, Tensor x) => Ops.Flatten(tape, x);

    /// <inheritdoc/>
    public LayerDescription Describe() => new() { Type = "flatten", Name = Name };
}
