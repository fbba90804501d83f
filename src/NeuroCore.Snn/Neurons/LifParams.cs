using NeuroCore.Kernels;

namespace NeuroCore.Snn;

/// <summary>
/// The neuron parameters of one LIF layer: decay <see cref="Beta"/> and threshold <see cref="Threshold"/>, each a
/// tensor of length <see cref="Groups"/> whose values are repeated over <see cref="Inner"/> contiguous features
/// (<see cref="Features"/> = Groups × Inner: Inner = H·W for per-channel convolutional neurons, 1 for per-neuron
/// linear ones), plus the reset rule and the surrogate gradient.
/// </summary>
/// <remarks>
/// A learnable β or θ is a <see cref="ParameterStore"/> parameter (<c>{name}.beta</c>, <c>{name}.threshold</c>) that
/// the optimizer trains and checkpoints save; a fixed one is a constant tensor outside the store (never trained, not
/// in checkpoints: rebuild it from the model options). β is used as is (no sigmoid reparameterisation), like
/// snnTorch's <c>learn_beta</c>; an optimizer can push a learnable β out of (0, 1], which the scan does not check.
/// </remarks>
public sealed class LifParams
{
    LifParams(string name, Tensor beta, Tensor threshold, int groups, int inner, LifReset reset, bool detachReset,
        SurrogateSpec surrogate, bool learnBeta, bool learnThreshold)
    {
        Name = name;
        Beta = beta;
        Threshold = threshold;
        Groups = groups;
        Inner = inner;
        Reset = reset;
        DetachReset = detachReset;
        Surrogate = surrogate;
        LearnBeta = learnBeta;
        LearnThreshold = learnThreshold;
    }

    /// <summary>The layer name (prefix of the parameter names, used in error messages).</summary>
    public string Name { get; }

    /// <summary>Decay β per group, in (0, 1].</summary>
    public Tensor Beta { get; }

    /// <summary>Threshold θ per group, &gt; 0.</summary>
    public Tensor Threshold { get; }

    /// <summary>The number of distinct β/θ values.</summary>
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
    /// Creates the parameters of layer <paramref name="name"/>: learnable ones are added to <paramref name="store"/> as
    /// <c>{name}.beta</c> / <c>{name}.threshold</c> (shape [groups]) and filled with the initial value.
    /// </summary>
    /// <param name="store">Where learnable parameters go.</param>
    /// <param name="name">The layer name.</param>
    /// <param name="groups">Distinct β/θ values (≥ 1).</param>
    /// <param name="inner">Features per group (≥ 1).</param>
    /// <param name="beta">Initial decay, in (0, 1].</param>
    /// <param name="threshold">Initial threshold, finite and &gt; 0.</param>
    /// <param name="learnBeta">Train β.</param>
    /// <param name="learnThreshold">Train θ.</param>
    /// <param name="reset">Soft or hard reset.</param>
    /// <param name="detachReset">Do not differentiate the reset through the spike.</param>
    /// <param name="surrogate">The surrogate gradient.</param>
    /// <exception cref="ArgumentException">A value is out of range or NaN; the message names the layer.</exception>
    public static LifParams Create(ParameterStore store, string name, int groups, int inner, float beta, float threshold,
        bool learnBeta, bool learnThreshold, LifReset reset, bool detachReset, SurrogateSpec surrogate)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        string layer = $"LIF layer '{name}'";
        CheckCommon(layer, groups, inner, reset, surrogate);
        CheckBeta(layer, beta);
        CheckThreshold(layer, threshold);
        var b = NewValues(store, learnBeta, name + ".beta", groups, beta);
        var t = NewValues(store, learnThreshold, name + ".threshold", groups, threshold);
        return new LifParams(name, b, t, groups, inner, reset, detachReset, surrogate, learnBeta, learnThreshold);
    }

    /// <summary>"LIF layer 'name'", the prefix of this layer's messages.</summary>
    internal string Label => $"LIF layer '{Name}'";

    internal static void CheckCommon(string layer, int groups, int inner, LifReset reset, SurrogateSpec surrogate)
    {
        if (groups < 1 || inner < 1 || (long)groups * inner > int.MaxValue)
            throw new ArgumentException($"{layer}: groups ({groups}) and inner ({inner}) must be ≥ 1 with groups × inner < 2³¹.", nameof(groups));
        if (!Enum.IsDefined(reset))
            throw new ArgumentException($"{layer}: unknown reset mode {(int)reset}; use LifReset.Soft or LifReset.Hard.", nameof(reset));
        SurrogateDispatch.Validate(surrogate, layer, nameof(surrogate));
    }

    internal static void CheckBeta(string layer, float beta)
    {
        if (!(beta > 0 && beta <= 1))
            throw new ArgumentException($"{layer}: beta = {beta} must be in (0, 1] (decay per step; 1 is a non-leaky IF neuron).", nameof(beta));
    }

    internal static void CheckThreshold(string layer, float threshold)
    {
        if (!(threshold > 0 && float.IsFinite(threshold)))
            throw new ArgumentException($"{layer}: threshold = {threshold} must be finite and > 0.", nameof(threshold));
    }

    internal static Tensor NewValues(ParameterStore store, bool learnable, string name, int groups, float value)
    {
        Tensor t;
        if (learnable)
        {
            t = store.Add(name, new Shape(groups));
            t.Span.Fill(value);
        }
        else
        {
            t = Tensor.Full(new Shape(groups), value);
            t.Name = name;
        }
        return t;
    }
}
