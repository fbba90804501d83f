using NeuroCore.Kernels;

namespace NeuroCore.Nn;

/// <summary>
/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight decay, with
/// PyTorch's <c>torch.optim.SGD</c> semantics. Effectively computes, per element,
/// <c>g ← g + λp; b ← g (first step) or μb + (1−τ)g; d ← nesterov ? g + μb : b; p ← p − η·d</c>,
/// in one fused pass over the store's flat spans.
/// </summary>
public sealed class Sgd : IOptimizer
{
    readonly ParameterStore _store;
    readonly float[] _velocity;

    /// <summary>Creates the optimizer over every parameter in <paramref name="store"/> (build the model first).</summary>
    public Sgd(ParameterStore store, float learningRate, float momentum = 0f, float dampening = 0f, float weightDecay = 0f, bool nesterov = false)
    {
        ArgumentNullException.ThrowIfNull(store);
        OptimizerChecks.NonNegative(learningRate, nameof(learningRate), "Sgd");
        OptimizerChecks.NonNegative(momentum, nameof(momentum), "Sgd");
        OptimizerChecks.NonNegative(weightDecay, nameof(weightDecay), "Sgd");
        if (nesterov && (momentum <= 0f || dampening != 0f))
            throw new ArgumentException($"Sgd: Nesterov momentum needs momentum > 0 and dampening = 0 (got momentum {momentum}, dampening {dampening}).", nameof(nesterov));
        _store = store;
        _velocity = OptimizerChecks.TouchedZeros(store.Count);
        LearningRate = learningRate;
        Momentum = momentum;
        Dampening = dampening;
        WeightDecay = weightDecay;
        Nesterov = nesterov;
    }

    /// <inheritdoc/>
    public string Kind => "sgd";

    /// <inheritdoc/>
    public float LearningRate { get; set; }

    /// <summary>The momentum factor μ (0 disables momentum).</summary>
    public float Momentum { get; }

    /// <summary>The dampening τ applied to new gradients in the momentum buffer.</summary>
    public float Dampening { get; }

    /// <summary>The L2 penalty λ added to the gradient.</summary>
    public float WeightDecay { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    public int StepCount { get; private set; }

    /// <inheritdoc/>
    public void Step()
    {
        OptimizerChecks.StoreUnchanged(_store, _velocity.Length, Kind);
        Optim.SgdMomentum(_store.Values, _store.Grads, _velocity, LearningRate, Momentum, Dampening, WeightDecay, Nesterov, firstStep: StepCount == 0);
        StepCount++;
    }

    /// <inheritdoc/>
    public OptimizerState SaveState()
    {
        var state = new OptimizerState(Kind, StepCount, LearningRate);
        state.Buffers["momentum_buffer"] = (float[])_velocity.Clone();
        return state;
    }

    /// <inheritdoc/>
    public void LoadState(OptimizerState state)
    {
        OptimizerChecks.KindMatches(state, Kind);
        state.Require("momentum_buffer", _velocity.Length).CopyTo(_velocity, 0);
        StepCount = state.StepCount;
        LearningRate = state.LearningRate;
    }
}
