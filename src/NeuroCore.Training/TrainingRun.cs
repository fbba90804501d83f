using NeuroCore.Checkpoints;
using NeuroCore.Data;
using NeuroCore.Kernels;
using NeuroCore.Nn;
using NeuroCore.Snn;

namespace NeuroCore.Training;

/// <summary>
/// One training run, ready to go: a built model with its description, the optimizer and schedule of a
/// <see cref="TrainingRecipe"/>, and a <see cref="Trainer"/>. <see cref="Execute"/> writes the description beside
/// the checkpoints, trains, and returns the <see cref="TrainingReport"/>. Every method (ordinary backpropagation,
/// <c>Methods/SurrogateBptt</c>, ...) prepares its model and hands it to this one runner, so the command line, the
/// checkpoints and the JSON report are the same for all of them. The run owns the optimizer it built: dispose the run
/// when done with it, which returns the optimizer's pooled state (Adam's moments) to the shared pool.
/// </summary>
public sealed class TrainingRun : IDisposable
{
    readonly ILrSchedule? _schedule;

    /// <summary>Prepares a run of <paramref name="model"/> (whose parameters live in <paramref name="store"/>).</summary>
    /// <param name="method">The method name written to the report (e.g. <c>ann</c>, <c>surrogate-bptt</c>).</param>
    /// <param name="modelName">The model name written to the report (e.g. <c>mlp</c>, <c>snn-conv</c>).</param>
    /// <param name="model">The model to train.</param>
    /// <param name="store">Its parameters and buffers.</param>
    /// <param name="description">Its architecture description, written as <c>model.json</c> beside the checkpoints.</param>
    /// <param name="recipe">Optimizer, learning rate and schedule.</param>
    /// <param name="options">Epochs, batching, seed, threads, checkpoint directory, resume.</param>
    /// <param name="trainSamples">Training samples per epoch (sets the length of the schedule).</param>
    /// <param name="objective">What the trainer minimises instead of plain cross-entropy, or null.</param>
    /// <exception cref="ArgumentException">An option, the recipe or the sample count is invalid.</exception>
    public TrainingRun(string method, string modelName, IModule model, ParameterStore store, ModelDescription description, TrainingRecipe recipe,
        TrainerOptions options, int trainSamples, ITrainingObjective? objective = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentException.ThrowIfNullOrEmpty(modelName);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(trainSamples);
        options.Validate();
        Method = method;
        ModelName = modelName;
        Model = model;
        Store = store;
        Description = description;
        Recipe = recipe;
        Options = options;
        Optimizer = recipe.CreateOptimizer(store);
        _schedule = recipe.CreateSchedule(Optimizer, options.Epochs, Trainer.StepsPerEpoch(trainSamples, options.BatchSize));
        Trainer = new Trainer(model, store, Optimizer, options, _schedule, objective);
    }

    /// <summary>The method name written to the report.</summary>
    public string Method { get; }

    /// <summary>The model name written to the report.</summary>
    public string ModelName { get; }

    /// <summary>The model being trained.</summary>
    public IModule Model { get; }

    /// <summary>Its parameters and buffers.</summary>
    public ParameterStore Store { get; }

    /// <summary>Its architecture description.</summary>
    public ModelDescription Description { get; }

    /// <summary>Optimizer, learning rate and schedule.</summary>
    public TrainingRecipe Recipe { get; }

    /// <summary>The trainer options.</summary>
    public TrainerOptions Options { get; }

    /// <summary>The optimizer built from <see cref="Recipe"/>, owned by this run (disposed with it).</summary>
    public IOptimizer Optimizer { get; }

    /// <summary>Disposes the optimizer when it holds pooled state (<see cref="Adam"/>, <see cref="AdamW"/>); the run
    /// cannot train after this. Disposing twice does nothing more.</summary>
    public void Dispose() => (Optimizer as IDisposable)?.Dispose();

    /// <summary>The trainer that runs the epochs.</summary>
    public Trainer Trainer { get; }

    /// <summary>
    /// Writes <c>model.json</c> to the checkpoint directory (kept as it is on a resume, so a mismatching model fails
    /// at the checkpoint load naming the tensor instead of clobbering the directory), trains on
    /// <paramref name="train"/>, evaluates on <paramref name="test"/> after every epoch, and returns the result with
    /// its report (null when a resumed run had no epoch left to do).
    /// </summary>
    /// <param name="train">The training set.</param>
    /// <param name="test">The test set.</param>
    /// <param name="dataset">The data set's name for the report (e.g. <c>fashion-mnist</c>).</param>
    /// <param name="progress">Receives the trainer's progress reports.</param>
    /// <param name="cancellationToken">Stops training between steps.</param>
    /// <exception cref="TrainingDivergedException">A loss or a parameter became NaN or infinite.</exception>
    public TrainingOutcome Execute(LabeledImageSet train, LabeledImageSet test, string dataset,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentException.ThrowIfNullOrEmpty(dataset);
        if (Options.CheckpointDirectory is { } dir)
        {
            Directory.CreateDirectory(dir);
            string descriptionPath = Path.Combine(dir, TrainingCheckpoint.DescriptionFileName);
            if (!Options.Resume || !File.Exists(descriptionPath)) Checkpoint.SaveDescription(descriptionPath, Description);
        }
        var result = Trainer.Fit(train, test, progress, cancellationToken);
        return new TrainingOutcome(result, result.Last is null ? null : Report(result, train.Count, test.Count, dataset));
    }

    TrainingReport Report(TrainingResult result, int trainSamples, int testSamples, string dataset)
    {
        var last = result.Last!;
        var spikes = last.SpikeStatistics;
        return new TrainingReport
        {
            Method = Method,
            Dataset = dataset,
            Model = ModelName,
            Parameters = Store.Count,
            Epochs = last.Epoch,
            TrainSamples = trainSamples,
            TestSamples = testSamples,
            BatchSize = Options.BatchSize,
            Optimizer = Recipe.Optimizer,
            LearningRate = Recipe.LearningRate,
            Schedule = Recipe.Schedule,
            Seed = Options.Seed,
            Threads = Options.Threads,
            TrainAccuracy = last.TrainAccuracy,
            TestAccuracy = last.TestAccuracy,
            TrainLoss = last.TrainLoss,
            TestLoss = last.TestLoss,
            Seconds = result.Seconds,
            SecondsPerEpoch = result.SecondsPerEpoch,
            ResumedFromEpoch = result.ResumedFromEpoch,
            ClipGradNorm = Options.ClipGradNorm,
            Isa = IsaInfo.Describe(),
            Version = TrainingReport.CurrentVersion,
            OutputDirectory = Options.CheckpointDirectory,
            History = result.History,
            Steps = (Model as ISpikingModel)?.Steps,
            ModelOptions = Description.Metadata.Count == 0 ? null : new SortedDictionary<string, string>(Description.Metadata, StringComparer.Ordinal),
            SpikeRate = TrainingReport.OverallSpikeRate(spikes),
            SynOpsPerSample = spikes?.Sum(l => l.SynOpsPerSample),
            SpikeStatistics = spikes,
        };
    }
}
