using NeuroCore.Autodiff;
using NeuroCore.Checkpoints;

namespace NeuroCore.Nn;

/// <summary>The rectifier <c>max(x, 0)</c> (PyTorch <c>nn.ReLU</c>).</summary>
public sealed class ReLU(string name = "relu") : IDescribedModule
{
    /// <inheritdoc/>
    public string Name { get; } = name;

    /// <inheritdoc/>
    public bool Training { get; set; } = true;

    /// <inheritdoc/>
    public Tensor Forward(Tape tape, Tensor x) => Ops.Relu(tape, x);

    /// <inheritdoc/>
    public LayerDescription Describe() => new() { Type = "relu", Name = Name };
}
