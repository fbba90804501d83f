namespace NeuroCore.Training;

/// <summary>
/// Where a run stands when a checkpoint is written: the epochs completed, the optimizer steps taken and the seed.
/// The shuffle is keyed by (seed, epoch), so with the dropout layers' mask counters (saved beside this by
/// <see cref="TrainingCheckpoint"/>) it is the whole RNG position: a resumed run equals an uninterrupted one.
/// </summary>
/// <param name="Epoch">Epochs completed (1-based epoch of the checkpoint).</param>
/// <param name="Step">Optimizer steps taken since the start of training.</param>
/// <param name="Seed">The run's seed.</param>
public readonly record struct TrainingState(int Epoch, long Step, ulong Seed);
