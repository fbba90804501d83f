using System.Diagnostics;
using NeuroCore.Data;
using NeuroCore.Kernels;
using NeuroCore.Snn;

namespace NeuroCore.Training.Methods.Esl;

/// <summary>
/// ESL-SNN (Shen et al., AAAI 2023, arXiv 2306.03693): a sparse spiking network trained from scratch by surrogate-gradient
/// BPTT while its connections are pruned and regrown every T_iter iterations at constant nnz. See the README.
/// </summary>
public sealed class EslMethod
{
    /// <summary>Prepares a run of <paramref name="model"/> with <paramref name="recipe"/> and <paramref name="trainer"/>.</summary>
    /// <param name="model">The network options (architecture, density, T).</param>
    /// <param name="arm">Dense, static sparse or ESL; the dense arm needs density 1, the others below 1.</param>
    /// <param name="schedule">The rewiring schedule (esl arm; its TotalIterations is set from the data).</param>
    /// <param name="prune">The pruning rule.</param>
    /// <param name="grow">The growth rule.</param>
    /// <param name="recipe">Optimizer, learning rate and schedule.</param>
    /// <param name="trainer">Epochs, batching, seed, threads.</param>
    /// <exception cref="ArgumentException">The arm and the density disagree, or an option is out of range.</exception>
    public EslMethod(EslModelOptions model, EslArm arm, RewireSchedule? schedule, PruneRule prune, GrowRule grow, TrainingRecipe recipe, TrainerOptions trainer)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(trainer);
        model.Validate();
        trainer.Validate();
        if (arm == EslArm.Dense && !model.IsDense)
            throw new ArgumentException($"ESL: the dense arm needs --density 1 (got {model.Density}); drop --dense or the density.");
        if (arm != EslArm.Dense && model.IsDense)
            throw new ArgumentException($"ESL: the {arm.ToString().ToLowerInvariant()} arm needs a density below 1 (got {model.Density}); pass --density 0.1, or --dense for the dense network.");
        Model = model;
        Arm = arm;
        Schedule = arm == EslArm.Esl ? schedule ?? new RewireSchedule() : null;
        Prune = prune;
        Grow = grow;
        Recipe = recipe;
        TrainerOptions = trainer;
    }

    /// <summary>The network options.</summary>
    public EslModelOptions Model { get; }

    /// <summary>The arm.</summary>
    public EslArm Arm { get; }

    /// <summary>The rewiring schedule (esl arm only).</summary>
    public RewireSchedule? Schedule { get; }

    /// <summary>The pruning rule.</summary>
    public PruneRule Prune { get; }

    /// <summary>The growth rule.</summary>
    public GrowRule Grow { get; }

    /// <summary>The optimizer recipe.</summary>
    public TrainingRecipe Recipe { get; }

    /// <summary>The trainer options.</summary>
    public TrainerOptions TrainerOptions { get; }

    /// <summary>The network of the last <see cref="Run"/>.</summary>
    public EslNetwork? Network { get; private set; }

    /// <summary>The training result of the last <see cref="Run"/>.</summary>
    public TrainingResult? Result { get; private set; }

    /// <summary>Builds the network, trains it on <paramref name="train"/>, evaluates on <paramref name="test"/> after every epoch and returns the report.</summary>
    /// <exception cref="TrainingDivergedException">The loss or a parameter became NaN or infinite.</exception>
    public EslReport Run(LabeledImageSet train, LabeledImageSet test, string dataset, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        var wall = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var store = new ParameterStore();
        var network = new EslNetwork(store, Model, TrainerOptions.Seed);
        Network = network;
        int stepsPerEpoch = Trainer.StepsPerEpoch(train.Count, TrainerOptions.BatchSize);
        int total = TrainerOptions.Epochs * stepsPerEpoch;
        var schedule = Schedule is null ? null : Schedule with { TotalIterations = total };
        using var optimizer = new SparseOptimizer(Recipe.CreateOptimizer(store), store, network.SparseLayers, schedule, Prune, Grow, TrainerOptions.Seed,
            network.PatternBuffers);
        if (TrainerOptions.Resume && TrainingCheckpoint.FindLatest(TrainerOptions.CheckpointDirectory!) is { } latest)
            optimizer.CheckCheckpoint(latest);
        var lr = Recipe.CreateSchedule(optimizer, TrainerOptions.Epochs, stepsPerEpoch);
        var trainer = new Trainer(network, store, optimizer, TrainerOptions, lr);
        var result = trainer.Fit(train, test, progress, cancellationToken);
        Result = result;

        var sparseByName = network.SparseLayers.ToDictionary(l => l.Name);
        var layers = network.SynapticLayers.Select(l =>
        {
            long nnz = sparseByName.TryGetValue(l.Name, out var s) ? s.Nnz : l.Positions;
            return new EslLayerDensity(l.Name, l.Positions, nnz, (double)nnz / l.Positions);
        }).ToArray();
        double trainSeconds = result.History.Sum(h => h.Seconds);
        return new EslReport
        {
            Arm = Arm.ToString().ToLowerInvariant(),
            Dataset = dataset,
            Model = network.Name,
            TargetDensity = Model.Density,
            Prune = Arm == EslArm.Esl ? Prune.ToString().ToLowerInvariant() : null,
            Regrow = Arm == EslArm.Esl ? Grow.ToString().ToLowerInvariant() : null,
            Schedule = schedule,
            Steps = Model.Steps,
            TrainSamples = train.Count,
            TestSamples = test.Count,
            Epochs = result.History.Count,
            ResumedFromEpoch = result.ResumedFromEpoch,
            BatchSize = TrainerOptions.BatchSize,
            Optimizer = Recipe.Optimizer,
            LearningRate = Recipe.LearningRate,
            LrSchedule = Recipe.Schedule,
            Seed = TrainerOptions.Seed,
            Threads = TrainerOptions.Threads,
            Parameters = store.Count,
            TestAccuracyPerEpoch = [.. result.History.Select(h => h.TestAccuracy)],
            TrainAccuracyPerEpoch = [.. result.History.Select(h => h.TrainAccuracy)],
            TestAccuracy = result.History.Count == 0 ? 0 : result.History[^1].TestAccuracy,
            Layers = layers,
            GlobalDensity = (double)layers.Sum(l => l.Nnz) / layers.Sum(l => l.Positions),
            Rewires = [.. optimizer.Events],
            TrainSecondsPerEpoch = [.. result.History.Select(h => h.Seconds)],
            StepMilliseconds = result.History.Count == 0 ? 0 : 1000 * trainSeconds / (result.History.Count * stepsPerEpoch),
            PeakWorkingSetMiB = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0),
            Seconds = wall.Elapsed.TotalSeconds,
            CpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds,
            Isa = IsaInfo.Describe(),
        };
    }
}
