using NeuroCore.Checkpoints;
using NeuroCore.Data;
using NeuroCore.Nn;

namespace NeuroCore.Cli;

/// <summary>Turns the <c>train ann</c> model option into a model and its description.</summary>
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
}
