using NeuroCore.Autodiff;
using NeuroCore.Data;

namespace NeuroCore.Training.Methods.CeLif;

/// <summary>
/// The gradient-flow diagnostic: ‖∂L/∂I_t‖ against t, where I_t [B, hidden] is the first hidden layer's input current
/// at step t and L the mean cross-entropy of one batch, read from the tape after one backward pass. A curve that
/// falls steeply towards small t means early inputs get little credit (the vanishing gradient through time the
/// CE-LIF paper addresses).
/// </summary>
public static class GradientFlow
{
    /// <summary>
    /// Runs the first <paramref name="batchSize"/> sequences of <paramref name="set"/> forward and backward (training
    /// mode, no optimizer step; the parameter gradients are zeroed before and after) and returns T values:
    /// entry t is the Frobenius norm of ∂L/∂I_t over the batch and the neurons.
    /// </summary>
    /// <exception cref="ArgumentException">The set does not fit the model.</exception>
    public static double[] Measure(SequenceClassifier model, ParameterStore store, SequenceSet set, int batchSize = 64, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(set);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (set.Steps != model.Steps || set.Features != model.Options.Features)
            throw new ArgumentException(
                $"GradientFlow.Measure: the set '{set.Samples.Name}' has T = {set.Steps}, F = {set.Features} but the model takes T = {model.Steps}, F = {model.Options.Features}.",
                nameof(set));
        int batch = Math.Min(batchSize, set.Count), steps = set.Steps, size = steps * set.Features;
        bool wasTraining = model.Training;
        model.Training = true;
        using var tape = new Tape(recording: true, threads: threads);
        using var x = Tensor.From(set.Samples.Pixels.AsSpan(0, batch * size), new Shape(batch, size));
        var labels = new int[batch];
        for (int i = 0; i < batch; i++) labels[i] = set.Samples.Labels[i];
        store.ZeroGrad();
        try
        {
            var loss = Ops.CrossEntropy(tape, model.Forward(tape, x), labels);
            tape.Backward(loss);
            var grad = tape.GradOf(model.FirstLayerCurrent!)
                ?? throw new InvalidOperationException("GradientFlow.Measure: the tape holds no gradient for the first layer's current.");
            var g = grad.Span;
            int row = g.Length / steps;
            var norms = new double[steps];
            for (int t = 0; t < steps; t++)
            {
                double sum = 0;
                foreach (float v in g.Slice(t * row, row)) sum += (double)v * v;
                norms[t] = Math.Sqrt(sum);
            }
            return norms;
        }
        finally
        {
            store.ZeroGrad();
            model.ResetStatistics();
            model.Training = wasTraining;
        }
    }

    /// <summary>
    /// ‖∂L/∂I_first‖ / ‖∂L/∂I_last‖ over the steps that carry any gradient (methods-1 §3.4's ratio): near 1 when early
    /// steps get as much credit as late ones, far below 1 when the gradient vanishes going back in time. Null when
    /// no step carries a gradient.
    /// </summary>
    public static double? FirstToLastRatio(IReadOnlyList<double> norms)
    {
        ArgumentNullException.ThrowIfNull(norms);
        int last = norms.Count - 1;
        while (last >= 0 && norms[last] == 0) last--;
        if (last < 0) return null;
        return norms[0] / norms[last];
    }
}
