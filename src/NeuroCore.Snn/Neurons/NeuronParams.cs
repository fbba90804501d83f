using NeuroCore.Autodiff;
using NeuroCore.Kernels;

namespace NeuroCore.Snn;

/// <summary>
/// What every threshold neuron layer has (<see cref="LifParams"/>, <see cref="AlifParams"/>): decay
/// <see cref="Beta"/> and threshold <see cref="Threshold"/>, each a tensor of length <see cref="Groups"/> whose values
/// are repeated over <see cref="Inner"/> contiguous features (<see cref="Features"/> = Groups × Inner: Inner = H·W for
/// per-channel convolutional neurons, 1 for per-neuron linear ones), the reset rule and the surrogate gradient.
/// </summary>
/// <remarks>
/// A learnable β or θ is a <see cref="ParameterStore"/> parameter (<c>{name}.beta</c>, <c>{name}.threshold</c>) that
/// the optimizer trains and checkpoints save; a fixed one is a constant tensor outside the store (never trained, not
/// in checkpoints: rebuild it from the model options). By default β is used as is (no sigmoid reparameterisation), like
/// snnTorch's <c>learn_beta</c>; an optimizer can push a learnable β out of (0, 1], which the scan does not check. With
/// <see cref="DecayBound.Sigmoid"/> the parameter is instead the logit <c>{name}.beta_logit</c> (<see cref="BetaLogit"/>)
/// and β = σ(logit) stays in (0, 1); <see cref="Beta"/> then holds the σ values of the latest use.
/// </remarks>
public abstract class NeuronParams
{
    private protected NeuronParams(string kind, ParameterStore store, string name, int groups, int inner, float beta,
        float threshold, bool learnBeta, bool learnThreshold, LifReset reset, bool detachReset, SurrogateSpec surrogate,
        DecayBound decayBound)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Label = $"{kind} layer '{name}'";
        if (groups < 1 || inner < 1 || (long)groups * inner > int.MaxValue)
            throw new ArgumentException($"{Label}: groups ({groups}) and inner ({inner}) must be ≥ 1 with groups × inner < 2³¹.", nameof(groups));
        if (!Enum.IsDefined(reset))
            throw new ArgumentException($"{Label}: unknown reset mode {(int)reset}; use LifReset.Soft or LifReset.Hard.", nameof(reset));
        SurrogateDispatch.Validate(surrogate, Label, nameof(surrogate));
        if (!(beta > 0 && beta <= 1))
            throw new ArgumentException($"{Label}: beta = {beta} must be in (0, 1] (decay per step; 1 is a non-leaky IF neuron).", nameof(beta));
        if (!(threshold > 0 && float.IsFinite(threshold)))
            throw new ArgumentException($"{Label}: threshold = {threshold} must be finite and > 0.", nameof(threshold));
        if (!Enum.IsDefined(decayBound))
            throw new ArgumentException($"{Label}: unknown decay bound {(int)decayBound}; use DecayBound.None or DecayBound.Sigmoid.", nameof(decayBound));
        if (decayBound == DecayBound.Sigmoid && !(beta < 1))
            throw new ArgumentException(
                $"{Label}: beta = {beta} must be < 1 with DecayBound.Sigmoid (β = σ(logit) never reaches 1); e.g. 0.9.", nameof(beta));
        Name = name;
        Groups = groups;
        Inner = inner;
        Reset = reset;
        DetachReset = detachReset;
        Surrogate = surrogate;
        LearnBeta = learnBeta;
        LearnThreshold = learnThreshold;
        DecayBound = learnBeta ? decayBound : DecayBound.None;
        if (DecayBound == DecayBound.Sigmoid)
        {
            BetaLogit = store.Add(name + ".beta_logit", new Shape(groups));
            BetaLogit.Span.Fill(MathF.Log(beta / (1f - beta)));
            Beta = Values(store, false, "beta", beta);
        }
        else
        {
            Beta = Values(store, learnBeta, "beta", beta);
        }
        Threshold = Values(store, learnThreshold, "threshold", threshold);
    }

    /// <summary>The layer name (prefix of the parameter names, used in error messages).</summary>
    public string Name { get; }

    /// <summary>Decay β per group, in (0, 1] (with <see cref="DecayBound.Sigmoid"/>: σ(<see cref="BetaLogit"/>) as of the latest use).</summary>
    public Tensor Beta { get; }

    /// <summary>How a learnable β is kept in range (<see cref="DecayBound.None"/> when β is fixed).</summary>
    public DecayBound DecayBound { get; }

    /// <summary>With <see cref="DecayBound.Sigmoid"/>: the learnable logit [Groups] (β = σ(BetaLogit)); otherwise null.</summary>
    public Tensor? BetaLogit { get; }

    /// <summary>Threshold θ per group (the baseline θ0 for ALIF), &gt; 0.</summary>
    public Tensor Threshold { get; }

    /// <summary>The number of distinct parameter values.</summary>
    public int Groups { get; }

    /// <summary>How many contiguous features share one group's values.</summary>
    public int Inner { get; }

    /// <summary>Features per sample: <see cref="Groups"/> × <see cref="Inner"/>.</summary>
    public int Features => Groups * Inner;

    /// <summary>Soft (subtract θ) or hard (to zero) reset.</summary>
    public LifReset Reset { get; }

    /// <summary>When true the reset's dependence on the spike is not differentiated (snnTorch's <c>reset_mechanism</c> detach).</summary>
    public bool DetachReset { get; }

    /// <summary>The surrogate gradient of the spike.</summary>
    public SurrogateSpec Surrogate { get; }

    /// <summary>True when <see cref="Beta"/> is a trained parameter.</summary>
    public bool LearnBeta { get; }

    /// <summary>True when <see cref="Threshold"/> is a trained parameter.</summary>
    public bool LearnThreshold { get; }

    /// <summary>
    /// The β a scan uses: <see cref="Beta"/>, or σ(<see cref="BetaLogit"/>) recorded on <paramref name="tape"/> (so the
    /// gradient reaches the logit) and copied into <see cref="Beta"/>.
    /// </summary>
    internal Tensor DecayOn(Tape tape)
    {
        if (BetaLogit is null) return Beta;
        var beta = Ops.Sigmoid(tape, BetaLogit);
        beta.Span.CopyTo(Beta.Span);
        return beta;
    }

    /// <summary>The β values for the tape-free paths (Step): <see cref="Beta"/>, refreshed from the logit when bounded.</summary>
    internal ReadOnlySpan<float> DecayValues()
    {
        if (BetaLogit is not null) Elementwise.Map<SigmoidOp>(BetaLogit.Span, Beta.Span);
        return Beta.Span;
    }

    /// <summary>"LIF layer 'name'", the prefix of this layer's messages.</summary>
    internal string Label { get; }

    /// <summary>
    /// A [Groups] tensor named <c>{Name}.{suffix}</c> filled with <paramref name="value"/>: a parameter of
    /// <paramref name="store"/> when learnable, else a constant tensor outside it.
    /// </summary>
    private protected Tensor Values(ParameterStore store, bool learnable, string suffix, float value)
    {
        string name = Name + "." + suffix;
        Tensor t;
        if (learnable)
        {
            t = store.Add(name, new Shape(Groups));
            t.Span.Fill(value);
        }
        else
        {
            t = Tensor.Full(new Shape(Groups), value);
            t.Name = name;
        }
        return t;
    }
}
