using NeuroCore.Checkpoints;
using NeuroCore.Data;
using NeuroCore.Nn;

namespace NeuroCore.Cli;

/// <summary>Turns the <c>train ann</c> option values into a model, an optimizer and a schedule.</summary>
internal static class AnnFactory
{
    /// <summary>Builds <paramref name="model"/> ("mlp" or "cnn") for images like <paramref name="train"/>'s.</summary>
    public static (IModule Model, ModelDescription Description) Build(string model, ParameterStore store, LabeledImageSet train, ulong seed)
    {
        var description = model switch
        {
            "mlp" => AnnModels.MlpDescription(train.Height * train.Width, 512, train.Classes),
            "cnn" => AnnModels.SmallCnnDescription(train.Classes, size: train.Height),
            _ => throw new ArgumentException($"Unknown model '{model}': expected mlp or cnn.", nameof(model)),
        };
        description.InputShape = [1, train.Height, train.Width];
        description.ClassNames = [.. train.ClassNames];
        return (AnnModels.Build(store, description, seed), description);
    }

    /// <summary>Adam and AdamW with PyTorch defaults (AdamW weight decay 0.01), SGD with momentum 0.9.</summary>
    public static IOptimizer Optimizer(string name, ParameterStore store, float learningRate) => name switch
    {
        "adam" => new Adam(store, learningRate),
        "adamw" => new AdamW(store, learningRate),
        "sgd" => new Sgd(store, learningRate, momentum: 0.9f),
        _ => throw new ArgumentException($"Unknown optimizer '{name}': expected adam, adamw or sgd.", nameof(name)),
    };

    /// <summary>
    /// The schedule, stepped per batch by the trainer: none for "constant"; for "cosine", PyTorch's
    /// CosineAnnealingLR over every step of the run down to zero.
    /// </summary>
    public static ILrSchedule? Schedule(string name, IOptimizer optimizer, int epochs, int stepsPerEpoch) => name switch
    {
        "constant" => null,
        "cosine" => new CosineLr(optimizer, totalSteps: epochs * stepsPerEpoch),
        _ => throw new ArgumentException($"Unknown schedule '{name}': expected constant or cosine.", nameof(name)),
    };
}
