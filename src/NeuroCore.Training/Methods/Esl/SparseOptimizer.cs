using NeuroCore.Nn;
using NeuroCore.Snn;

namespace NeuroCore.Training.Methods.Esl;

/// <summary>
/// Wraps an optimizer so that a network with sparse synapses trains through the ordinary <see cref="Trainer"/>:
/// each <see cref="Step"/> masks the sparse layers' gradients, runs the inner step, re-applies the masks, and, when
/// a <see cref="RewireSchedule"/> is given and the step is due, prunes and regrows every sparse layer, moving the
/// optimizer's per-weight state with the surviving synapses and resetting it at changed ones.
/// </summary>
/// <remarks>
/// Without a schedule this is the static sparse arm (the Erdős–Rényi pattern is kept). For <see cref="GrowRule.Gradient"/>
/// the dense ∂L/∂W is taken on a rewiring step only, from the batch just back-propagated, before the gradient is masked.
/// The random growth of step i of layer l draws from Philox (seed, i·64 + l).
/// <para>
/// <b>Checkpoints.</b> The store carries everything a resumed run needs, so the trainer's ordinary checkpoint is enough:
/// the patterns of the CSR layers (their <see cref="CsrPatternBuffer"/>s, captured after every rewire), and with a
/// schedule the buffers "rewiring.schedule" (T_iter, ζ₀, decay, stop fraction, I, prune and growth rules) and
/// "rewiring.events" (one row per rewiring step: iteration, ζ, then per layer the synapses moved and the nnz). The
/// position in the schedule is the inner optimizer's step count, and the random stream of a step is a function of it.
/// <see cref="LoadState"/> (which <see cref="Checkpoints.Checkpoint.Load"/> calls after the store is loaded) checks the
/// schedule against this run's, restores the patterns and the event history, and refuses a corrupt or mismatched one
/// with a message that names it.
/// </para>
/// </remarks>
public sealed class SparseOptimizer : IOptimizer, IDisposable
{
    readonly IOptimizer _inner;
    readonly ParameterStore _store;
    readonly ISparseSynapse[] _layers;
    readonly List<RewireEvent> _events = [];
    readonly CsrPatternBuffer[] _patterns;
    readonly Tensor? _scheduleBuffer, _eventBuffer;

    /// <summary>The store buffer of the schedule a run was started with.</summary>
    public const string ScheduleBufferName = "rewiring.schedule";

    /// <summary>The store buffer of the rewiring history.</summary>
    public const string EventBufferName = "rewiring.events";

    /// <summary>Wraps <paramref name="inner"/> (over <paramref name="store"/>) for <paramref name="layers"/>.</summary>
    /// <param name="inner">The optimizer that updates every parameter.</param>
    /// <param name="store">The store of the inner optimizer.</param>
    /// <param name="layers">The sparse synapses (their values must be parameters of <paramref name="store"/>).</param>
    /// <param name="schedule">The rewiring schedule, or null for a static pattern.</param>
    /// <param name="prune">The pruning rule.</param>
    /// <param name="grow">The growth rule.</param>
    /// <param name="seed">Seed of the random growth.</param>
    /// <param name="patterns">The pattern buffers of the CSR layers, captured after every rewire and restored by <see cref="LoadState"/>.</param>
    public SparseOptimizer(IOptimizer inner, ParameterStore store, IReadOnlyList<ISparseSynapse> layers, RewireSchedule? schedule,
        PruneRule prune = PruneRule.Magnitude, GrowRule grow = GrowRule.Random, ulong seed = 1, IReadOnlyList<CsrPatternBuffer>? patterns = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(layers);
        schedule?.Validate();
        _inner = inner;
        _store = store;
        _layers = [.. layers];
        foreach (var l in _layers)
        {
            if (!store.Parameters.Contains(l.Values))
                throw new ArgumentException($"SparseOptimizer: the values of sparse layer '{l.Name}' are not a parameter of the store; build the layer on the same store.", nameof(layers));
        }
        Schedule = schedule;
        Prune = prune;
        Grow = grow;
        Seed = seed;
        _patterns = patterns is null ? [] : [.. patterns];
        if (schedule is not null)
        {
            _scheduleBuffer = store.AddBuffer(ScheduleBufferName, new Shape(ScheduleFields));
            ScheduleRecord().CopyTo(_scheduleBuffer.Span);
            int capacity = Enumerable.Range(1, schedule.TotalIterations).Count(schedule.IsRewireStep);
            _eventBuffer = store.AddBuffer(EventBufferName, new Shape(Math.Max(1, capacity), 2 + (2 * _layers.Length)));
        }
    }

    const int ScheduleFields = 8;

