using System.Globalization;
using NeuroCore.Kernels;

namespace NeuroCore.Snn;

/// <summary>
/// The learnable parameters of one CE-LIF layer (contextual-embedding LIF, arXiv 2308.15150; the provisional neuron of
/// the spec, our reading, see <see cref="CeLifNeuron"/>). Every per-neuron value is [Groups], repeated over Inner
/// contiguous features like <see cref="NeuronParams"/>. All are <see cref="ParameterStore"/> parameters
/// (<c>{name}.alpha_logit</c>, <c>.threshold</c>, <c>.beta</c>, <c>.gamma</c>, <c>.rho_logit</c>, and
/// <c>.kappa_logit</c> for C2/C3, <c>.embedding</c> [MaxSteps, Groups] for C1):
/// <code>
/// α = σ(alpha_logit), ρ = σ(rho_logit), κ = σ(kappa_logit) (C1: κ = 0)      — decays kept in (0, 1)
/// H_t = α·V_{t−1} + (1 − α)·I_t
/// c_t = e_t (C1) | κ·c_{t−1} + (1 − κ)·X_t (C2) | κ·c_{t−1} + (1 − κ)·V_{t−1} (C3)
/// θ_t = max(θ0 + β·A_{t−1} + γ·c_t, θ_min);   S_t = [H_t ≥ θ_t]
/// V_t = H_t − S_t·θ_t (soft) | H_t·(1 − S_t) (hard);   A_t = ρ·A_{t−1} + (1 − ρ)·S_t
/// </code>
/// </summary>
public sealed class CeLifParams
{
    CeLifParams(ParameterStore store, string name, int groups, int inner, CeLifOptions o)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(o);
        Label = $"CE-LIF layer '{name}'";
        if (groups < 1 || inner < 1 || (long)groups * inner > int.MaxValue)
            throw new ArgumentException($"{Label}: groups ({groups}) and inner ({inner}) must be ≥ 1 with groups × inner < 2³¹.", nameof(groups));
        if (!Enum.IsDefined(o.Embedding))
            throw new ArgumentException($"{Label}: unknown embedding {(int)o.Embedding}; use CeLifEmbedding.C1, C2 or C3.", nameof(o));
        if (!Enum.IsDefined(o.Reset))
            throw new ArgumentException($"{Label}: unknown reset mode {(int)o.Reset}; use LifReset.Soft or LifReset.Hard.", nameof(o));
        SurrogateDispatch.Validate(o.Surrogate, Label, nameof(o));
        if (!(o.Threshold > 0 && float.IsFinite(o.Threshold)))
            throw new ArgumentException($"{Label}: threshold θ0 = {F(o.Threshold)} must be finite and > 0 (a non-positive threshold fires on every step); set CeLifOptions.Threshold to e.g. 1.", nameof(o));
        if (!(o.ThetaMin > 0 && o.ThetaMin <= o.Threshold && float.IsFinite(o.ThetaMin)))
            throw new ArgumentException($"{Label}: ThetaMin = {F(o.ThetaMin)} must be finite, > 0 and ≤ the threshold θ0 = {F(o.Threshold)} (it keeps the adaptive threshold positive); e.g. 0.01.", nameof(o));
        Decay(o.Alpha, "Alpha", "membrane decay α", nameof(o));
        Decay(o.Rho, "Rho", "spike-trace decay ρ", nameof(o));
        if (o.Embedding != CeLifEmbedding.C1) Decay(o.Kappa, "Kappa", "context-trace decay κ", nameof(o));
        if (!(o.Beta >= 0 && float.IsFinite(o.Beta)))
            throw new ArgumentException($"{Label}: Beta = {F(o.Beta)} must be finite and ≥ 0 (threshold increase per unit of spike trace; 0 disables adaptation).", nameof(o));
        if (!float.IsFinite(o.Gamma))
            throw new ArgumentException($"{Label}: Gamma = {F(o.Gamma)} must be finite (the context's weight in the threshold).", nameof(o));
        if (o.Embedding == CeLifEmbedding.C1 && o.MaxSteps < 1)
            throw new ArgumentException($"{Label}: the C1 embedding is a table of MaxSteps rows; set CeLifOptions.MaxSteps to the longest sequence (e.g. 784), got {o.MaxSteps}.", nameof(o));
        Name = name;
        Groups = groups;
        Inner = inner;
        Options = o;
        AlphaLogit = Fill(store.Add(name + ".alpha_logit", new Shape(groups)), Logit(o.Alpha));
        Threshold = Fill(store.Add(name + ".threshold", new Shape(groups)), o.Threshold);
        Beta = Fill(store.Add(name + ".beta", new Shape(groups)), o.Beta);
        Gamma = Fill(store.Add(name + ".gamma", new Shape(groups)), o.Gamma);
        RhoLogit = Fill(store.Add(name + ".rho_logit", new Shape(groups)), Logit(o.Rho));
        if (o.Embedding == CeLifEmbedding.C1)
            Embedding = store.Add(name + ".embedding", new Shape(o.MaxSteps, groups)); // zeros: starts as an ALIF
        else
            KappaLogit = Fill(store.Add(name + ".kappa_logit", new Shape(groups)), Logit(o.Kappa));

