namespace NeuroCore.Training.Methods.Kdsnn;

/// <summary>
/// A frozen teacher for distillation: maps a batch of inputs to logits and, on request, to the feature of one of its
/// layers, without recording anything for backpropagation (the teacher is never updated).
/// </summary>
public interface ITeacher
{
    /// <summary>A short description for reports (e.g. the architecture and where it was loaded from).</summary>
    string Name { get; }

    /// <summary>Output classes.</summary>
    int Classes { get; }

    /// <summary>The shape of one input sample (without the batch axis).</summary>
    IReadOnlyList<int> InputShape { get; }

    /// <summary>The names of the layers whose features <see cref="Run"/> can return, in forward order.</summary>
    IReadOnlyList<string> FeatureLayers { get; }

    /// <summary>The feature shape of layer <paramref name="layer"/> for one sample (without the batch axis).</summary>
    /// <exception cref="ArgumentException">No layer has that name (the message lists them).</exception>
    IReadOnlyList<int> FeatureShape(string layer);

    /// <summary>
    /// Runs the teacher on <paramref name="images"/> [B, ...]: logits [B, classes] and, when
    /// <paramref name="featureLayer"/> is given, that layer's output [B, ...]. The tensors are constants (no gradient)
    /// and stay valid until the next call.
    /// </summary>
    /// <exception cref="ArgumentException">The input shape or the layer name is wrong.</exception>
    TeacherOutput Run(Tensor images, string? featureLayer);
}

/// <summary>What a <see cref="ITeacher"/> returns for one batch.</summary>
/// <param name="Logits">The logits [B, classes].</param>
/// <param name="Feature">The requested layer's output, or null.</param>
public readonly record struct TeacherOutput(Tensor Logits, Tensor? Feature);
