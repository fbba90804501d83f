namespace NeuroCore.Training;

/// <summary>
/// One progress report from <see cref="Trainer"/>: where it is (epoch, step within the phase) and the running
/// metrics so far. Reported synchronously on the training thread, so a handler must be quick.
/// </summary>
/// <param name="Phase">What finished: a training step, an evaluation batch, or a whole epoch.</param>
/// <param name="Epoch">The 1-based epoch.</param>
/// <param name="Epochs">The total number of epochs of this run.</param>
/// <param name="Step">Batches done in this phase of this epoch (1-based).</param>
/// <param name="Steps">Batches in this phase of this epoch.</param>
/// <param name="Loss">The running mean loss of this phase of this epoch.</param>
/// <param name="Accuracy">The running accuracy (fraction correct) of this phase of this epoch.</param>
/// <param name="LearningRate">The learning rate in use.</param>
/// <param name="EpochMetrics">Set on <see cref="TrainingPhase.EpochEnd"/> only: the finished epoch.</param>
public readonly record struct TrainingProgress(
    TrainingPhase Phase,
    int Epoch,
    int Epochs,
    int Step,
    int Steps,
    double Loss,
    double Accuracy,
    double LearningRate,
    EpochMetrics? EpochMetrics = null);
