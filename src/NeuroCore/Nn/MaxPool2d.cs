using NeuroCore.Autodiff;
using NeuroCore.Checkpoints;

namespace NeuroCore.Nn;

/// <summary>2-D max pooling with a square window (PyTorch <c>nn.MaxPool2d</c>); stride defaults to the kernel size.</summary>
public sealed class MaxPool2d(int kernel, int? stride = null, int padding = 0, string name = "maxpool") : IDescribedModule
{
    /// <inheritdoc/>
    public string Name { get; } = name;

    /// <inheritdoc/>
    public bool Training { get; set; } = true;

    /// <summary>Window size.</summary>
    public int Kernel { get; } = kernel;

    /// <summary>Stride.</summary>
    public int Stride { get; } = stride ?? kernel;

    /// <summary>Padding (≤ kernel/2).</summary>
    public int Padding { get; } = padding;

    /// <inheritdoc/>
    public Tensor Forward(Tape tape, Tensor x) => Ops.MaxPool2d(tape, x, Kernel, Stride, Padding);

    /// <inheritdoc/>
    public LayerDescription Describe() => new() { Type = "maxpool2d", Name = Name, Kernel = Kernel, Stride = Stride, Padding = Padding };
}
