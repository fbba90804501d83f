using NeuroCore.Checkpoints;
using NeuroCore.Nn;

namespace NeuroCore.Training;

/// <summary>
/// A model rebuilt from a training output directory: the architecture from its <c>model.json</c> description and
/// the weights from its latest epoch checkpoint. Used by <c>neurocore eval</c> and by embedding apps that load a
/// trained network without knowing its architecture in advance.
/// </summary>
/// <param name="Model">The rebuilt model, in evaluation mode.</param>
/// <param name="Store">Its parameters and buffers, loaded from the checkpoint.</param>
/// <param name="Description">The architecture description it was rebuilt from.</param>
/// <param name="State">The training state recorded with the checkpoint (epoch, step, seed).</param>
/// <param name="CheckpointPath">The checkpoint file the weights came from.</param>
public sealed record TrainedModel(IModule Model, ParameterStore Store, ModelDescription Description, TrainingState State,
    string CheckpointPath)
{
    /// <summary>Loads the model description and the latest checkpoint from <paramref name="directory"/>.</summary>
    /// <exception cref="FileNotFoundException">The directory lacks <c>model.json</c> or any epoch checkpoint.</exception>
    /// <exception cref="CheckpointFormatException">A file is malformed.</exception>
    public static TrainedModel Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string descriptionPath = Path.Combine(directory, TrainingCheckpoint.DescriptionFileName);
        if (!File.Exists(descriptionPath))
            throw new FileNotFoundException(
                $"'{directory}' has no {TrainingCheckpoint.DescriptionFileName}; expected a directory written by " +
                "`neurocore train ann --out DIR`.", descriptionPath);
        string checkpoint = TrainingCheckpoint.FindLatest(directory)
            ?? throw new FileNotFoundException(
                $"'{directory}' has no epoch-NNNN.safetensors checkpoint; training writes one after every epoch.",
                directory);
        var description = Checkpoint.LoadDescription(descriptionPath);
        var store = new ParameterStore();
        var model = AnnModels.Build(store, description, seed: 0);   // weights come from the checkpoint
        var state = TrainingCheckpoint.Load(checkpoint, store);
        model.Training = false;
        return new TrainedModel(model, store, description, state, checkpoint);
    }
}
