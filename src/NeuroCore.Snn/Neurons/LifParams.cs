using NeuroCore.Kernels;

namespace NeuroCore.Snn;

/// <summary>
/// The neuron parameters of one LIF layer (see <see cref="NeuronParams"/> for β, θ, groups and learnability):
/// <c>H_t = β·V_{t−1} + I_t,  S_t = [H_t ≥ θ],  V_t = H_t − S_t·θ (soft) | H_t·(1 − S_t) (hard)</c>.
/// </summary>
public sealed class LifParams : NeuronParams
{
    LifParams(ParameterStore store, string name, int groups, int inner, float beta, float threshold, bool learnBeta,
        bool learnThreshold, LifReset reset, bool detachReset, SurrogateSpec surrogate, DecayBound decayBound)
        : base("LIF", store, name, groups, inner, beta, threshold, learnBeta, learnThreshold, reset, detachReset, surrogate, decayBound)
    {
    }

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
    /// <param name="decayBound">How a learnable β is kept in range: <see cref="DecayBound.None"/> (the default, β itself is
    /// the parameter) or <see cref="DecayBound.Sigmoid"/> (β = σ of the learnable <c>{name}.beta_logit</c>).</param>
    /// <exception cref="ArgumentException">A value is out of range or NaN; the message names the layer.</exception>
    public static LifParams Create(ParameterStore store, string name, int groups, int inner, float beta, float threshold,
        bool learnBeta, bool learnThreshold, LifReset reset, bool detachReset, SurrogateSpec surrogate,
        DecayBound decayBound = DecayBound.None) =>
        new(store, name, groups, inner, beta, threshold, learnBeta, learnThreshold, reset, detachReset, surrogate, decayBound);
}
