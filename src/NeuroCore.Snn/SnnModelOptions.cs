namespace NeuroCore.Snn;

/// <summary>
/// What a spiking classifier built by <c>SnnModels.Build</c> looks like. Defaults follow common snnTorch and
/// SpikingJelly recipes for Fashion-MNIST.
/// </summary>
public sealed record SnnModelOptions
{
    /// <summary>"mlp" (784-hidden-classes) or "conv" (two conv blocks and a classifier).</summary>
    public string Architecture { get; init; } = "mlp";

    /// <summary>The neuron model of every hidden layer.</summary>
    public NeuronKind Neuron { get; init; } = NeuronKind.Lif;

    /// <summary>The surrogate gradient and its slope.</summary>
    public SurrogateSpec Surrogate { get; init; } = SurrogateSpec.Default(SurrogateKind.FastSigmoid);

    /// <summary>T, the time steps per sample.</summary>
    public int Steps { get; init; } = 25;

    /// <summary>
    /// How images become network input. Direct by default: the first layer's product runs once per sample instead of
    /// T times and reaches a higher accuracy than Poisson rate coding at the same T (see the NeuroCore.Snn README).
    /// </summary>
    public SpikeEncoding Encoding { get; init; } = SpikeEncoding.Direct;

    /// <summary>Initial membrane decay β in (0, 1].</summary>
    public float Beta { get; init; } = 0.9f;

    /// <summary>Initial firing threshold θ &gt; 0.</summary>
    public float Threshold { get; init; } = 1f;

    /// <summary>
    /// ALIF only: the adaptation trace's decay ρ per step, in [0, 1] (exp(−1/τ_a); 0.95 is τ_a ≈ 20 steps). The trace
    /// A_t = ρ·A_{t−1} + (1 − ρ)·S_t tracks the neuron's recent firing rate.
    /// </summary>
    public float Rho { get; init; } = 0.95f;

    /// <summary>
    /// ALIF only: the adaptation strength κ ≥ 0; the threshold is θ + κ·A_{t−1}, so a neuron firing at rate r is held
    /// about κ·r above θ (κ = 1 adds 0.1 at a 10 % rate).
    /// </summary>
    public float Kappa { get; init; } = 1f;

    /// <summary>Subtract the threshold on a spike (true) or reset to zero (false).</summary>
    public bool SoftReset { get; init; } = true;

    /// <summary>Do not differentiate the reset term (SpikingJelly's <c>detach_reset</c>).</summary>
    public bool DetachReset { get; init; }

    /// <summary>Learn a per-neuron β.</summary>
    public bool LearnBeta { get; init; }

    /// <summary>Learn a per-neuron θ.</summary>
    public bool LearnThreshold { get; init; }

    /// <summary>How the output becomes logits.</summary>
    public ReadoutKind Readout { get; init; } = ReadoutKind.MeanMembrane;

    /// <summary>
    /// Hidden layer widths of the MLP; the conv model takes the first as its fully connected layer, or none when the
    /// list is empty (the readout then reads the flattened spikes of the last conv block).
    /// </summary>
    public IReadOnlyList<int> Hidden { get; init; } = [512];

    /// <summary>Output channels of the conv model's two blocks (ignored by the MLP).</summary>
    public IReadOnlyList<int> Channels { get; init; } = [32, 64];

    /// <summary>Weight of the spike-rate regulariser (0 turns it off).</summary>
    public float RateRegularization { get; init; }

    /// <summary>The spike rate the regulariser pulls hidden layers towards.</summary>
    public float TargetRate { get; init; } = 0.1f;
}
