using NeuroCore.Checkpoints;
using NeuroCore.Nn;
using NeuroCore.Snn;

namespace NeuroCore.Training;

/// <summary>
/// A model rebuilt from a training output directory: the architecture from its <c>model.json</c> description and
/// the weights from its latest epoch checkpoint. Used by <c>neurocore eval</c> and by embedding apps that load a
/// trained network without knowing its architecture in advance. Spiking descriptions (architecture <c>snn-*</c>) are
/// rebuilt by <c>SnnModels.Build</c>, and the sequence classifier of <c>train celif</c> (<c>snn-seq</c>) by
/// <see cref="Methods.CeLif.SequenceClassifier.FromDescription"/>, so <see cref="Model"/> is then an
/// <see cref="ISpikingModel"/>; ordinary ones by <see cref="AnnModels.Build"/>.
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
                "`neurocore train ann|snn|celif --out DIR`.", descriptionPath);
        string checkpoint = TrainingCheckpoint.FindLatest(directory)
            ?? throw new FileNotFoundException(
                $"'{directory}' has no epoch-NNNN.safetensors checkpoint; training writes one after every epoch.",
                directory);
        var description = Checkpoint.LoadDescription(descriptionPath);
        var store = new ParameterStore();
        // For an ordinary model the seed only initialises weights, which the checkpoint then overwrites. A spiking
        // model's rate encoder also keys its Poisson spikes with it (evaluation draws from a fixed stream of that key),
        // so it is rebuilt with the training seed: evaluation then reproduces the trainer's test figures exactly.
        IModule model = description.Architecture == Methods.CeLif.SequenceClassifier.Architecture
            ? Methods.CeLif.SequenceClassifier.FromDescription(store, description, seed: 0)
            : IsSpiking(description)
                ? SnnModels.Build(store, description, TrainingCheckpoint.ReadState(checkpoint).Seed)
                : AnnModels.Build(store, description, seed: 0);
        var state = TrainingCheckpoint.Load(checkpoint, store);
        model.Training = false;
        return new TrainedModel(model, store, description, state, checkpoint);
    }

    /// <summary>Whether <paramref name="description"/> is of a spiking architecture (<c>snn-*</c>).</summary>
    public static bool IsSpiking(ModelDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        return description.Architecture.StartsWith("snn-", StringComparison.Ordinal);
    }
}
