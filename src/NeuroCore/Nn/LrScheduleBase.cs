namespace NeuroCore.Nn;

/// <summary>The stepping shared by schedules: remember the optimizer's base rate, apply <see cref="LearningRateAt"/>.</summary>
public abstract class LrScheduleBase : ILrSchedule
{
    readonly IOptimizer _optimizer;
    int _step;

    /// <summary>Captures the optimizer's current rate as the base rate and applies step 0.</summary>
    protected LrScheduleBase(IOptimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        _optimizer = optimizer;
        BaseLearningRate = optimizer.LearningRate;
    }

    /// <summary>The optimizer's learning rate when the schedule was created.</summary>
    public float BaseLearningRate { get; }

    /// <inheritdoc/>
    public int StepCount
    {
        get => _step;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _step = value;
            _optimizer.LearningRate = LearningRateAt(value);
        }
    }

    /// <inheritdoc/>
    public abstract float LearningRateAt(int index);

    /// <inheritdoc/>
    public void Step() => StepCount = _step + 1;

    /// <summary>Applies step 0; derived constructors call it once their fields are set.</summary>
    protected void Start() => StepCount = 0;
}
