using NeuroCore.Autodiff;
using NeuroCore.Checkpoints;

namespace NeuroCore.Nn;

/// <summary>The shared shape of the pooling layers: a square window, a stride (default: the window) and padding.</summary>
public abstract class Pool2dLayer : IDescribedModule
{
    private protected Pool2dLayer(string type, int kernel, int? stride, int padding, string name)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernel);
        Type = type;
        Kernel = kernel;
        Stride = stride ?? kernel;
        Padding = padding;
        Name = name;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public bool Training { get; set; } = true;

    /// <summary>Window size.</summary>
    public int Kernel { get; }

    /// <summary>Stride.</summary>
    public int Stride { get; }

    /// <summary>Padding (≤ kernel/2).</summary>
    public int Padding { get; }

    string Type { get; }

    /// <inheritdoc/>
    public abstract Tensor Forward(Tape tape, Tensor x);

    /// <inheritdoc/>
    public LayerDescription Describe() => new() { Type = Type, Name = Name, Kernel = Kernel, Stride = Stride, Padding = Padding };
}
