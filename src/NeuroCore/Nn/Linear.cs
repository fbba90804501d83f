using NeuroCore.Autodiff;
using NeuroCore.Checkpoints;

namespace NeuroCore.Nn;

/// <summary>
/// A fully connected layer, <c>y = x·Wᵀ + b</c> (PyTorch <c>nn.Linear</c>), with W [out, in] named "{name}.weight" and
/// b [out] named "{name}.bias". Both start U(±1/√in), PyTorch's default.
/// </summary>
public sealed class Linear : IDescribedModule
{
    /// <summary>Adds the layer's parameters to <paramref name="store"/> and initialises them from <paramref name="seed"/>.</summary>
    public Linear(ParameterStore store, string name, int inFeatures, int outFeatures, ulong seed, bool bias = true)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inFeatures);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outFeatures);
        Name = name;
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        (Weight, Bias) = Init.WeightAndBias(store, name, new Shape(outFeatures, inFeatures), inFeatures, seed, bias);
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public bool Training { get; set; } = true;

    /// <summary>Input features.</summary>
    public int InFeatures { get; }

    /// <summary>Output features.</summary>
    public int OutFeatures { get; }

    /// <summary>W [out, in].</summary>
    public Tensor Weight { get; }

    /// <summary>b [out], or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc/>
    public Tensor Forward(Tape tape, Tensor x) => Ops.Linear(tape, x, Weight, Bias);

    /// <inheritdoc/>
    public LayerDescription Describe() => new() { Type = "linear", Name = Name, In = InFeatures, Out = OutFeatures, Bias = Bias is not null };
}
