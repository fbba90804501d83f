// Long-sequence learning in feedforward SNNs with CE-LIF neurons (our reading of arXiv 2308.15150, methods-1 §3):
//   per step t, per hidden layer l:  I_t = W x_t + b  (x_t: the input, or layer l−1's spikes)
//   LIF:    H_t = β V_{t−1} + I_t,  S_t = Θ(H_t − θ),  V_t = H_t − θ S_t
//   ALIF:   θ_t = θ0 + κ A_{t−1},   A_t = ρ A_{t−1} + (1 − ρ) S_t
//   CE-LIF: θ_t = θ0 + β_a a_t + γ c_t, c_t a contextual embedding (C1 table, C2 input trace, C3 own trace)
// Readout: a leaky integrator m_t = β m_{t−1} + W_o S²_t + b_o, logits = mean of m_t over the readout window.
// Loss: mean cross-entropy; BPTT with the surrogate through both the membrane and the threshold.
// The README beside this file states which parts are our reading and how each experiment is run.

using NeuroCore.Data;
using NeuroCore.Snn;

namespace NeuroCore.Training.Methods.CeLif;

/// <summary>
/// The sequence-learning method of issue 5: builds a <see cref="SequenceClassifier"/> for a <see cref="SequenceSet"/>
/// (hidden width matched to LIF's parameter count), trains it with the shared <see cref="Trainer"/>, and measures the
/// gradient flow before and after training.
/// </summary>
public static class CeLifMethod
{
    /// <summary>The method name written to reports.</summary>
    public const string MethodName = "celif-sequence-bptt";

    /// <summary>The default hidden width of a task: 64 for the pixel-wise tasks (T = 784, as the plan's budget), 128 otherwise.</summary>
    public static int DefaultHidden(string task) => task is "sfmnist-pixel" or "psfmnist" ? 64 : 128;

    /// <summary>
    /// The model options for <paramref name="set"/>: T, F and classes from the set; the readout reads the go window
    /// (<see cref="DelayedRecall.GoSteps"/>) for recall and all T steps otherwise; with
    /// <paramref name="equalParameters"/> the hidden width is fitted to a LIF model of width <paramref name="hidden"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A value is invalid or the combination makes no sense (the message says the fix).</exception>
    public static SequenceModelOptions Options(SequenceSet set, SequenceNeuron neuron, ContextEmbedding? embedding, int hidden, bool equalParameters = true,
        DecayBound decayBound = DecayBound.None)
    {
        ArgumentNullException.ThrowIfNull(set);
        var options = new SequenceModelOptions
        {
            Steps = set.Steps,
            Features = set.Features,
            Classes = set.Classes,
            Hidden = hidden,
            Neuron = neuron,
            Embedding = embedding,
            DecayBound = decayBound,
            ReadoutSteps = set.Task == "recall" ? DelayedRecall.GoSteps : 0,
        };
        options.Validate();
        return equalParameters ? ParameterBudget.MatchLif(options, hidden) : options;
    }

    /// <summary>Builds the model and its run; <see cref="SequenceRun.Execute"/> trains it.</summary>
    public static SequenceRun CreateRun(SequenceModelOptions options, TrainingRecipe recipe, TrainerOptions trainer, SequenceSet train, SequenceSet test,
        int? referenceHidden = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        if (train.Steps != options.Steps || train.Features != options.Features || test.Steps != train.Steps || test.Features != train.Features)
            throw new ArgumentException(
                $"CeLifMethod: the model takes T = {options.Steps}, F = {options.Features} but the sets are T = {train.Steps}/{test.Steps}, " +
                $"F = {train.Features}/{test.Features}; build the options from the training set (CeLifMethod.Options).");
        var store = new ParameterStore();
        var model = new SequenceClassifier(store, options, trainer.Seed);
        var description = model.Describe();
        description.ClassNames = [.. train.Samples.ClassNames];
        description.Metadata[TaskKey] = train.Task;
        if (train.Delay is { } delay) description.Metadata[DelayKey] = delay.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var run = new TrainingRun(MethodName, $"{SequenceClassifier.Architecture}-{NeuronName(options)}", model, store, description, recipe, trainer, train.Count);
        return new SequenceRun(run, model, train, test, referenceHidden);
    }

    /// <summary>The description's metadata key of the sequence task (<c>model.json</c>), read back by <c>neurocore eval</c>.</summary>
    public const string TaskKey = "seq.task";

    /// <summary>The description's metadata key of the recall delay D.</summary>
    public const string DelayKey = "seq.delay";

    /// <summary>lif, alif, lif-sigmoid, alif-sigmoid (sigmoid-bounded β), or celif-c1/c2/c3.</summary>
    public static string NeuronName(SequenceModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string n = options.Neuron.ToString().ToLowerInvariant();
        if (options.DecayBound != DecayBound.None) n += "-" + options.DecayBound.ToString().ToLowerInvariant();
        return options.Embedding is { } e ? $"{n}-{e.ToString().ToLowerInvariant()}" : n;
    }

