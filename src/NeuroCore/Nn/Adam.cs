using NeuroCore.Kernels;

namespace NeuroCore.Nn;

/// <summary>
/// Adam (Kingma &amp; Ba, 2015) with PyTorch's <c>torch.optim.Adam</c> semantics, and, with
/// <see cref="Decoupled"/>, AdamW (Loshchilov &amp; Hutter, 2019). Effectively computes, per element at step t,
/// <c>m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; p ← p − η·(m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε)</c>, where the weight decay λ
/// is either added to the gradient (Adam: <c>g ← g + λp</c>) or applied to the weights (AdamW: <c>p ← p(1 − ηλ)</c>).
/// One fused pass over the store's flat spans.
/// </summary>
public class Adam : IOptimizer
{
    readonly ParameterStore _store;
    readonly float[] _m;
    readonly float[] _v;

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
        _m = OptimizerChecks.TouchedZeros(store.Count);
        _v = OptimizerChecks.TouchedZeros(store.Count);
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

    /// <inheritdoc/>
    public void Step()
    {
        OptimizerChecks.StoreUnchanged(_store, _m.Length, Kind);
        int step = StepCount + 1;
        if (Decoupled) Optim.AdamW(_store.Values, _store.Grads, _m, _v, LearningRate, Beta1, Beta2, Eps, WeightDecay, step);
        else Optim.Adam(_store.Values, _store.Grads, _m, _v, LearningRate, Beta1, Beta2, Eps, WeightDecay, step);
        StepCount = step;
    }

    /// <inheritdoc/>
    public OptimizerState SaveState()
    {
        var state = new OptimizerState(Kind, StepCount, LearningRate);
        state.Buffers["exp_avg"] = (float[])_m.Clone();
        state.Buffers["exp_avg_sq"] = (float[])_v.Clone();
        return state;
    }

    /// <inheritdoc/>
    public void LoadState(OptimizerState state)
    {
        OptimizerChecks.KindMatches(state, Kind);
        float[] m = state.Require("exp_avg", _m.Length);
        float[] v = state.Require("exp_avg_sq", _v.Length);
        m.CopyTo(_m, 0);
        v.CopyTo(_v, 0);
        StepCount = state.StepCount;
        LearningRate = state.LearningRate;
    }
}
