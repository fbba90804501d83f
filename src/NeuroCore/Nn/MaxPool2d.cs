using NeuroCore.Autodiff;

namespace NeuroCore.Nn;

/// <summary>2-D max pooling with a square window (PyTorch <c>nn.MaxPool2d</c>); stride defaults to the kernel size.</summary>
public sealed class MaxPool2d(int kernel, int? stride = null, int padding = 0, string name = "maxpool")
    : Pool2dLayer("maxpool2d", kernel, stride, padding, name)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tape tape, Tensor x) => Ops.MaxPool2d(tape, x, Kernel, Stride, Padding);
}
