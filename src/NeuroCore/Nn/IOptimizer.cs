namespace NeuroCore.Nn;

/// <summary>
/// Updates every parameter of a <see cref="ParameterStore"/> from its gradient in one fused pass over the store's
/// flat value and gradient spans. Call <see cref="Step"/> after <c>Tape.Backward</c>; zero the grads yourself.
/// </summary>
public interface IOptimizer
{
    /// <summary>A short stable name ("sgd", "adam", "adamw") recorded in checkpoints.</summary>
    string Kind { get; }

    /// <summary>The learning rate used by the next <see cref="Step"/> (schedules set it).</summary>
    float LearningRate { get; set; }

    /// <summary>How many steps have been taken.</summary>
    int StepCount { get; }

    /// <summary>Applies one update to every parameter from the current gradients.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716", Justification = "Step is the fixed contract name (as in PyTorch); VB consumers can escape it.")]
    void Step();

    /// <summary>A copy of the optimizer's state (step count, learning rate, moment buffers) for a checkpoint.</summary>
    OptimizerState SaveState();

    /// <summary>Restores state written by <see cref="SaveState"/>; throws when kind or sizes do not match.</summary>
    void LoadState(OptimizerState state);
}
