using System.Buffers;
using NeuroCore.Kernels;

namespace NeuroCore.Nn;

/// <summary>
/// Adam (Kingma &amp; Ba, 2015) with PyTorch's <c>torch.optim.Adam</c> semantics, and, with
/// <see cref="Decoupled"/>, AdamW (Loshchilov &amp; Hutter, 2019). Effectively computes, per element at step t,
/// <c>m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; p ← p − η·(m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε)</c>, where the weight decay λ
/// is either added to the gradient (Adam: <c>g ← g + λp</c>) or applied to the weights (AdamW: <c>p ← p(1 − ηλ)</c>).
/// One fused pass over the store's flat spans.
/// </summary>
public class Adam : IOptimizer, IDisposable
{
    readonly ParameterStore _store;
    readonly float[] _m;
    readonly float[] _v;
    readonly int _count;
    bool _disposed;

    /// <summary>Creates Adam over every parameter in <paramref name="store"/> (build the model first).</summary>
    public Adam(ParameterStore store, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f, float weightDecay = 0f)
        : this(store, learningRate, beta1, beta2, eps, weightDecay, decoupled: false)
    {
    }

    private protected Adam(ParameterStore store, float learningRate, float beta1, float beta2, float eps, float weightDecay, bool decoupled)
    {
        ArgumentNullException.ThrowIfNull(store);
        string name = decoupled ? "AdamW" : "Adam";
        OptimizerChecks.NonNegative(learningRate, nameof(learningRate), name);
        OptimizerChecks.Beta(beta1, nameof(beta1), name);
        OptimizerChecks.Beta(beta2, nameof(beta2), name);
        OptimizerChecks.NonNegative(eps, nameof(eps), name);
        OptimizerChecks.NonNegative(weightDecay, nameof(weightDecay), name);
        _store = store;
        // The moments come from the shared array pool and go back on Dispose, so an optimizer made per run (or per
        // benchmark step) reuses the last one's memory instead of leaving 2 × 4 bytes per parameter to the GC.
        _count = store.Count;
        _m = RentZeroed(_count);
        _v = RentZeroed(_count);
        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        WeightDecay = weightDecay;
        Decoupled = decoupled;
    }

    /// <inheritdoc/>
    public string Kind => Decoupled ? "adamw" : "adam";

    /// <inheritdoc/>
    public float LearningRate { get; set; }

    /// <summary>The first-moment decay β₁.</summary>
    public float Beta1 { get; }

    /// <summary>The second-moment decay β₂.</summary>
    public float Beta2 { get; }

    /// <summary>The denominator term ε.</summary>
    public float Eps { get; }

    /// <summary>The weight decay λ.</summary>
    public float WeightDecay { get; }

    /// <summary>True for AdamW's decoupled decay, false for Adam's L2 decay.</summary>
    public bool Decoupled { get; }

    /// <inheritdoc/>
    public int StepCount { get; private set; }

    /// <summary>
    /// Threads the update runs on, 1 (the default) to <see cref="Kernels.Parallel.FixedPartition.MaxThreads"/>; usually
    /// the tape's thread count. The update is elementwise, so the result is bitwise the same for any value.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1 or above the maximum.</exception>
    public int Threads
    {
        get => _threads;
        set
        {
            if (value < 1 || value > Kernels.Parallel.FixedPartition.MaxThreads)
                throw new ArgumentOutOfRangeException(nameof(value), value,
                    $"{(Decoupled ? "AdamW" : "Adam")}.Threads must be between 1 and {Kernels.Parallel.FixedPartition.MaxThreads}; got {value}.");
            _threads = value;
        }
    }

    int _threads = 1;

    /// <inheritdoc/>
    public void Step()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        OptimizerChecks.StoreUnchanged(_store, _count, Kind);
        int step = StepCount + 1;
        if (Decoupled) Optim.AdamW(_store.Values, _store.Grads, _m.AsSpan(0, _count), _v.AsSpan(0, _count), LearningRate, Beta1, Beta2, Eps, WeightDecay, step, _threads);
        else Optim.Adam(_store.Values, _store.Grads, _m.AsSpan(0, _count), _v.AsSpan(0, _count), LearningRate, Beta1, Beta2, Eps, WeightDecay, step, _threads);
        StepCount = step;
    }

    /// <inheritdoc/>
    public OptimizerState SaveState()
    {
        var state = new OptimizerState(Kind, StepCount, LearningRate);
        ObjectDisposedException.ThrowIf(_disposed, this);
        state.Buffers["exp_avg"] = _m.AsSpan(0, _count).ToArray();
        state.Buffers["exp_avg_sq"] = _v.AsSpan(0, _count).ToArray();
        return state;
    }

    /// <inheritdoc/>
    public void LoadState(OptimizerState state)
    {
        OptimizerChecks.KindMatches(state, Kind);
        ObjectDisposedException.ThrowIf(_disposed, this);
        float[] m = state.Require("exp_avg", _count);
        float[] v = state.Require("exp_avg_sq", _count);
        m.CopyTo(_m, 0);
        v.CopyTo(_v, 0);
        StepCount = state.StepCount;
        LearningRate = state.LearningRate;
    }

    /// <summary>Returns the moment buffers to the shared pool; the optimizer cannot be used afterwards.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the moment buffers when <paramref name="disposing"/> (once).</summary>
    /// <param name="disposing">True from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (_disposed) return;
        _disposed = true;
        if (!disposing) return;
        ArrayPool<float>.Shared.Return(_m);
        ArrayPool<float>.Shared.Return(_v);
    }

    /// <summary>A pooled array whose first <paramref name="count"/> elements are zero and written now (see <see cref="OptimizerChecks.TouchedZeros"/>).</summary>
    static float[] RentZeroed(int count)
    {
        var a = ArrayPool<float>.Shared.Rent(count);
        a.AsSpan(0, count).Clear();
        return a;
    }
}
