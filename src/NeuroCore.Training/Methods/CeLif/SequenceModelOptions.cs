using NeuroCore.Snn;

namespace NeuroCore.Training.Methods.CeLif;

/// <summary>
/// What a <see cref="SequenceClassifier"/> looks like: F inputs per step over T steps → two spiking layers of
/// <see cref="Hidden"/> neurons → a leaky-integrator readout over the last <see cref="ReadoutSteps"/> steps.
/// </summary>
public sealed record SequenceModelOptions
{
    /// <summary>T, the time steps per sequence.</summary>
    public required int Steps { get; init; }

    /// <summary>F, the input features per step.</summary>
    public required int Features { get; init; }

    /// <summary>The number of classes.</summary>
    public required int Classes { get; init; }

    /// <summary>Neurons per hidden layer (both layers have this width).</summary>
    public int Hidden { get; init; } = 128;

    /// <summary>The hidden neuron model.</summary>
    public SequenceNeuron Neuron { get; init; } = SequenceNeuron.Lif;

    /// <summary>CE-LIF only: the contextual-embedding form (null for the other neurons).</summary>
    public ContextEmbedding? Embedding { get; init; }

    /// <summary>Initial membrane decay β in (0, 1] (learned per neuron).</summary>
    public float Beta { get; init; } = 0.9f;

    /// <summary>
    /// LIF/ALIF: how the learned β is kept in range. <see cref="DecayBound.None"/> (the default) learns β itself,
    /// which may leave (0, 1); <see cref="DecayBound.Sigmoid"/> learns a logit with β = σ(logit), as CE-LIF's decays.
    /// CE-LIF's decays are always sigmoid-bounded, so only None applies to it.
    /// </summary>
    public DecayBound DecayBound { get; init; }

    /// <summary>Initial threshold θ (θ0 for ALIF/CE-LIF) &gt; 0 (learned per neuron).</summary>
    public float Threshold { get; init; } = 1f;

    /// <summary>ALIF: the adaptation trace decay ρ ∈ [0, 1]; 0.99 is τ_a ≈ 100 steps, long enough to matter on sequences.</summary>
    public float Rho { get; init; } = 0.99f;

    /// <summary>ALIF: the adaptation strength κ ≥ 0.</summary>
    public float Kappa { get; init; } = 1f;

    /// <summary>
    /// CE-LIF C2/C3: the initial context-trace decay κ ∈ (0, 1) (learned through its logit); 0.99 is a slow trace
    /// (τ ≈ 100 steps), the regime where the plan expects a per-step gradient factor near 1.
    /// </summary>
    public float ContextDecay { get; init; } = 0.99f;

    /// <summary>
    /// CE-LIF: the chunk length K of time-chunked recomputation (<c>CeLifNeuron.Scan</c>'s checkpointEvery), 0 to save
    /// every step, null for automatic: ⌈√T⌉ when T ≥ 256 (the pixel-wise tasks), else 0.
    /// </summary>
    public int? CheckpointEvery { get; init; }

    /// <summary>The chunk length in effect (see <see cref="CheckpointEvery"/>).</summary>
    public int EffectiveCheckpointEvery => CheckpointEvery ?? (Steps >= 256 ? (int)Math.Ceiling(Math.Sqrt(Steps)) : 0);

    /// <summary>The surrogate gradient.</summary>
    public SurrogateSpec Surrogate { get; init; } = SurrogateSpec.Default(SurrogateKind.FastSigmoid);

    /// <summary>
    /// The readout integrates the last this many steps (0 = all T): all T for the image tasks (the sister lab's
    /// sum over time), the go window for delayed recall.
    /// </summary>
    public int ReadoutSteps { get; init; }

    /// <summary>The readout window in effect: <see cref="ReadoutSteps"/>, or T when it is 0.</summary>
    public int EffectiveReadoutSteps => ReadoutSteps == 0 ? Steps : ReadoutSteps;

    /// <summary>Throws naming the option and the fix when a value makes no sense.</summary>
    /// <exception cref="ArgumentException">A value is out of range or the neuron/embedding combination is invalid.</exception>
    public void Validate()
    {
        if (Steps < 1 || Features < 1 || Classes < 2)
            throw new ArgumentException($"SequenceModelOptions: T = {Steps}, F = {Features} and classes = {Classes} must be ≥ 1, ≥ 1 and ≥ 2.");
        if (Hidden < 1) throw new ArgumentException($"SequenceModelOptions: the hidden width is {Hidden}; pass --hidden N with N ≥ 1.");
        if (ReadoutSteps < 0 || ReadoutSteps > Steps)
            throw new ArgumentException($"SequenceModelOptions: the readout window is {ReadoutSteps} steps; it must be 0 (all) to T = {Steps}.");
        if (Embedding is not null && Neuron != SequenceNeuron.CeLif)
            throw new ArgumentException(
                $"--embedding {Embedding.Value.ToString().ToLowerInvariant()} only applies to CE-LIF neurons, but the neuron is {Neuron.ToString().ToLowerInvariant()}; " +
                "add --neuron celif or drop --embedding.");
        if (DecayBound != DecayBound.None && Neuron == SequenceNeuron.CeLif)
            throw new ArgumentException(
                $"--decay-bound {DecayBound.ToString().ToLowerInvariant()} applies to LIF and ALIF; CE-LIF's decays are always σ of a learnable logit. " +
                "Drop --decay-bound or use --neuron lif|alif.");
        if (DecayBound == DecayBound.Sigmoid && !(Beta < 1f))
            throw new ArgumentException($"SequenceModelOptions: β = {Beta} must be < 1 with --decay-bound sigmoid (σ never reaches 1); e.g. --beta 0.9.");
        if (!(Beta > 0f && Beta <= 1f)) throw new ArgumentException($"SequenceModelOptions: β = {Beta} must be in (0, 1] (--beta).");
        if (!(Threshold > 0f && float.IsFinite(Threshold)))
            throw new ArgumentException($"SequenceModelOptions: the threshold {Threshold} must be a finite number > 0 (--threshold); a non-positive threshold fires at rest.");
        if (!(Rho >= 0f && Rho <= 1f)) throw new ArgumentException($"SequenceModelOptions: ρ = {Rho} must be in [0, 1].");
        if (!(ContextDecay > 0f && ContextDecay < 1f)) throw new ArgumentException($"SequenceModelOptions: the context decay κ = {ContextDecay} must be in (0, 1).");
        if (CheckpointEvery < 0) throw new ArgumentException($"SequenceModelOptions: the checkpoint chunk length is {CheckpointEvery}; use 0 (save every step) or K ≥ 1.");
        if (!(Kappa >= 0f && float.IsFinite(Kappa))) throw new ArgumentException($"SequenceModelOptions: κ = {Kappa} must be finite and ≥ 0.");
    }
}
