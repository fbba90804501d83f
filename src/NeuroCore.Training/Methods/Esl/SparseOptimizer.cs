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
/// </remarks>
public sealed class SparseOptimizer : IOptimizer, IDisposable
{
    readonly IOptimizer _inner;
    readonly ParameterStore _store;
    readonly ISparseSynapse[] _layers;
    readonly List<RewireEvent> _events = [];

    /// <summary>Wraps <paramref name="inner"/> (over <paramref name="store"/>) for <paramref name="layers"/>.</summary>
    /// <param name="inner">The optimizer that updates every parameter.</param>
    /// <param name="store">The store of the inner optimizer.</param>
    /// <param name="layers">The sparse synapses (their values must be parameters of <paramref name="store"/>).</param>
    /// <param name="schedule">The rewiring schedule, or null for a static pattern.</param>
    /// <param name="prune">The pruning rule.</param>
    /// <param name="grow">The growth rule.</param>
    /// <param name="seed">Seed of the random growth.</param>
    public SparseOptimizer(IOptimizer inner, ParameterStore store, IReadOnlyList<ISparseSynapse> layers, RewireSchedule? schedule,
        PruneRule prune = PruneRule.Magnitude, GrowRule grow = GrowRule.Random, ulong seed = 1)
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
    }

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
        var e = new RewireEvent(iteration, zeta, moved, nnz);
        _events.Add(e);
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

    /// <inheritdoc/>
    public OptimizerState SaveState() => _inner.SaveState();

    /// <inheritdoc/>
    public void LoadState(OptimizerState state) => _inner.LoadState(state);

    /// <summary>Disposes the inner optimizer when it is disposable.</summary>
    public void Dispose() => (_inner as IDisposable)?.Dispose();
}
