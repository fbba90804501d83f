namespace NeuroCore.Backends;

/// <summary>Reductions over a row-major [rows, cols] matrix.</summary>
public enum ReduceOp
{
    /// <summary>dst[r] = Σ_c x[r, c] (dst has rows elements).</summary>
    SumRows,

    /// <summary>dst[c] = Σ_r x[r, c] (dst has cols elements).</summary>
    SumColumns,

    /// <summary>dst[0] = Σ x (dst has one element).</summary>
    SumAll,

    /// <summary>dst[0] = max x (dst has one element; −∞ when x is empty).</summary>
    MaxAll,
}
