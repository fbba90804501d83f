using NeuroCore.Autodiff;

namespace NeuroCore;

// Knowledge-distillation losses, composed from recorded ops (cross-entropy, KL with τ², MSE, pooling, reductions),
// so their gradients are those of the parts:
//   response: L = (1 − α)·CE(z_S, y) + α·τ²·KL(softmax(z_T/τ) ‖ softmax(z_S/τ))       (Hinton, Vinyals, Dean 2015)
//   feature:  L = ‖F_T − align(r(F̄_S))‖² / numel, F̄_S the time average of a spiking layer (FitNets, Romero et al. 2015)
public static partial class Ops
{
    /// <summary>
    /// Response-based distillation: <c>(1 − α)·CE(s, y) + α·τ²·(1/B) Σ_b KL(softmax(t_b/τ) ‖ softmax(s_b/τ))</c> for
    /// student logits s and teacher logits t, both [B, C]. The teacher gets no gradient. Returns a scalar.
    /// </summary>
    /// <param name="tape">The tape.</param>
    /// <param name="studentLogits">The student's logits [B, C] (for a spiking student, its time-averaged readout).</param>
    /// <param name="teacherLogits">The teacher's logits [B, C], a constant.</param>
    /// <param name="labels">The B class labels.</param>
    /// <param name="temperature">τ &gt; 0.</param>
    /// <param name="alpha">α ∈ [0, 1]: 0 is plain cross-entropy, 1 pure distillation.</param>
    /// <exception cref="ArgumentException">The shapes disagree or a weight is out of range.</exception>
    public static Tensor ResponseDistillation(Tape tape, Tensor studentLogits, Tensor teacherLogits, ReadOnlySpan<int> labels,
        float temperature, float alpha)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(studentLogits);
        ArgumentNullException.ThrowIfNull(teacherLogits);
        if (!(alpha >= 0f && alpha <= 1f))
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "Ops.ResponseDistillation: α must lie in [0, 1].");
        var kl = KlDivergence(tape, studentLogits, teacherLogits, temperature);
        var ce = CrossEntropy(tape, studentLogits, labels);
        return WeightedSum(tape, ce, 1f - alpha, kl, alpha);
    }

    /// <summary>
    /// Feature-based (FitNets) distillation: <c>‖t − align(x)‖² / numel(t)</c> between a regressed student feature
    /// <paramref name="regressed"/> and a teacher feature <paramref name="teacherFeature"/> (a constant). Both are
    /// [B, F], or [B, C, H, W] with the same B and C; when the spatial sizes differ by an integer factor k the larger
    /// map is average-pooled k×k first (the teacher's without gradient). Returns a scalar.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes cannot be aligned (the message names both and the fix).</exception>
    public static Tensor FeatureDistillation(Tape tape, Tensor regressed, Tensor teacherFeature)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(regressed);
        ArgumentNullException.ThrowIfNull(teacherFeature);
        Shape s = regressed.Shape, t = teacherFeature.Shape;
        if (s == t) return Mse(tape, regressed, teacherFeature);
        int factor = FeatureAlignment(s, t, out bool poolStudent);
        // The teacher's feature needs no gradient, so its pooling is not recorded.
        return poolStudent
            ? Mse(tape, AvgPool2d(tape, regressed, factor), teacherFeature)
            : Mse(tape, regressed, AvgPool2d(tape, teacherFeature, factor));
    }

    /// <summary>
    /// The k×k average pooling that aligns a student feature of shape <paramref name="student"/> with a teacher feature
    /// of shape <paramref name="teacher"/> (both [B, C, H, W], same B and C): returns k (1 when the sizes are equal) and
    /// whether the student's map is the larger one.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes cannot be aligned (the message names both and the fix).</exception>
    public static int FeatureAlignment(Shape student, Shape teacher, out bool poolStudent)
    {
        poolStudent = false;
        if (student.Rank != teacher.Rank || student[0] != teacher[0] || (student.Rank != 2 && student.Rank != 4) || student[1] != teacher[1])
            throw new ArgumentException(
                $"Ops.FeatureDistillation: the regressed student feature {student} and the teacher feature {teacher} must both be [B, F] " +
                "or [B, C, H, W] with the same B and C; give the regressor the teacher's channel count.", nameof(teacher));
        if (student.Rank == 2)
            throw new ArgumentException(
                $"Ops.FeatureDistillation: the regressed student feature {student} and the teacher feature {teacher} differ; a linear regressor must output {teacher[1]} features.",
                nameof(teacher));
        int sh = student[2], sw = student[3], th = teacher[2], tw = teacher[3];
        if (sh == th && sw == tw) return 1;
        poolStudent = sh > th;
        (int big, int small, int bigW, int smallW) = poolStudent ? (sh, th, sw, tw) : (th, sh, tw, sw);
        if (small == 0 || smallW == 0 || big % small != 0 || bigW % smallW != 0 || big / small != bigW / smallW)
            throw new ArgumentException(
                $"Ops.FeatureDistillation: the student map {sh}×{sw} ({student}) and the teacher map {th}×{tw} ({teacher}) differ by no " +
                "integer factor, so no pooling aligns them; pick layers whose sizes divide each other (e.g. both after the same number of 2×2 pools).",
                nameof(teacher));
        return big / small;
    }

    /// <summary>
    /// The time average of a time-major spiking output: [T·B, ...] → [B, ...] with <c>x̄_b = (1/T) Σ_t x_{t,b}</c>
    /// (the firing-rate map of a spiking layer). Recorded, so the gradient reaches every step.
    /// </summary>
    /// <exception cref="ArgumentException">The leading axis is not a multiple of <paramref name="steps"/>.</exception>
    public static Tensor TimeMean(Tape tape, Tensor x, int steps)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        if (steps < 1 || x.Shape.Rank < 1 || x.Shape[0] % steps != 0)
            throw new ArgumentException($"Ops.TimeMean: input {x.Shape} must be time-major [T·B, ...] with T = {steps} dividing its first axis.", nameof(x));
        int batch = x.Shape[0] / steps;
        var dims = new int[x.Shape.Rank];
        for (int i = 0; i < dims.Length; i++) dims[i] = x.Shape[i];
        dims[0] = batch;
        var mean = Mean(tape, Reshape(tape, x, new Shape(steps, x.Size / steps)), axis: 0);
        return Reshape(tape, mean, new Shape(dims));
    }

    /// <summary><c>wa·a + wb·b</c> for two tensors of the same shape (terms with weight 0 are left out).</summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static Tensor WeightedSum(Tape tape, Tensor a, float wa, Tensor b, float wb)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Shape != b.Shape)
            throw new ArgumentException($"Ops.WeightedSum: {a.Shape} and {b.Shape} must have the same shape.", nameof(b));
        if (wb == 0f) return Scale(tape, a, wa);
        if (wa == 0f) return Scale(tape, b, wb);
        return Add(tape, Scale(tape, a, wa), Scale(tape, b, wb));
    }

    static Tensor Scale(Tape tape, Tensor x, float factor)
    {
        if (factor == 1f) return x;
        var c = tape.Allocate(Shape.Scalar);
        c.Span[0] = factor;
        return Mul(tape, x, c);
    }
}
