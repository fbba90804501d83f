using NeuroCore.Autodiff;

namespace NeuroCore.Nn;

/// <summary>2-D average pooling with a square window (PyTorch <c>nn.AvgPool2d</c>, padding counted); stride defaults to the kernel size.</summary>
public sealed class AvgPool2d(int kernel, int? stride = null, int padding = 0, string name = "avgpool")
    : Pool2dLayer("avgpool2d", kernel, stride, padding, name)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tape tape, Tensor x) => Ops.AvgPool2d(tape, x, Kernel, Stride, Padding);
}
