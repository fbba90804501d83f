namespace NeuroCore.Training;

/// <summary>What <see cref="TrainingRun.Execute"/> did.</summary>
/// <param name="Result">The epochs run and their metrics.</param>
/// <param name="Report">The run's report, or null when a resumed run had no epoch left to do.</param>
public sealed record TrainingOutcome(TrainingResult Result, TrainingReport? Report);