    /// <summary>The schedule as the floats of "rewiring.schedule".</summary>
    float[] ScheduleRecord() =>
        [Schedule!.Every, Schedule.Zeta, (float)Schedule.Decay, (float)Schedule.StopFraction, Schedule.TotalIterations, (float)Prune, (float)Grow, _layers.Length];

    /// <summary>The rewiring schedule (null: static).</summary>
    public RewireSchedule? Schedule { get; }

    /// <summary>The pruning rule.</summary>
    public PruneRule Prune { get; }

    /// <summary>The growth rule.</summary>
    public GrowRule Grow { get; }

    /// <summary>The growth seed.</summary>
    public ulong Seed { get; }

    /// <summary>The sparse layers.</summary>
    public IReadOnlyList<ISparseSynapse> Layers => _layers;

    /// <summary>Every rewiring step so far.</summary>
    public IReadOnlyList<RewireEvent> Events => _events;

    /// <inheritdoc/>
    public string Kind => _inner.Kind;

    /// <inheritdoc/>
    public float LearningRate
    {
        get => _inner.LearningRate;
        set => _inner.LearningRate = value;
    }

    /// <inheritdoc/>
    public int StepCount => _inner.StepCount;

    /// <inheritdoc/>
    public void Step()
    {
        int iteration = _inner.StepCount + 1;
        bool rewire = Schedule is not null && Schedule.IsRewireStep(iteration);
        float[][]? dense = null;
        if (rewire && Grow == GrowRule.Gradient)
        {
            dense = new float[_layers.Length][];
            for (int l = 0; l < _layers.Length; l++)
            {
                dense[l] = new float[_layers[l].Positions];
                _layers[l].DenseGradient(dense[l]);
            }
        }
        foreach (var l in _layers) l.MaskGradient();
        _inner.Step();
        foreach (var l in _layers) l.ApplyMask();
        if (rewire) RewireNow(iteration, Schedule!.ZetaAt(iteration), dense);
    }

    /// <summary>Rewires every sparse layer now with fraction <paramref name="zeta"/> and records the event.</summary>
    /// <param name="iteration">The iteration recorded (and the random stream).</param>
    /// <param name="zeta">The rewired fraction.</param>
    /// <param name="denseGradients">Per layer the dense gradient (for gradient growth), else null.</param>
    public RewireEvent RewireNow(int iteration, float zeta, float[][]? denseGradients = null)
    {
        if (Grow == GrowRule.Gradient && denseGradients is null)
            throw new InvalidOperationException("SparseOptimizer: gradient growth needs the dense gradients of the last backward; pass them (ISparseSynapse.DenseGradient).");
        var moved = new int[_layers.Length];
        var nnz = new int[_layers.Length];
        OptimizerState? state = null;
        for (int l = 0; l < _layers.Length; l++)
        {
            var layer = _layers[l];
            int before = layer.Nnz;
            var result = layer.Rewire(zeta, Prune, Grow, Seed, ((ulong)iteration * 64) + (ulong)l, denseGradients is null ? default : denseGradients[l]);
            if (result.Nnz != before)
                throw new InvalidOperationException($"SparseOptimizer: layer '{layer.Name}' changed its nnz from {before} to {result.Nnz} while rewiring; the budget must be constant.");
            state ??= _inner.SaveState();
            Remap(state, layer, result.SlotSource);
            moved[l] = result.Pruned;
            nnz[l] = result.Nnz;
        }
        if (state is not null) _inner.LoadState(state);
        foreach (var p in _patterns) p.Capture();
        var e = new RewireEvent(iteration, zeta, moved, nnz);
        _events.Add(e);
        if (_eventBuffer is not null && _events.Count <= _eventBuffer.Shape[0])
        {
            var row = _eventBuffer.Span.Slice((_events.Count - 1) * _eventBuffer.Shape[1], _eventBuffer.Shape[1]);
            row[0] = iteration;
            row[1] = zeta;
            for (int l = 0; l < _layers.Length; l++)
            {
                row[2 + l] = moved[l];
                row[2 + _layers.Length + l] = nnz[l];
            }
        }
        return e;
    }

    /// <summary>Moves the optimizer's per-weight buffers of <paramref name="layer"/> with its synapses; −1 entries restart at 0.</summary>
    void Remap(OptimizerState state, ISparseSynapse layer, int[] source)
    {
        int index = -1;
        for (int i = 0; i < _store.Parameters.Count; i++)
            if (ReferenceEquals(_store.Parameters[i], layer.Values)) index = i;
        int offset = _store.OffsetOf(index), length = layer.Values.Size;
        if (source.Length != length)
            throw new InvalidOperationException($"SparseOptimizer: layer '{layer.Name}' returned {source.Length} slot sources for {length} values.");
        var old = new float[length];
        foreach (var buffer in state.Buffers.Values)
        {
            var slice = buffer.AsSpan(offset, length);
            slice.CopyTo(old);
            for (int k = 0; k < length; k++) slice[k] = source[k] < 0 ? 0f : old[source[k]];
        }
    }

