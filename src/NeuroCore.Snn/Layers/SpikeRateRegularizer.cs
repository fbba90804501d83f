using NeuroCore.Autodiff;

namespace NeuroCore.Snn;

/// <summary>
/// The spike-rate regulariser: effectively computes <c>λ·Σ_layers (mean(S_l) − r*)²</c> on the tape, where mean(S_l) is
/// layer l's spikes averaged over time, batch and neurons and r* the target rate. Added to the loss, it pulls each
/// layer's firing rate towards r* (too silent layers pass no gradient, too busy ones cost synops).
/// </summary>
public static class SpikeRateRegularizer
{
    /// <summary>The regularisation term for the spike tensors of one forward; null when there are none.</summary>
    /// <exception cref="ArgumentOutOfRangeException">λ is negative or not finite, or the target is outside [0, 1].</exception>
    public static Tensor? Loss(Tape tape, IReadOnlyList<Tensor> spikes, float lambda, float target)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(spikes);
        if (!(lambda >= 0f) || !float.IsFinite(lambda))
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "SpikeRateRegularizer: λ must be finite and ≥ 0.");
        if (!(target >= 0f && target <= 1f))
            throw new ArgumentOutOfRangeException(nameof(target), target, "SpikeRateRegularizer: the target rate must lie in [0, 1].");
        if (spikes.Count == 0) return null;
        var r = tape.Allocate(Shape.Scalar);
        r.Span[0] = target;
        Tensor? sum = null;
        for (int i = 0; i < spikes.Count; i++)   // indexing, not foreach: an interface enumerator is a heap object per step
        {
            var d = Ops.Sub(tape, Ops.Mean(tape, spikes[i]), r);
            var sq = Ops.Mul(tape, d, d);
            sum = sum is null ? sq : Ops.Add(tape, sum, sq);
        }
        var l = tape.Allocate(Shape.Scalar);
        l.Span[0] = lambda;
        return Ops.Mul(tape, sum!, l);
    }
}