        static Tensor Fill(Tensor t, float value)
        {
            t.Span.Fill(value);
            return t;
        }
    }

    /// <summary>The layer name (prefix of the parameter names, used in error messages).</summary>
    public string Name { get; }

    /// <summary>The number of distinct parameter values.</summary>
    public int Groups { get; }

    /// <summary>How many contiguous features share one group's values.</summary>
    public int Inner { get; }

    /// <summary>Features per sample: Groups × Inner.</summary>
    public int Features => Groups * Inner;

    /// <summary>The options the layer was created with (initial values and fixed settings).</summary>
    public CeLifOptions Options { get; }

    /// <summary>The embedding form.</summary>
    public CeLifEmbedding Form => Options.Embedding;

    /// <summary>The logit of the membrane decay, [Groups]: α = σ(AlphaLogit).</summary>
    public Tensor AlphaLogit { get; }

    /// <summary>The baseline threshold θ0, [Groups].</summary>
    public Tensor Threshold { get; }

    /// <summary>The adaptation strength β, [Groups].</summary>
    public Tensor Beta { get; }

    /// <summary>The context strength γ, [Groups].</summary>
    public Tensor Gamma { get; }

    /// <summary>The logit of the spike-trace decay, [Groups]: ρ = σ(RhoLogit).</summary>
    public Tensor RhoLogit { get; }

    /// <summary>C2/C3: the logit of the context-trace decay, [Groups] (κ = σ(KappaLogit)); null for C1 (κ = 0).</summary>
    public Tensor? KappaLogit { get; }

    /// <summary>C1: the time-indexed embedding table e, [MaxSteps, Groups] (starts at zero); null for C2/C3.</summary>
    public Tensor? Embedding { get; }

    /// <summary>C1: the longest sequence the table covers; <see cref="int.MaxValue"/> for C2/C3.</summary>
    public int MaxSteps => Form == CeLifEmbedding.C1 ? Options.MaxSteps : int.MaxValue;

    /// <summary>"CE-LIF layer 'name'", the prefix of this layer's messages.</summary>
    internal string Label { get; }

    /// <summary>
    /// Creates the parameters of CE-LIF layer <paramref name="name"/> in <paramref name="store"/>.
    /// </summary>
    /// <param name="store">Where the parameters go.</param>
    /// <param name="name">The layer name.</param>
    /// <param name="groups">Distinct parameter values (≥ 1).</param>
    /// <param name="inner">Features per group (≥ 1; 1 for per-neuron linear layers).</param>
    /// <param name="options">Initial values and settings (<c>new CeLifOptions { Embedding = CeLifEmbedding.C1, MaxSteps = 784 }</c>).</param>
    /// <exception cref="ArgumentException">
    /// A value is out of range (a non-positive threshold, a decay outside (0, 1), a C1 layer without MaxSteps, ...);
    /// the message names the layer, the value and the fix.
    /// </exception>
    public static CeLifParams Create(ParameterStore store, string name, int groups, int inner, CeLifOptions options) =>
        new(store, name, groups, inner, options);

    /// <summary>Throws unless <paramref name="steps"/> more steps from time <paramref name="start"/> fit the C1 table.</summary>
    internal void CheckSteps(long start, int steps, string paramName)
    {
        if (Form == CeLifEmbedding.C1 && start + steps > Options.MaxSteps)
            throw new ArgumentException(
                $"{Label}: the sequence reaches step {start + steps} ({(start > 0 ? $"{start} already run + " : "")}T = {steps}), " +
                $"longer than the C1 embedding table (MaxSteps = {Options.MaxSteps}); create the layer with MaxSteps ≥ {start + steps}, " +
                "or use the C2 or C3 embedding, which have no length limit.", paramName);
    }

    void Decay(float value, string option, string what, string paramName)
    {
        if (!(value > 0 && value < 1))
            throw new ArgumentException($"{Label}: {option} = {F(value)} must be in (0, 1) (the {what} is σ of a learnable logit, so 0 and 1 are out of reach); e.g. 0.9.", paramName);
    }

    static float Logit(float p) => MathF.Log(p / (1f - p));

    static string F(float x) => x.ToString(CultureInfo.InvariantCulture);
}
