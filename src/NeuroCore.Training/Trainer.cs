using System.Diagnostics;
using System.Numerics.Tensors;
using NeuroCore.Autodiff;
using NeuroCore.Data;
using NeuroCore.Nn;
using NeuroCore.Snn;

namespace NeuroCore.Training;

/// <summary>
/// The one training loop every method uses (ordinary networks by backpropagation, spiking networks by surrogate-gradient
/// BPTT: an <see cref="ISpikingModel"/> is driven the same way, its activity regulariser is added to the loss and its
/// spike statistics are collected on the test set). Per epoch it shuffles
/// the training set with a Philox permutation keyed by (seed, epoch), runs forward, cross-entropy, backward and
/// one optimizer step per batch on a reused tape, evaluates the test set, and writes a checkpoint (weights,
/// buffers, optimizer state, epoch and RNG position). A NaN or infinite loss stops training at once, before the
/// optimizer step, so the checkpoints on disk stay the last good ones.
/// </summary>
/// <remarks>
/// Effectively computes, for each epoch e and batch (x, y):
/// <c>θ ← optimizer(θ, ∇θ [mean_i CE(model(xᵢ), yᵢ) + R], lr(e))</c>, where R is the spiking model's
/// <see cref="ISpikingModel.RegularizationLoss"/> (absent for other models or when it returns null). The reported
/// training loss is the cross-entropy alone, so it compares with the test loss.
/// Determinism: the shuffle, dropout masks and kernels depend on the seed and the step only, never on
/// <see cref="TrainerOptions.Threads"/>, so weights are bitwise identical for any thread count and a resumed run
/// equals an uninterrupted one.
/// </remarks>
public sealed class Trainer
{
    readonly IModule _model;
    readonly ParameterStore _store;
    readonly IOptimizer _optimizer;
    readonly TrainerOptions _options;
    readonly ILrSchedule? _schedule;
    readonly ITrainingObjective? _objective;

    /// <summary>Creates a trainer.</summary>
    /// <param name="model">The model; its parameters must live in <paramref name="store"/>.</param>
    /// <param name="store">The parameters (and buffers) the optimizer updates and checkpoints save.</param>
    /// <param name="optimizer">The optimizer over <paramref name="store"/>.</param>
    /// <param name="options">Epochs, batching, seed, threads, checkpoint directory.</param>
    /// <param name="schedule">
    /// A learning-rate schedule over <paramref name="optimizer"/>, stepped after every batch (build it with
    /// <c>totalSteps = epochs × </c><see cref="StepsPerEpoch"/>), or null to keep the optimizer's rate.
    /// </param>
    /// <param name="objective">
    /// What to minimise instead of the plain cross-entropy (e.g. a distillation loss), or null for cross-entropy.
    /// Evaluation always reports cross-entropy.
    /// </param>
    public Trainer(IModule model, ParameterStore store, IOptimizer optimizer, TrainerOptions options,
        ILrSchedule? schedule = null, ITrainingObjective? objective = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _model = model;
        _store = store;
        _optimizer = optimizer;
        _options = options;
        _schedule = schedule;
        _objective = objective;
    }

