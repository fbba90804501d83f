using NeuroCore.Autodiff;
using NeuroCore.Checkpoints;

namespace NeuroCore.Nn;

/// <summary>
/// A 2-D convolution layer (PyTorch <c>nn.Conv2d</c>, square kernel): W [out, in, k, k] named "{name}.weight", b [out]
/// named "{name}.bias", both U(±1/√(in·k·k)), PyTorch's default.
/// </summary>
public sealed class Conv2d : IDescribedModule
{
    /// <summary>Adds the layer's parameters to <paramref name="store"/> and initialises them from <paramref name="seed"/>.</summary>
    public Conv2d(ParameterStore store, string name, int inChannels, int outChannels, int kernel, ulong seed, int stride = 1, int padding = 0, bool bias = true)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernel);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        Name = name;
        InChannels = inChannels;
        OutChannels = outChannels;
        Kernel = kernel;
        Stride = stride;
        Padding = padding;
        (Weight, Bias) = Init.WeightAndBias(store, name, new Shape(outChannels, inChannels, kernel, kernel), inChannels * kernel * kernel, seed, bias);
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public bool Training { get; set; } = true;

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel size k (k × k).</summary>
    public int Kernel { get; }

    /// <summary>Stride.</summary>
    public int Stride { get; }

    /// <summary>Zero padding on each side.</summary>
    public int Padding { get; }

    /// <summary>W [out, in, k, k].</summary>
    public Tensor Weight { get; }

    /// <summary>b [out], or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc/>
    public Tensor Forward(Tape tape, Tensor x) => Ops.Conv2d(tape, x, Weight, Bias, Stride, Padding);

    /// <inheritdoc/>
    public LayerDescription Describe() => new()
    {
        Type = "conv2d", Name = Name, In = InChannels, Out = OutChannels, Kernel = Kernel, Stride = Stride, Padding = Padding, Bias = Bias is not null,
    };
}
