namespace NeuroCore.Nn;

/// <summary>
/// A learning-rate schedule that drives an <see cref="IOptimizer"/>: construction sets the rate for step 0, and each
/// <see cref="Step"/> (called once per epoch or per batch, as the caller chooses) advances it, as PyTorch's
/// <c>scheduler.step()</c> does.
/// </summary>
public interface ILrSchedule
{
    /// <summary>The number of schedule steps taken; setting it (on resume) applies that step's rate.</summary>
    int StepCount { get; set; }

    /// <summary>The rate the schedule gives at step <paramref name="index"/>.</summary>
    float LearningRateAt(int index);

    /// <summary>Advances one step and sets the optimizer's learning rate.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716", Justification = "Step mirrors PyTorch's scheduler.step(); VB consumers can escape it.")]
    void Step();
}
