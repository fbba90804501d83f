namespace NeuroCore.Training.Methods.CeLif;

/// <summary>
/// Sizes the hidden layers so that networks with different neurons have (nearly) the same number of trainable
/// parameters. ALIF and CE-LIF carry extra per-neuron (and, for C1, per-step) parameters on top of LIF's β and θ; the
/// equality is reached by shrinking their hidden width.
/// </summary>
public static class ParameterBudget
{
    /// <summary>The trainable parameters of a model with <paramref name="options"/>, counted by building it in a scratch store.</summary>
    public static long Count(SequenceModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var store = new ParameterStore();
        _ = new SequenceClassifier(store, options, seed: 1);
        return store.Count;
    }

    /// <summary>
    /// The largest hidden width h ≥ 1 whose model (<paramref name="options"/> with Hidden = h) has at most
    /// <paramref name="budget"/> parameters: the count grows strictly with h, so a binary search over h finds it.
    /// The reference is usually the LIF model at the requested width, so a LIF model keeps its width, and another
    /// neuron gets the widest net that does not exceed LIF's count (the gap is below one neuron's parameters:
    /// 2·h + F + classes + 4 + its per-neuron extras).
    /// </summary>
    /// <exception cref="ArgumentException">Even one hidden neuron exceeds the budget.</exception>
    public static int HiddenFor(SequenceModelOptions options, long budget)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Count(options with { Hidden = 1 }) > budget)
            throw new ArgumentException($"ParameterBudget: a {options.Neuron} model with one hidden neuron already has more than {budget} parameters.");
        int lo = 1, hi = 2;
        while (Count(options with { Hidden = hi }) <= budget) (lo, hi) = (hi, hi * 2);
        while (hi - lo > 1)
        {
            int mid = lo + ((hi - lo) / 2);
            if (Count(options with { Hidden = mid }) <= budget) lo = mid;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>
    /// <paramref name="options"/> with its hidden width set to match the parameter count of a LIF model of width
    /// <paramref name="referenceHidden"/> (<see cref="HiddenFor"/>); a LIF model keeps that width.
    /// </summary>
    public static SequenceModelOptions MatchLif(SequenceModelOptions options, int referenceHidden)
    {
        ArgumentNullException.ThrowIfNull(options);
        var reference = options with { Neuron = SequenceNeuron.Lif, Embedding = null, Hidden = referenceHidden };
        if (options.Neuron == SequenceNeuron.Lif) return reference with { Embedding = options.Embedding };
        return options with { Hidden = HiddenFor(options, Count(reference)) };
    }
}
