namespace NeuroCore.Checkpoints;

/// <summary>
/// The small JSON file that travels beside a checkpoint's weights: which architecture, its layers in order, the
/// input shape and the classes, so a tool can rebuild the model without knowing it in advance.
/// </summary>
public sealed class ModelDescription
{
    /// <summary>The format version this build writes and the newest it reads.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The format tag, always "neurocore-model".</summary>
    public string Format { get; set; } = "neurocore-model";

    /// <summary>The description format version.</summary>
    public int Version { get; set; } = CurrentVersion;

    /// <summary>The architecture name ("mlp", "small-cnn", or "sequential" for a custom stack).</summary>
    public string Architecture { get; set; } = "";

    /// <summary>The shape of one input sample, without the batch dimension (e.g. [1, 28, 28]).</summary>
    public int[] InputShape { get; set; } = [];

    /// <summary>The number of output classes.</summary>
    public int Classes { get; set; }

    /// <summary>Optional class names, index-aligned with the outputs.</summary>
    public string[]? ClassNames { get; set; }

    /// <summary>The layers in forward order.</summary>
    public List<LayerDescription> Layers { get; set; } = [];

    /// <summary>Free-form string metadata (data set, seed, accuracy...).</summary>
    public Dictionary<string, string> Metadata { get; set; } = [];
}
