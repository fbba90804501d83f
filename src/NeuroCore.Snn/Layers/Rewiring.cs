using NeuroCore.Kernels;

namespace NeuroCore.Snn;

/// <summary>
/// The prune-and-regrow rules shared by every sparse synapse (ESL-SNN, after SET and RigL), on flat positions of the
/// dense weight. A position's state is <see cref="Inactive"/>, <see cref="Active"/> or <see cref="JustPruned"/>
/// (inactive, but pruned in this step: never regrown in the same step).
/// </summary>
public static class Rewiring
{
    /// <summary>State of a position that holds no synapse.</summary>
    public const byte Inactive = 0;

    /// <summary>State of a position that holds a synapse.</summary>
    public const byte Active = 1;

    /// <summary>State of a position pruned in the current step.</summary>
    public const byte JustPruned = 2;

    /// <summary>Throws when ζ is outside [0, 1] or NaN, naming the layer.</summary>
    public static void CheckZeta(float zeta, string layer)
    {
        if (!(zeta >= 0f && zeta <= 1f))
            throw new ArgumentOutOfRangeException(nameof(zeta), zeta, $"{layer}: the rewired fraction ζ must be in [0, 1]; got {zeta}.");
    }

    /// <summary>
    /// The indices (into <paramref name="values"/>, the active weights) to prune, ascending; at most
    /// <paramref name="maxCount"/> (the positions available for regrowth), the weakest kept first.
    /// <see cref="PruneRule.Magnitude"/>: the round(ζ·n) smallest |w|. <see cref="PruneRule.Set"/>: the round(ζ·n₊) smallest
    /// among w ≥ 0 and the round(ζ·n₋) largest among w &lt; 0. Ties go to the lower index.
    /// </summary>
    public static int[] SelectPrune(ReadOnlySpan<float> values, float zeta, PruneRule rule, int maxCount)
    {
        CheckZeta(zeta, "Rewiring.SelectPrune");
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        int n = values.Length;
        var chosen = new List<int>();
        if (rule == PruneRule.Magnitude)
        {
            chosen.AddRange(Smallest(values, Enumerable.Range(0, n).ToArray(), (int)Math.Round(zeta * (double)n), negate: false, abs: true));
        }
        else
        {
            var pos = new List<int>();
            var neg = new List<int>();
            for (int i = 0; i < n; i++) (values[i] >= 0f ? pos : neg).Add(i);
            chosen.AddRange(Smallest(values, [.. pos], (int)Math.Round(zeta * (double)pos.Count), negate: false, abs: false));
            chosen.AddRange(Smallest(values, [.. neg], (int)Math.Round(zeta * (double)neg.Count), negate: true, abs: false));
        }
        if (chosen.Count > maxCount)
        {
            var keyed = new (float Key, int Index)[chosen.Count];
            for (int j = 0; j < keyed.Length; j++) keyed[j] = (MathF.Abs(values[chosen[j]]), chosen[j]);
            chosen = [.. keyed.OrderBy(p => p.Key).ThenBy(p => p.Index).Take(maxCount).Select(p => p.Index)];
        }
        chosen.Sort();
        return [.. chosen];
    }

    /// <summary>The <paramref name="count"/> candidates of smallest key (|w|, w or −w), ties by index.</summary>
    static int[] Smallest(ReadOnlySpan<float> values, int[] candidates, int count, bool negate, bool abs)
    {
        if (count <= 0) return [];
        var keys = new float[candidates.Length];
        for (int i = 0; i < keys.Length; i++)
        {
            float v = values[candidates[i]];
            keys[i] = abs ? MathF.Abs(v) : negate ? -v : v;
        }
        return candidates.Select((c, i) => (Key: keys[i], Index: c)).OrderBy(p => p.Key).ThenBy(p => p.Index).Take(count).Select(p => p.Index).ToArray();
    }

    /// <summary>Positions in state <see cref="Inactive"/> (eligible for growth).</summary>
    public static int CountEligible(ReadOnlySpan<byte> state) => state.Count(Inactive);

    /// <summary>
    /// <paramref name="count"/> distinct positions drawn uniformly among those in state <see cref="Inactive"/>
    /// (a partial Fisher–Yates shuffle driven by Philox (<paramref name="seed"/>, <paramref name="stream"/>)), ascending.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer eligible positions than <paramref name="count"/>.</exception>
    public static int[] GrowRandom(ReadOnlySpan<byte> state, int count, ulong seed, ulong stream)
    {
        var eligible = Eligible(state, count);
        var rng = new PhiloxGenerator(seed, stream);
        for (int i = 0; i < count; i++)
        {
            int j = i + rng.NextInt(eligible.Length - i);
            (eligible[i], eligible[j]) = (eligible[j], eligible[i]);
        }
        var grown = eligible.AsSpan(0, count).ToArray();
        Array.Sort(grown);
        return grown;
    }

    /// <summary>
    /// The <paramref name="count"/> positions in state <see cref="Inactive"/> of largest |<paramref name="gradient"/>|
    /// (ties by lower position), ascending.
    /// </summary>
    /// <exception cref="ArgumentException">The gradient is not as long as the state.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Fewer eligible positions than <paramref name="count"/>.</exception>
    public static int[] GrowByGradient(ReadOnlySpan<byte> state, ReadOnlySpan<float> gradient, int count)
    {
        if (gradient.Length != state.Length)
            throw new ArgumentException($"Rewiring.GrowByGradient: the dense gradient holds {gradient.Length} values but the layer has {state.Length} positions; pass ∂L/∂W of the whole dense weight.", nameof(gradient));
        var eligible = Eligible(state, count);
        var keys = new float[eligible.Length];
        for (int i = 0; i < keys.Length; i++)
        {
            float g = MathF.Abs(gradient[eligible[i]]);
            keys[i] = float.IsNaN(g) ? 0f : -g;
        }
        // Sorting is stable enough here: equal keys are re-ordered by position below.
        var grown = eligible.Select((p, i) => (Key: keys[i], Position: p)).OrderBy(p => p.Key).ThenBy(p => p.Position).Take(count).Select(p => p.Position).ToArray();
        Array.Sort(grown);
        return grown;
    }

    static int[] Eligible(ReadOnlySpan<byte> state, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var eligible = new int[CountEligible(state)];
        if (eligible.Length < count)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Rewiring: only {eligible.Length} inactive positions for {count} synapses to grow.");
        for (int p = 0, k = 0; p < state.Length; p++)
            if (state[p] == Inactive) eligible[k++] = p;
        return eligible;
    }
}
