namespace NeuroCore.Snn;

/// <summary>Which active synapses a rewiring step removes (see <see cref="Rewiring.SelectPrune"/>).</summary>
public enum PruneRule
{
    /// <summary>The round(ζ·nnz) active weights of smallest |w|.</summary>
    Magnitude,

    /// <summary>SET's split thresholds: the fraction ζ of non-negative weights closest to zero and, separately, the fraction ζ of negative weights closest to zero.</summary>
    Set,
}