    /// <summary>
    /// Trains until <see cref="TrainerOptions.Epochs"/> epochs are done (continuing after the latest checkpoint
    /// when <see cref="TrainerOptions.Resume"/> is set), evaluating on <paramref name="test"/> after every epoch.
    /// </summary>
    /// <exception cref="TrainingDivergedException">A loss or a parameter became NaN or infinite.</exception>
    /// <exception cref="ArgumentException">The sets do not match each other or the model.</exception>
    public TrainingResult Fit(LabeledImageSet train, LabeledImageSet test, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        CheckCompatible(train, test);
        var wall = Stopwatch.StartNew();

        int startEpoch = _options.Resume ? ResumeFromLatest() : 0;

        var history = new List<EpochMetrics>();
        var spiking = _model as ISpikingModel;
        using var tape = new Tape(recording: true, threads: _options.Threads);
        using var batches = new BatchIterator(train, _options.BatchSize, _options.Seed, BatchLayout.Image, shuffle: true, dropLast: false);
        int steps = batches.BatchesPerEpoch;

        for (int epoch = startEpoch + 1; epoch <= _options.Epochs; epoch++)
        {
            double lr = _optimizer.LearningRate;
            _model.Training = true;
            batches.StartEpoch(epoch);

            double lossSum = 0;
            long correct = 0, seen = 0;
            int clipped = 0;
            double maxNorm = 0;
            var clock = Stopwatch.StartNew();
            for (int step = 1; batches.MoveNext(); step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                _store.ZeroGrad();
                var logits = _model.Forward(tape, batches.Images);
                var loss = Ops.CrossEntropy(tape, logits, batches.Labels);
                var main = _objective?.Loss(tape, batches.Images, logits, batches.Labels, loss) ?? loss;
                var regularizer = spiking?.RegularizationLoss(tape);
                var objective = regularizer is null ? main : Ops.Add(tape, main, regularizer);
                float value = loss.Item();
                float total = ReferenceEquals(objective, loss) ? value : objective.Item();
                if (!float.IsFinite(total))
                    throw new TrainingDivergedException(
                        $"Training diverged: the loss is {total}" +
                        (ReferenceEquals(objective, loss) ? "" : $" (cross-entropy {value}" +
                            (_objective is null ? "" : " in the training objective") + (regularizer is null ? ")" : " plus the activity regulariser)")) +
                        $" at epoch {epoch}, step {step} of {steps} " +
                        $"(learning rate {lr:G4}). Nothing was saved for this epoch; " +
                        (epoch > 1 && _options.CheckpointDirectory is not null
                            ? $"the checkpoint of epoch {epoch - 1} is intact (--resume continues from it). "
                            : "") +
                        "Try a lower learning rate (--lr).")
                    { Epoch = epoch, Step = step, Value = total };
                tape.Backward(objective);
                if (_options.ClipGradNorm is { } limit)
                {
                    double norm = ClipGradients(_store, limit, epoch, step, lr, _options.CheckpointDirectory is not null);
                    maxNorm = Math.Max(maxNorm, norm);
                    if (norm > limit) clipped++;
                }
                float stepRate = _optimizer.LearningRate;
                _optimizer.Step();
                _objective?.AfterStep(stepRate);
                _schedule?.Step();

                int n = batches.Count;
                lossSum += (double)value * n;
                correct += CountCorrect(logits.Span, batches.Labels, n);
                seen += n;
                tape.Reset();
                progress?.Report(new TrainingProgress(TrainingPhase.Train, epoch, _options.Epochs, step, steps,
                    lossSum / seen, (double)correct / seen, _optimizer.LearningRate));
            }
            double seconds = clock.Elapsed.TotalSeconds;

            CheckParametersFinite(epoch);
            clock.Restart();
            var eval = Evaluate(test, progress, epoch);
            double evalSeconds = clock.Elapsed.TotalSeconds;
            if (!double.IsFinite(eval.Loss))
                throw new TrainingDivergedException(
                    $"Training diverged: the test loss after epoch {epoch} is {eval.Loss}. The checkpoint of this epoch " +
                    "was not written; earlier ones are intact. Try a lower learning rate (--lr).")
                { Epoch = epoch, Step = 0, Value = (float)eval.Loss };

            var metrics = new EpochMetrics(epoch, lossSum / seen, (double)correct / seen, eval.Loss, eval.Accuracy, lr,
                seconds, evalSeconds)
            {
                SpikeStatistics = eval.SpikeStatistics,
                ClippedSteps = _options.ClipGradNorm is null ? null : clipped,
                MaxGradNorm = _options.ClipGradNorm is null ? null : maxNorm,
            };
            history.Add(metrics);
            if (_options.CheckpointDirectory is { } dir)
                TrainingCheckpoint.Save(dir, new TrainingState(epoch, _optimizer.StepCount, _options.Seed), _store, _optimizer, _model);
            progress?.Report(new TrainingProgress(TrainingPhase.EpochEnd, epoch, _options.Epochs, steps, steps,
                metrics.TrainLoss, metrics.TrainAccuracy, lr, metrics));
        }
        return new TrainingResult(history, startEpoch, wall.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Classifies <paramref name="set"/> in evaluation mode (no tape recording, dropout off, batch norm on running
    /// statistics) and returns the mean loss and accuracy.
    /// </summary>
    public Evaluation Evaluate(LabeledImageSet set, IProgress<TrainingProgress>? progress = null, int epoch = 0)
    {
        ArgumentNullException.ThrowIfNull(set);
        return Evaluate(_model, set, _options.EvalBatchSize, _options.Threads, progress, epoch, _options.Epochs);
    }

    /// <summary>
    /// Classifies <paramref name="set"/> with <paramref name="model"/> in evaluation mode and returns the mean
    /// cross-entropy and the accuracy, and for an <see cref="ISpikingModel"/> its per-layer spike statistics over
    /// this set (reset first). Used by the trainer after every epoch and by tools that load a checkpoint.
    /// </summary>
    public static Evaluation Evaluate(IModule model, LabeledImageSet set, int batchSize = 256, int threads = 1,
        IProgress<TrainingProgress>? progress = null, int epoch = 0, int epochs = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(set);
        bool wasTraining = model.Training;
        model.Training = false;
        var spiking = model as ISpikingModel;
        spiking?.ResetStatistics();
        try
        {
            using var tape = new Tape(recording: false, threads: threads);
            using var batches = new BatchIterator(set, batchSize, seed: 0, BatchLayout.Image, shuffle: false, dropLast: false);
            batches.StartEpoch(0);
            int steps = batches.BatchesPerEpoch;
            double lossSum = 0;
            long correct = 0, seen = 0;
            for (int step = 1; batches.MoveNext(); step++)
            {
                var logits = model.Forward(tape, batches.Images);
                var loss = Ops.CrossEntropy(tape, logits, batches.Labels);
                int n = batches.Count;
                lossSum += (double)loss.Item() * n;
                correct += CountCorrect(logits.Span, batches.Labels, n);
                seen += n;
                tape.Reset();
                progress?.Report(new TrainingProgress(TrainingPhase.Evaluate, epoch, epochs, step, steps,
                    lossSum / seen, (double)correct / seen, 0));
            }
            IReadOnlyList<LayerSpikeStatistics>? statistics = spiking is null ? null : [.. spiking.Statistics];
            return seen == 0
                ? new Evaluation(0, 0, 0, 0) { SpikeStatistics = statistics }
                : new Evaluation(lossSum / seen, (double)correct / seen, (int)correct, (int)seen) { SpikeStatistics = statistics };
        }
        finally
        {
            model.Training = wasTraining;
        }
    }

    /// <summary>Counts rows of <paramref name="logits"/> [n, classes] whose arg-max equals the label.</summary>
    internal static int CountCorrect(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int n)
    {
        int classes = logits.Length / n;
        int correct = 0;
        for (int i = 0; i < n; i++)
            if (TensorPrimitives.IndexOfMax(logits.Slice(i * classes, classes)) == labels[i]) correct++;
        return correct;
    }

    int ResumeFromLatest()
    {
        if (TrainingCheckpoint.FindLatest(_options.CheckpointDirectory!) is not { } latest) return 0;
        var state = TrainingCheckpoint.Load(latest, _store, _optimizer, _model);
        if (state.Seed != _options.Seed)
            throw new ArgumentException(
                $"Checkpoint '{Path.GetFileName(latest)}' was trained with seed {state.Seed}, this run has seed {_options.Seed}; " +
                $"resume with the same seed (--seed {state.Seed}) so the shuffle and dropout continue where they stopped.");
        // The schedule is a pure function of the step, so setting its count restores it exactly.
        if (_schedule is not null) _schedule.StepCount = _optimizer.StepCount;
        return state.Epoch;
    }

    /// <summary>
    /// Scales every gradient of <paramref name="store"/> by <c>limit / (‖g‖₂ + 1e-6)</c> when the global norm ‖g‖₂
    /// exceeds <paramref name="limit"/> (PyTorch's <c>clip_grad_norm_</c>) and returns the norm before clipping.
    /// </summary>
    /// <exception cref="TrainingDivergedException">A gradient holds NaN or ±∞; the message names the parameter, the
    /// element, the epoch and the step.</exception>
    internal static double ClipGradients(ParameterStore store, double limit, int epoch, int step, double lr, bool checkpoints)
    {
        var grads = store.Grads;
        // The float sum of squares is vectorised; it is only trusted when finite. Otherwise either an element is not
        // finite (an error) or the float sum overflowed, and the norm is recomputed in double.
        double sum = TensorPrimitives.SumOfSquares((ReadOnlySpan<float>)grads);
        if (!double.IsFinite(sum))
        {
            ThrowIfNotFinite(store, epoch, step, lr, checkpoints);
            sum = 0;
            foreach (float g in grads) sum += (double)g * g;
        }
        double norm = Math.Sqrt(sum);
        if (norm > limit) TensorPrimitives.Multiply(grads, (float)(limit / (norm + 1e-6)), grads);
        return norm;
    }

    static void ThrowIfNotFinite(ParameterStore store, int epoch, int step, double lr, bool checkpoints)
    {
        var grads = store.Grads;
        for (int p = 0; p < store.Parameters.Count; p++)
        {
            var t = store.Parameters[p];
            int offset = store.OffsetOf(p);
            var g = grads.Slice(offset, (int)t.Size);
            for (int i = 0; i < g.Length; i++)
            {
                if (float.IsFinite(g[i])) continue;
                throw new TrainingDivergedException(
                    $"Training diverged: the gradient of parameter '{t.Name}' {t.Shape} holds {g[i]} at element {i} at epoch {epoch}, " +
                    $"step {step} (learning rate {lr:G4}); the loss was finite. The optimizer step was not taken and nothing was saved " +
                    "for this epoch" + (epoch > 1 && checkpoints ? $"; the checkpoint of epoch {epoch - 1} is intact (--resume continues from it)" : "") +
                    ". Try a lower learning rate (--lr) or a smaller --clip-grad-norm.")
                { Epoch = epoch, Step = step, Value = g[i] };
            }
        }
    }

    /// <summary>Batches per epoch for <paramref name="samples"/> training samples (the last partial batch is kept).</summary>
    public static int StepsPerEpoch(int samples, int batchSize) => (samples + batchSize - 1) / batchSize;

    void CheckParametersFinite(int epoch)
    {
        CheckFinite(_store.Parameters, "parameter", epoch);
        CheckFinite(_store.Buffers, "buffer", epoch);   // batch-norm running statistics
    }

    static void CheckFinite(IReadOnlyList<Tensor> tensors, string kind, int epoch)
    {
        foreach (var t in tensors)
        {
            var values = t.Span;
            for (int i = 0; i < values.Length; i++)
            {
                if (float.IsFinite(values[i])) continue;
                throw new TrainingDivergedException(
                    $"Training diverged: {kind} '{t.Name}' {t.Shape} holds {values[i]} at element {i} after epoch {epoch}. " +
                    "The checkpoint of this epoch was not written; earlier ones are intact. Try a lower learning rate (--lr).")
                { Epoch = epoch, Step = 0, Value = values[i] };
            }
        }
    }

    static void CheckCompatible(LabeledImageSet train, LabeledImageSet test)
    {
        if (train.Count == 0) throw new ArgumentException($"The training set '{train.Name}' is empty.", nameof(train));
        if (train.Height != test.Height || train.Width != test.Width || train.Classes != test.Classes)
            throw new ArgumentException(
                $"The training set '{train.Name}' ({train.Height}x{train.Width}, {train.Classes} classes) and the test set " +
                $"'{test.Name}' ({test.Height}x{test.Width}, {test.Classes} classes) do not match.", nameof(test));
    }
}
