using NeuroCore.Snn;

namespace NeuroCore.Training.Methods.Esl;

/// <summary>
/// The two ESL networks of the reproduction plan: <c>mlp</c> (784-512-10, T = 4, direct current input, for
/// Fashion-MNIST) and <c>conv</c> (2×S×S → C16 → C32 → FC10, T = 8, event frames, for DVS-FMNIST), LIF β = 0.5,
/// θ = 1, soft reset, with every synaptic layer (the readout included) sparse at <see cref="Density"/>.
/// </summary>
public sealed record EslModelOptions
{
    /// <summary>"mlp" or "conv".</summary>
    public string Architecture { get; init; } = "mlp";

    /// <summary>The connection density d ∈ (0, 1] of every synaptic layer; 1 is the dense network (no masks).</summary>
    public double Density { get; init; } = 0.1;

    /// <summary>T.</summary>
    public int Steps { get; init; } = 4;

    /// <summary>Input channels (conv; 2 polarities).</summary>
    public int Channels { get; init; } = 1;

    /// <summary>Input height (conv) or, with <see cref="Width"/>, the flattened input size (mlp).</summary>
    public int Height { get; init; } = 28;

    /// <summary>Input width.</summary>
    public int Width { get; init; } = 28;

    /// <summary>Hidden neurons of the MLP.</summary>
    public int Hidden { get; init; } = 512;

    /// <summary>The conv channels (two conv blocks).</summary>
    public IReadOnlyList<int> ConvChannels { get; init; } = [16, 32];

    /// <summary>Output classes.</summary>
    public int Classes { get; init; } = 10;

    /// <summary>LIF decay β.</summary>
    public float Beta { get; init; } = 0.5f;

    /// <summary>LIF threshold θ.</summary>
    public float Threshold { get; init; } = 1f;

    /// <summary>MLP: the sparse hidden layer is CSR (time and memory scale with nnz); false gives the dense-mask mirror.</summary>
    public bool CsrHidden { get; init; } = true;

    /// <summary>Conv: the sparse conv1 and conv2 are CSR convolutions (time scales with nnz); false gives the dense-mask mirror.</summary>
    public bool CsrConv { get; init; } = true;

    /// <summary>True for the dense network.</summary>
    public bool IsDense => Density >= 1.0;

    /// <summary>The spec's MLP for static 28×28 images.</summary>
    public static EslModelOptions Mlp(double density) => new() { Architecture = "mlp", Density = density, Steps = 4, Height = 28, Width = 28 };

    /// <summary>The spec's conv network for event frames [T, 2, S, S].</summary>
    public static EslModelOptions Conv(double density, int steps, int size) =>
        new() { Architecture = "conv", Density = density, Steps = steps, Channels = 2, Height = size, Width = size };

    /// <summary>The neuron settings of every layer.</summary>
    public SnnModelOptions Neurons => new() { Steps = Steps, Beta = Beta, Threshold = Threshold, SoftReset = true, Readout = ReadoutKind.MeanMembrane };

    /// <summary>Throws naming the option when one is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (density outside (0, 1], ...).</exception>
    public void Validate()
    {
        MaskedWeight.CheckDensity(Density, "ESL network");
        if (Architecture is not ("mlp" or "conv"))
            throw new ArgumentOutOfRangeException(nameof(Architecture), Architecture, "ESL network: the architecture must be mlp or conv.");
        if (Steps < 1) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "ESL network: T must be at least 1.");
        if (Architecture == "conv" && (Height < 4 || Width < 4 || ConvChannels.Count != 2))
            throw new ArgumentOutOfRangeException(nameof(Height), Height, "ESL network: the conv network needs inputs of at least 4×4 and two conv widths.");
    }
}
