namespace NeuroCore.Nn;

/// <summary>
/// Cosine annealing with PyTorch's <c>CosineAnnealingLR</c> closed form, optionally after a linear warm-up (PyTorch's
/// <c>SequentialLR([LinearLR(startFactor, total_iters=W), CosineAnnealingLR(T_max=T−W, eta_min)], milestones=[W])</c>).
/// Effectively computes, for step t:
/// <c>t &lt; W: η₀·(s + (1−s)·t/W)</c>; otherwise <c>η_min + (η₀ − η_min)·(1 + cos(π(t−W)/(T−W)))/2</c>.
/// Past T the cosine continues periodically, as in PyTorch.
/// </summary>
public sealed class CosineLr : LrScheduleBase
{
    /// <summary>Creates the schedule over <paramref name="totalSteps"/> steps (T), including <paramref name="warmupSteps"/> (W).</summary>
    public CosineLr(IOptimizer optimizer, int totalSteps, float minLearningRate = 0f, int warmupSteps = 0, float warmupStartFactor = 1f / 3f)
        : base(optimizer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        if (totalSteps <= warmupSteps)
            throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, $"CosineLr: totalSteps must exceed warmupSteps ({warmupSteps}).");
        if (!(warmupStartFactor > 0f && warmupStartFactor <= 1f))
            throw new ArgumentOutOfRangeException(nameof(warmupStartFactor), warmupStartFactor, "CosineLr: warmupStartFactor must be in (0, 1].");
        TotalSteps = totalSteps;
        MinLearningRate = minLearningRate;
        WarmupSteps = warmupSteps;
        WarmupStartFactor = warmupStartFactor;
        Start();
    }

    /// <summary>T: warm-up plus annealing steps.</summary>
    public int TotalSteps { get; }

    /// <summary>η_min, the floor of the cosine.</summary>
    public float MinLearningRate { get; }

    /// <summary>W: linear warm-up steps.</summary>
    public int WarmupSteps { get; }

    /// <summary>s: the warm-up's starting fraction of the base rate.</summary>
    public float WarmupStartFactor { get; }

    /// <inheritdoc/>
    public override float LearningRateAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        int step = index;
        double baseLr = BaseLearningRate;
        if (step < WarmupSteps)
            return (float)(baseLr * (WarmupStartFactor + (1.0 - WarmupStartFactor) * step / WarmupSteps));
        double t = step - WarmupSteps, period = TotalSteps - WarmupSteps;
        return (float)(MinLearningRate + (baseLr - MinLearningRate) * (1.0 + Math.Cos(Math.PI * t / period)) / 2.0);
    }
}
