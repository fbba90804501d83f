using System.Numerics.Tensors;
using NeuroCore.Autodiff;

namespace NeuroCore;

public static partial class Ops
{
    /// <summary>
    /// Mean cross-entropy of <paramref name="logits"/> <c>[B, C]</c> against integer <paramref name="labels"/>
    /// (each in 0..C−1), with the log-softmax fused in: <c>L = (1/B) Σ_b (ln Σ_c e^x[b,c] − x[b, label_b])</c>.
    /// Returns a scalar.
    /// </summary>
    public static Tensor CrossEntropy(Tape tape, Tensor logits, ReadOnlySpan<int> labels)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(logits);
        if (logits.Shape.Rank != 2 || logits.Shape[0] != labels.Length)
            throw new ArgumentException(
                $"Ops.CrossEntropy: logits {logits.Shape} and labels [{labels.Length}] do not match; expected logits [B, C] with B = the number of labels.",
                nameof(logits));
        int rows = logits.Shape[0], classes = logits.Shape[1];
        for (int i = 0; i < rows; i++)
        {
            if ((uint)labels[i] >= (uint)classes)
                throw new ArgumentOutOfRangeException(nameof(labels),
                    $"Ops.CrossEntropy: label {labels[i]} at index {i} is outside 0..{classes - 1} for logits {logits.Shape} with {classes} classes.");
        }
        bool record = tape.ShouldRecord(logits);
        // Log-probabilities; kept for backward, where softmax = e^logp.
        var logp = tape.Allocate(logits.Shape);
        Kernels.Softmax.LogForward(logits.Span, rows, classes, logp.Span);
        double total = 0;
        for (int i = 0; i < rows; i++) total -= logp.Span[(i * classes) + labels[i]];
        var loss = tape.Allocate(Shape.Scalar);
        loss.Span[0] = rows == 0 ? 0f : (float)(total / rows);
        if (record)
        {
            var saved = tape.AllocateInts(rows);
            labels.CopyTo(saved);
            tape.Record(new TapeEntry { Op = OpCode.CrossEntropy, Output = loss, A = logits, Saved0 = logp, Ints = saved });
        }
        return loss;
    }

    /// <summary>Backward of <see cref="CrossEntropy"/>: <c>dx[b,c] = g·(softmax(x)[b,c] − [c = label_b]) / B</c>.</summary>
    internal static void CrossEntropyBackward(Tape tape, in TapeEntry e)
    {
        var x = e.A!;
        if (!tape.NeedsGrad(x)) return;
        int rows = x.Shape[0], classes = x.Shape[1];
        float scale = tape.GradOf(e.Output)!.Span[0] / rows;
        var labels = e.Ints!;
        var w = tape.BeginGrad(x);
        TensorPrimitives.Exp(e.Saved0!.Span, w.Span);
        for (int i = 0; i < rows; i++) w.Span[i * classes + labels[i]] -= 1f;
        TensorPrimitives.Multiply(w.Span, scale, w.Span);
        w.Commit();
    }

    /// <summary>Mean squared error over all elements: <c>L = (1/N) Σ (x − target)²</c>; shapes must match. Returns a scalar.</summary>
    public static Tensor Mse(Tape tape, Tensor x, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(target);
        if (x.Shape != target.Shape)
            throw new ArgumentException($"Ops.Mse: input {x.Shape} and target {target.Shape} must have the same shape.", nameof(target));
        var diff = tape.Allocate(x.Shape);
        TensorPrimitives.Subtract(x.Span, target.Span, diff.Span);
        var loss = tape.Allocate(Shape.Scalar);
        loss.Span[0] = x.Size == 0 ? 0f : TensorPrimitives.Dot(diff.Span, diff.Span) / x.Size;
        if (tape.ShouldRecord(x, target))
            tape.Record(new TapeEntry { Op = OpCode.Mse, Output = loss, A = x, B = target, Saved0 = diff });
        return loss;
    }

    /// <summary>Backward of <see cref="Mse"/>: <c>dx = 2g(x − target)/N</c>, <c>dtarget = −dx</c>.</summary>
    internal static void MseBackward(Tape tape, in TapeEntry e)
    {
        var diff = e.Saved0!.Span;
        float scale = 2f * tape.GradOf(e.Output)!.Span[0] / diff.Length;
        if (tape.NeedsGrad(e.A))
        {
            var w = tape.BeginGrad(e.A!);
            TensorPrimitives.Multiply(diff, scale, w.Span);
            w.Commit();
        }
        if (tape.NeedsGrad(e.B))
        {
            var w = tape.BeginGrad(e.B!);
            TensorPrimitives.Multiply(diff, -scale, w.Span);
            w.Commit();
        }
    }

    /// <summary>
    /// Hinton knowledge-distillation loss: <c>L = τ² · (1/B) Σ_b KL(softmax(t_b/τ) ‖ softmax(s_b/τ))</c> for
    /// <paramref name="studentLogits"/> s and <paramref name="teacherLogits"/> t, both <c>[B, C]</c>. The τ² factor
    /// keeps gradient magnitudes comparable across temperatures. No gradient flows to the teacher. Returns a scalar.
    /// </summary>
    public static Tensor KlDivergence(Tape tape, Tensor studentLogits, Tensor teacherLogits, float temperature)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(studentLogits);
        ArgumentNullException.ThrowIfNull(teacherLogits);
        if (studentLogits.Shape.Rank != 2 || studentLogits.Shape != teacherLogits.Shape)
            throw new ArgumentException(
                $"Ops.KlDivergence: student logits {studentLogits.Shape} and teacher logits {teacherLogits.Shape} must both be [B, C] and equal.",
                nameof(teacherLogits));
        if (!(temperature > 0f) || float.IsInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), $"Ops.KlDivergence: temperature must be positive and finite; got {temperature}.");
        int rows = studentLogits.Shape[0], classes = studentLogits.Shape[1];
        var logps = tape.Allocate(studentLogits.Shape);
        var logpt = tape.Allocate(studentLogits.Shape);
        float inv = 1f / temperature;
        TensorPrimitives.Multiply(studentLogits.Span, inv, logps.Span);
        TensorPrimitives.Multiply(teacherLogits.Span, inv, logpt.Span);
        Kernels.Softmax.LogForward(logps.Span, rows, classes, logps.Span);
        Kernels.Softmax.LogForward(logpt.Span, rows, classes, logpt.Span);
        double total = 0;
        var s = logps.Span;
        var t = logpt.Span;
        for (int i = 0; i < s.Length; i++) total += MathF.Exp(t[i]) * (double)(t[i] - s[i]);
        var loss = tape.Allocate(Shape.Scalar);
        loss.Span[0] = rows == 0 ? 0f : (float)(total * temperature * temperature / rows);
        if (tape.ShouldRecord(studentLogits))
        {
            tape.Record(new TapeEntry
            {
                Op = OpCode.KlDivergence, Output = loss, A = studentLogits, B = teacherLogits,
                Saved0 = logps, Saved1 = logpt, F0 = temperature,
            });
        }
        return loss;
    }

    /// <summary>Backward of <see cref="KlDivergence"/>: <c>ds = g·(τ/B)·(softmax(s/τ) − softmax(t/τ))</c>; the teacher gets nothing.</summary>
    internal static void KlDivergenceBackward(Tape tape, in TapeEntry e)
    {
        var s = e.A!;
        if (!tape.NeedsGrad(s)) return;
        int rows = s.Shape[0];
        float scale = tape.GradOf(e.Output)!.Span[0] * e.F0 / rows;
        var w = tape.BeginGrad(s);
        var ps = e.Saved0!.Span;
        var pt = e.Saved1!.Span;
        for (int i = 0; i < w.Span.Length; i++) w.Span[i] = scale * (MathF.Exp(ps[i]) - MathF.Exp(pt[i]));
        w.Commit();
    }
}
