namespace NeuroCore.Data;

/// <summary>A training set and its test set; deconstructs as <c>var (train, test) = ...</c>.</summary>
/// <param name="Train">The training images.</param>
/// <param name="Test">The held-out test images.</param>
public readonly record struct DatasetSplit(LabeledImageSet Train, LabeledImageSet Test);