    /// <summary>
    /// Checks, before anything is loaded, that the checkpoint at <paramref name="path"/> was written by a run with this
    /// optimizer's schedule and rules (for a clear message naming the option, where the store's shape check would only
    /// name a buffer).
    /// </summary>
    /// <exception cref="InvalidOperationException">The checkpoint's schedule differs, or it has none while this run rewires (or the reverse).</exception>
    public void CheckCheckpoint(string path)
    {
        var file = Checkpoints.Safetensors.Read(path);
        bool has = file.TryGet(ScheduleBufferName, out var record);
        string name = Path.GetFileName(path);
        if (has != (Schedule is not null))
            throw new InvalidOperationException(has
                ? $"ESL resume: '{name}' was written by a rewiring (esl) run, this run keeps its pattern fixed; resume with the arm that wrote it."
                : $"ESL resume: '{name}' holds no rewiring schedule (it was written by a dense or static run, or before rewiring was checkpointed); resume with the arm that wrote it, or start afresh.");
        if (has)
        {
            if (record.Shape != new Shape(ScheduleFields))
                throw new InvalidOperationException($"ESL resume: '{name}' stores '{ScheduleBufferName}' with shape {record.Shape}; expected [{ScheduleFields}].");
            CheckSchedule(record.Data.Span, $"'{name}'");
        }
    }

    void CheckSchedule(ReadOnlySpan<float> saved, string what)
    {
        var mine = ScheduleRecord();
        string[] names = ["--rewire-every", "--zeta", "--zeta-schedule", "--rewire-stop", "the run's iterations (epochs × batches)", "--prune", "--regrow", "the sparse layers"];
        for (int i = 0; i < ScheduleFields; i++)
            if (saved[i] != mine[i])
                throw new InvalidOperationException(
                    $"ESL resume: {what} was written with {names[i]} = {saved[i]}, this run has {mine[i]}; resume with the options of the run that wrote it.");
    }

    /// <inheritdoc/>
    public OptimizerState SaveState() => _inner.SaveState();

    /// <summary>
    /// Loads the inner optimizer's state, then the rewiring position from the store (loaded just before by
    /// <see cref="Checkpoints.Checkpoint.Load"/>): checks that the checkpoint's schedule is this run's, rebuilds
    /// <see cref="Events"/> and moves every CSR pattern to its saved connections.
    /// </summary>
    /// <exception cref="InvalidOperationException">The checkpoint was written with another schedule or rule.</exception>
    /// <exception cref="InvalidDataException">The rewiring history or a pattern in the store is corrupt.</exception>
    public void LoadState(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var events = Schedule is null ? [] : ReadEvents(state.StepCount);
        _inner.LoadState(state);
        foreach (var p in _patterns) p.Restore();
        _events.Clear();
        _events.AddRange(events);
    }

    /// <summary>The events in "rewiring.events", checked against the schedule up to <paramref name="steps"/>.</summary>
    List<RewireEvent> ReadEvents(int steps)
    {
        CheckSchedule(_scheduleBuffer!.Span, "the checkpoint");
        var events = new List<RewireEvent>();
        int width = _eventBuffer!.Shape[1], layers = _layers.Length;
        var due = Enumerable.Range(1, steps).Where(Schedule!.IsRewireStep).ToArray();
        var b = _eventBuffer.Span;
        for (int r = 0; r < _eventBuffer.Shape[0]; r++)
        {
            var row = b.Slice(r * width, width);
            if (row[0] == 0f) break;
            var moved = new int[layers];
            var nnz = new int[layers];
            for (int l = 0; l < layers; l++)
            {
                moved[l] = (int)row[2 + l];
                nnz[l] = (int)row[2 + layers + l];
            }
            events.Add(new RewireEvent((int)row[0], row[1], moved, nnz));
        }
        if (!events.Select(e => e.Iteration).SequenceEqual(due))
            throw new InvalidDataException(
                $"ESL resume: '{EventBufferName}' lists rewiring steps at iterations [{string.Join(", ", events.Select(e => e.Iteration))}], but after {steps} steps the schedule rewired at [{string.Join(", ", due)}]; the checkpoint is corrupt (resume from an earlier one or start afresh).");
        return events;
    }

    /// <summary>Disposes the inner optimizer when it is disposable.</summary>
    public void Dispose() => (_inner as IDisposable)?.Dispose();
}
