using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;
using NeuroCore.Autodiff;
using NeuroCore.Tests.Autodiff;

namespace NeuroCore.Tests.Ops;

/// <summary>The distillation losses: finite-difference gradients, their defining identities, τ² scaling and bad shapes.</summary>
public class DistillationTests
{
    const int Runs = 30;

    static Tensor Logits(Random rng, int rows, int classes) => GradCheck.Random(rng, new Shape(rows, classes), -3, 3);

    [Property(MaxTest = Runs)]
    public Property ResponseDistillation_Student_GradientMatchesFiniteDifference() =>
        Prop.ForAll(Gens.MatMul, c =>
        {
            int rows = c.A[0], classes = c.B[1] + 1;
            float tau = (c.Extra % 3) switch { 0 => 1f, 1 => 2f, _ => 4f };
            float alpha = (c.Extra / 3 % 3) switch { 0 => 0.1f, 1 => 0.5f, _ => 0.9f };
            var rng = new Random(c.Seed);
            var labels = Enumerable.Range(0, rows).Select(_ => rng.Next(classes)).ToArray();
            var s = Logits(rng, rows, classes);
            var t = Logits(rng, rows, classes);
            GradCheck.Check((tape, v) => NeuroCore.Ops.ResponseDistillation(tape, v[0], v[1], labels, tau, alpha), [s, t], c.Seed, check: [0]);
        });

    [Fact]
    public void ResponseDistillation_IsTheWeightedSumOfCrossEntropyAndScaledKl_AndKlIsZeroForTheTeacherItself()
    {
        var rng = new Random(3);
        var s = Logits(rng, 4, 5);
        var t = Logits(rng, 4, 5);
        int[] labels = [0, 4, 2, 1];
        using var tape = new Tape(recording: false);
        float ce = NeuroCore.Ops.CrossEntropy(tape, s, labels).Item();
        float kl = NeuroCore.Ops.KlDivergence(tape, s, t, 4f).Item();
        Assert.Equal(ce, NeuroCore.Ops.ResponseDistillation(tape, s, t, labels, 4f, 0f).Item(), 1e-5);
        Assert.Equal(kl, NeuroCore.Ops.ResponseDistillation(tape, s, t, labels, 4f, 1f).Item(), 1e-5);
        Assert.Equal((0.1 * ce) + (0.9 * kl), NeuroCore.Ops.ResponseDistillation(tape, s, t, labels, 4f, 0.9f).Item(), 1e-4);
        // Student = teacher: the KL term vanishes, leaving (1 − α)·CE.
        Assert.Equal(0.1 * ce, NeuroCore.Ops.ResponseDistillation(tape, s, s, labels, 4f, 0.9f).Item(), 1e-5);
        Assert.Equal(0, NeuroCore.Ops.ResponseDistillation(tape, s, s, labels, 4f, 1f).Item(), 1e-6);
    }

    [Fact]
    public void ResponseDistillation_TauSquaredScaling_KeepsLossAndGradientFromVanishingAtLargeTau()
    {
        // For large τ, KL(softmax(t/τ) ‖ softmax(s/τ)) falls as 1/τ²; τ² times it tends to a constant (half the variance of
        // s − t over the classes, averaged over rows). Without the factor the gradient would vanish like 1/τ.
        var rng = new Random(11);
        var s = Logits(rng, 3, 6);
        var t = Logits(rng, 3, 6);
        int[] labels = [1, 2, 3];
        double limit = 0;
        for (int r = 0; r < 3; r++)
        {
            var d = Enumerable.Range(0, 6).Select(j => (double)s.Span[(r * 6) + j] - t.Span[(r * 6) + j]).ToArray();
            double mean = d.Average();
            limit += d.Sum(x => (x - mean) * (x - mean)) / 6 / 2;
        }
        limit /= 3;
        double[] grads = new double[2];
        float[] taus = [32f, 64f];
        for (int k = 0; k < 2; k++)
        {
            using var tape = new Tape(recording: true);
            var x = s.Clone().RequireGrad();
            var loss = NeuroCore.Ops.ResponseDistillation(tape, x, t, labels, taus[k], 1f);
            Assert.Equal(limit, loss.Item(), limit * 0.05);
            tape.Backward(loss);
            grads[k] = Math.Sqrt(tape.GradOf(x)!.Span.ToArray().Sum(g => (double)g * g));
        }
        Assert.True(grads[1] > 0.9 * grads[0] && grads[1] < 1.1 * grads[0], $"gradient norms {grads[0]} and {grads[1]} should match across τ");
    }

    [Property(MaxTest = Runs)]
    public Property FeatureDistillation_SameSizeAndPooled_GradientMatchesFiniteDifference() =>
        Prop.ForAll(Gens.MatMul, c =>
        {
            int b = c.A[0], ch = c.A[1], h = c.B[1] + 1, factor = 1 + (c.Extra % 3);
            var rng = new Random(c.Seed);
            bool studentLarger = c.Extra % 2 == 0;
            var s = GradCheck.Random(rng, studentLarger ? new Shape(b, ch, h * factor, h * factor) : new Shape(b, ch, h, h));
            var t = GradCheck.Random(rng, studentLarger ? new Shape(b, ch, h, h) : new Shape(b, ch, h * factor, h * factor), 0, 2);
            GradCheck.Check((tape, v) => NeuroCore.Ops.FeatureDistillation(tape, v[0], v[1]), [s, t], c.Seed, check: [0]);
        });

