namespace NeuroCore.Snn;

/// <summary>How a learnable membrane decay β of a LIF or ALIF layer is kept in range.</summary>
public enum DecayBound
{
    /// <summary>β itself is the parameter (<c>{name}.beta</c>), unconstrained like snnTorch's <c>learn_beta</c>: the optimizer may push it above 1.</summary>
    None,

    /// <summary>
    /// β = σ(ℓ) with the unconstrained logit ℓ the parameter (<c>{name}.beta_logit</c>), so β stays in (0, 1), as
    /// CE-LIF's decays are kept.
    /// </summary>
    Sigmoid,
}
