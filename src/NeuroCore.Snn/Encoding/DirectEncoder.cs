using NeuroCore.Autodiff;

namespace NeuroCore.Snn;

/// <summary>
/// Direct (current-injection) coding: the analogue input is fed unchanged at every step, the usual first layer of
/// SpikingJelly's conv SNNs. Effectively computes <c>y[t·B + b, ...] = x[b, ...]</c> for t &lt; T.
/// </summary>
public static class DirectEncoder
{
    /// <summary>Repeats a batch [B, ...] T times into [T·B, ...] (differentiable: the gradient sums over t).</summary>
    public static Tensor Encode(Tape tape, Tensor x, int steps) => RepeatOverTime.Forward(tape, x, steps, "DirectEncoder");
}
