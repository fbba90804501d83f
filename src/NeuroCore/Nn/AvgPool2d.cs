using NeuroCore.Autodiff;
using NeuroCore.Checkpoints;

namespace NeuroCore.Nn;

/// <summary>2-D average pooling with a square window (PyTorch <c>nn.AvgPool2d</c>, padding counted); stride defaults to the kernel size.</summary>
public sealed class AvgPool2d(int kernel, int? stride = null, int padding = 0, string name = "avgpool") : IDescribedModule
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
    public Tensor Forward(Tape tape, Tensor x) => Ops.AvgPool2d(tape, x, Kernel, Stride, Padding);

    /// <inheritdoc/>
    public LayerDescription Describe() => new() { Type = "avgpool2d", Name = Name, Kernel = Kernel, Stride = Stride, Padding = Padding };
}
