namespace NeuroCore.Training;

/// <summary>The result of classifying a labelled set.</summary>
/// <param name="Loss">Mean cross-entropy over the set.</param>
/// <param name="Accuracy">Fraction of samples whose arg-max class equals the label.</param>
/// <param name="Correct">Samples classified correctly.</param>
/// <param name="Count">Samples classified.</param>
public readonly record struct Evaluation(double Loss, double Accuracy, int Correct, int Count);