    [Fact]
    public void FeatureDistillation_PoolsTheLargerMap_AndIsZeroAtTheTarget()
    {
        using var tape = new Tape(recording: false);
        var teacher = Tensor.From([1f, 3f, 5f, 7f, 0f, 0f, 2f, 2f, 4f, 4f, 6f, 6f, 8f, 8f, 1f, 1f], new Shape(1, 1, 4, 4));
        // 2×2 means of the teacher map: [(1+3+0+0)/4, (5+7+2+2)/4; (4+4+8+8)/4, (6+6+1+1)/4] = [1, 4; 6, 3.5].
        var student = Tensor.From([1f, 4f, 6f, 3.5f], new Shape(1, 1, 2, 2));
        Assert.Equal(0, NeuroCore.Ops.FeatureDistillation(tape, student, teacher).Item(), 1e-6);
        var off = Tensor.From([2f, 4f, 6f, 3.5f], new Shape(1, 1, 2, 2));
        Assert.Equal(0.25, NeuroCore.Ops.FeatureDistillation(tape, off, teacher).Item(), 1e-6);
        var vector = Tensor.From([1f, 2f, 3f], new Shape(1, 3));
        Assert.Equal(0, NeuroCore.Ops.FeatureDistillation(tape, vector, vector.Clone()).Item(), 1e-6);
    }

    [Fact]
    public void FeatureDistillation_UnalignableShapes_NameBothShapesAndTheFix()
    {
        using var tape = new Tape(recording: false);
        var e = Assert.Throws<ArgumentException>(() => NeuroCore.Ops.FeatureDistillation(tape, Tensor.Zeros(new Shape(2, 8, 7, 7)), Tensor.Zeros(new Shape(2, 8, 3, 3))));
        Assert.Contains("[2, 8, 7, 7]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 8, 3, 3]", e.Message, StringComparison.Ordinal);
        Assert.Contains("integer factor", e.Message, StringComparison.Ordinal);
        var channels = Assert.Throws<ArgumentException>(() => NeuroCore.Ops.FeatureDistillation(tape, Tensor.Zeros(new Shape(2, 4, 7, 7)), Tensor.Zeros(new Shape(2, 8, 7, 7))));
        Assert.Contains("regressor", channels.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => NeuroCore.Ops.FeatureDistillation(tape, Tensor.Zeros(new Shape(2, 5)), Tensor.Zeros(new Shape(2, 6))));
    }

    [Property(MaxTest = Runs)]
    public Property TimeMean_GradientMatchesFiniteDifference_AndAveragesTheSteps() =>
        Prop.ForAll(Gens.MatMul, c =>
        {
            int steps = c.A[0], batch = c.A[1], features = c.B[1];
            var rng = new Random(c.Seed);
            var x = GradCheck.Random(rng, new Shape(steps * batch, features, 2));
            using (var tape = new Tape(recording: false))
            {
                var m = NeuroCore.Ops.TimeMean(tape, x, steps);
                Assert.Equal(new Shape(batch, features, 2), m.Shape);
                int n = batch * features * 2;
                for (int i = 0; i < n; i++)
                {
                    double sum = 0;
                    for (int t = 0; t < steps; t++) sum += x.Span[(t * n) + i];
                    Assert.Equal(sum / steps, m.Span[i], 1e-5);
                }
            }
            GradCheck.Check((tape, v) => NeuroCore.Ops.Sum(tape, NeuroCore.Ops.Mul(tape, NeuroCore.Ops.TimeMean(tape, v[0], steps), v[1])),
                [x, GradCheck.Random(rng, new Shape(batch, features, 2))], c.Seed, check: [0]);
        });

    [Property(MaxTest = Runs)]
    public Property WeightedSum_GradientMatchesFiniteDifference() =>
        Prop.ForAll(Gens.OneShape(), c =>
        {
            var rng = new Random(c.Seed);
            var a = GradCheck.Random(rng, new Shape(c.A));
            var b = GradCheck.Random(rng, new Shape(c.A));
            float wa = (c.Extra % 3) - 1, wb = 0.5f;
            GradCheck.Check((tape, v) => NeuroCore.Ops.Sum(tape, NeuroCore.Ops.WeightedSum(tape, v[0], wa, v[1], wb)), [a, b], c.Seed);
        });

    [Fact]
    public void TimeMean_And_ResponseDistillation_RejectBadInput()
    {
        using var tape = new Tape(recording: false);
        Assert.Contains("T = 3", Assert.Throws<ArgumentException>(() => NeuroCore.Ops.TimeMean(tape, Tensor.Zeros(new Shape(4, 2)), 3)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => NeuroCore.Ops.ResponseDistillation(tape, Tensor.Zeros(new Shape(2, 3)), Tensor.Zeros(new Shape(2, 3)), [0, 1], 4f, 1.5f));
        Assert.Throws<ArgumentException>(() => NeuroCore.Ops.ResponseDistillation(tape, Tensor.Zeros(new Shape(2, 3)), Tensor.Zeros(new Shape(2, 4)), [0, 1], 4f, 0.5f));
    }
}
