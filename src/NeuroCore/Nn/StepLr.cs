namespace NeuroCore.Nn;

/// <summary>
/// Step decay with PyTorch's <c>StepLR</c> semantics: effectively computes <c>η₀ · γ^⌊t / stepSize⌋</c>.
/// </summary>
public sealed class StepLr : LrScheduleBase
{
    /// <summary>Multiplies the rate by <paramref name="gamma"/> every <paramref name="stepSize"/> steps.</summary>
    public StepLr(IOptimizer optimizer, int stepSize, float gamma = 0.1f)
        : base(optimizer)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepSize);
        if (!(gamma > 0f) || float.IsInfinity(gamma))
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "StepLr: gamma must be a finite value > 0.");
        StepSize = stepSize;
        Gamma = gamma;
        Start();
    }

    /// <summary>Steps between decays.</summary>
    public int StepSize { get; }

    /// <summary>The decay factor γ.</summary>
    public float Gamma { get; }

    /// <inheritdoc/>
    public override float LearningRateAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        int step = index;
        return (float)(BaseLearningRate * Math.Pow(Gamma, step / StepSize));
    }
}