    /// <summary>
    /// Memory capacity: the largest delay D such that every measured delay up to and including D reached
    /// <paramref name="threshold"/> accuracy (the study's definition), or null when the shortest measured delay already
    /// fails. Several points at one delay (seeds) must all be measured separately: pass one seed's points.
    /// </summary>
    /// <exception cref="ArgumentException">A delay appears twice.</exception>
    public static int? MemoryCapacity(IEnumerable<(int Delay, double Accuracy)> points, double threshold = 0.9)
    {
        ArgumentNullException.ThrowIfNull(points);
        int? capacity = null;
        int? previous = null;
        foreach (var (delay, accuracy) in points.OrderBy(p => p.Delay))
        {
            if (delay == previous)
                throw new ArgumentException($"MemoryCapacity: delay {delay} is given twice; pass the points of one seed (one accuracy per delay).", nameof(points));
            previous = delay;
            if (accuracy < threshold) break;
            capacity = delay;
        }
        return capacity;
    }

    /// <summary>
    /// The first epoch (1-based) whose accuracy reaches <paramref name="fraction"/> of the last one, or null for an
    /// empty history.
    /// </summary>
    public static int? EpochsToFractionOfFinal(IReadOnlyList<double> accuracies, double fraction = 0.9)
    {
        ArgumentNullException.ThrowIfNull(accuracies);
        if (accuracies.Count == 0) return null;
        double target = fraction * accuracies[^1];
        for (int i = 0; i < accuracies.Count; i++)
            if (accuracies[i] >= target) return i + 1;
        return accuracies.Count;
    }
}

/// <summary>A prepared sequence run: the model, its <see cref="TrainingRun"/>, and the sets. Dispose it when done: that
/// disposes the run and so its optimizer.</summary>
public sealed class SequenceRun : IDisposable
{
    internal SequenceRun(TrainingRun run, SequenceClassifier model, SequenceSet train, SequenceSet test, int? referenceHidden)
    {
        Run = run;
        Model = model;
        Train = train;
        Test = test;
        ReferenceHidden = referenceHidden;
    }

    /// <summary>The shared training run (trainer, optimizer, options).</summary>
    public TrainingRun Run { get; }

    /// <summary>The model being trained.</summary>
    public SequenceClassifier Model { get; }

    /// <summary>The training sequences.</summary>
    public SequenceSet Train { get; }

    /// <summary>The test sequences.</summary>
    public SequenceSet Test { get; }

    /// <summary>The LIF width the parameter count was matched to, if any.</summary>
    public int? ReferenceHidden { get; }

    /// <summary>Disposes <see cref="Run"/> (and so its optimizer's pooled state).</summary>
    public void Dispose() => Run.Dispose();

    /// <summary>What the shared runner returned on the last <see cref="Execute"/> (epochs and their metrics), else null.</summary>
    public TrainingOutcome? Outcome { get; private set; }

    /// <summary>Sequences in the gradient-flow batch (the first ones of the test set).</summary>
    public int GradientBatch { get; init; } = 64;

    /// <summary>
    /// Measures the gradient flow, trains, measures it again, and returns the report (null when a resumed run had no
    /// epoch left to do).
    /// </summary>
    public SequenceReport? Execute(IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        int threads = Run.Options.Threads;
        var before = Curve(GradientFlow.Measure(Model, Run.Store, Test, GradientBatch, threads));
        var outcome = Run.Execute(Train.Samples, Test.Samples, Train.Task, progress, cancellationToken);
        Outcome = outcome;
        if (outcome.Report is not { } training) return null;
        var after = Curve(GradientFlow.Measure(Model, Run.Store, Test, GradientBatch, threads));
        var accuracies = training.History.Select(m => m.TestAccuracy).ToArray();
        var o = Model.Options;
        return new SequenceReport
        {
            Task = Train.Task,
            Neuron = o.Neuron.ToString().ToLowerInvariant(),
            Embedding = o.Embedding?.ToString().ToLowerInvariant(),
            DecayBound = o.DecayBound == DecayBound.None ? null : o.DecayBound.ToString().ToLowerInvariant(),
            Delay = Train.Delay,
            PermutationSeed = Train.Permutation is null ? null : SequentialImages.DefaultPermutationSeed,
            Steps = o.Steps,
            Features = o.Features,
            Hidden = o.Hidden,
            ReferenceHidden = ReferenceHidden,
            ReadoutSteps = o.EffectiveReadoutSteps,
            Parameters = Run.Store.Count,
            ChanceAccuracy = Train.ChanceAccuracy,
            TestAccuracyPerEpoch = accuracies,
            EpochsTo90PercentOfFinal = CeLifMethod.EpochsToFractionOfFinal(accuracies),
            TestAccuracy = training.TestAccuracy,
            GradientFlowInitial = before,
            GradientFlowFinal = after,
            Training = training,
        };

        GradientFlowCurve Curve(double[] norms) => new(Math.Min(GradientBatch, Test.Count), norms, GradientFlow.FirstToLastRatio(norms));
    }
}
