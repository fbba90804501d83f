using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NeuroCore.Autodiff;
using NeuroCore.Tests.Autodiff;

namespace NeuroCore.Tests.Ops;

/// <summary>One FsCheck property per op: the tape's gradient matches central finite differences on generated shapes.</summary>
public class OpsGradientTests
{
    const int Runs = 40;

    static Shape S(int[] dims) => new(dims);

    static void CheckBinary(ShapeCase c, Func<Tape, Tensor, Tensor, Tensor> op, bool safeDivisor = false)
    {
        var rng = new Random(c.Seed);
        var a = GradCheck.Random(rng, S(c.A));
        var b = safeDivisor ? GradCheck.RandomAwayFromZero(rng, S(c.B), 0.5f) : GradCheck.Random(rng, S(c.B));
        GradCheck.Check((t, x) => op(t, x[0], x[1]), [a, b], c.Seed);
    }

    [Property(MaxTest = Runs)]
    public Property Add_Broadcast_GradientMatchesFiniteDifference() =>
        Prop.ForAll(Gens.Broadcast, c => CheckBinary(c, NeuroCore.Ops.Add));

    [Property(MaxTest = Runs)]
    public Property Sub_Broadcast_GradientMatchesFiniteDifference() =>
        Prop.ForAll(Gens.Broadcast, c => CheckBinary(c, NeuroCore.Ops.Sub));

    [Property(MaxTest = Runs)]
    public Property Mul_Broadcast_GradientMatchesFiniteDifference() =>
        Prop.ForAll(Gens.Broadcast, c => CheckBinary(c, NeuroCore.Ops.Mul));

    [Property(MaxTest = Runs)]
    public Property Div_Broadcast_GradientMatchesFiniteDifference() =>
        Prop.ForAll(Gens.Broadcast, c => CheckBinary(c, NeuroCore.Ops.Div, safeDivisor: true));

    [Property(MaxTest = Runs)]
    public Property MatMul_AnyTransposeAndBatch_GradientMatchesFiniteDifference() =>
        Prop.ForAll(Gens.MatMul, c =>
        {
            int m = c.A[0], k = c.A[1], n = c.B[1];
            bool ta = (c.Extra & 1) != 0, tb = (c.Extra & 2) != 0;
            int mode = (c.Extra >> 2) & 3; // 0, 3: 2-D; 1: both batched; 2: batched A, shared B
            int[] a2 = ta ? [k, m] : [m, k], b2 = tb ? [n, k] : [k, n];
            int[] aDims = mode is 1 or 2 ? [2, .. a2] : a2;
            int[] bDims = mode == 1 ? [2, .. b2] : b2;
            var rng = new Random(c.Seed);
            var a = GradCheck.Random(rng, S(aDims));
            var b = GradCheck.Random(rng, S(bDims));
            GradCheck.Check((t, x) => NeuroCore.Ops.MatMul(t, x[0], x[1], ta, tb), [a, b], c.Seed);
        });

    [Property(MaxTest = Runs)]
    public Property Linear_WithAndWithoutBias_GradientMatchesFiniteDifference() =>
        Prop.ForAll(Gens.MatMul, c =>
        {
            int rows = c.A[0], inF = c.A[1], outF = c.B[1];
            bool bias = (c.Extra & 1) != 0, rank3 = (c.Extra & 2) != 0;
            var rng = new Random(c.Seed);
            var x = GradCheck.Random(rng, rank3 ? new Shape(2, rows, inF) : new Shape(rows, inF));
            var w = GradCheck.Random(rng, new Shape(outF, inF));
            var b = GradCheck.Random(rng, new Shape(outF));
            Tensor[] inputs = bias ? [x, w, b] : [x, w];
            GradCheck.Check((t, v) => NeuroCore.Ops.Linear(t, v[0], v[1], v.Length > 2 ? v[2] : null), inputs, c.Seed);
        });

    [Property(MaxTest = Runs)]
    public Property Sum_AllOrAxis_GradientMatchesFiniteDifference() =>
        Prop.ForAll(Gens.OneShape(), c =>
        {
            var x = GradCheck.Random(new Random(c.Seed), S(c.A));
            int? axis = c.Seed % 3 == 0 ? null : c.Extra;
            GradCheck.Check((t, v) => NeuroCore.Ops.Sum(t, v[0], axis), [x], c.Seed);
        });

    [Property(MaxTest = Runs)]
    public Property Mean_AllOrAxis_GradientMatchesFiniteDifference() =>
        Prop.ForAll(Gens.OneShape(), c =>
        {
            var x = GradCheck.Random(new Random(c.Seed), S(c.A));
            int? axis = c.Seed % 3 == 0 ? null : c.Extra - c.A.Length; // negative axes too
            GradCheck.Check((t, v) => NeuroCore.Ops.Mean(t, v[0], axis), [x], c.Seed);
        });

    [Property(MaxTest = Runs)]
    public Property Reshape_ThenMul_GradientMatchesFiniteDifference() =>
        Prop.ForAll(Gens.OneShape(), c =>
        {
            var rng = new Random(c.Seed);
            var x = GradCheck.Random(rng, S(c.A));
            var to = new Shape(c.A.Reverse().ToArray());
            var k = GradCheck.Random(rng, to);
            // x is used twice (through the view and directly), so gradients from both paths must add.
            GradCheck.Check((t, v) => NeuroCore.Ops.Mul(t, NeuroCore.Ops.Reshape(t, v[0], to), NeuroCore.Ops.Reshape(t, NeuroCore.Ops.Mul(t, v[0], v[0]), to)), [x, k], c.Seed, check: [0]);
        });

    [Property(MaxTest = Runs)]
    public Property Transpose_AnyTwoAxes_GradientMatchesFiniteDifference() =>
        Prop.ForAll(Gens.OneShape(), c =>
        {
            int[] dims = c.A.Length == 1 ? [c.A[0], 2] : c.A;
            var x = GradCheck.Random(new Random(c.Seed), S(dims));
            int a0 = c.Extra % dims.Length, a1 = c.Seed % dims.Length;
            GradCheck.Check((t, v) => NeuroCore.Ops.Transpose(t, v[0], a0, a1), [x], c.Seed);
        });

    [Property(MaxTest = Runs)]
    public Property Slice_AnyRange_GradientMatchesFiniteDifference() =>
        Prop.ForAll(Gens.OneShape(), c =>
        {
            var x = GradCheck.Random(new Random(c.Seed), S(c.A));
            int dim = c.A[c.Extra];
            int start = c.Seed % dim, length = 1 + (c.Seed / 7 % (dim - start));
            GradCheck.Check((t, v) => NeuroCore.Ops.Slice(t, v[0], c.Extra, start, length), [x], c.Seed);
        });

    [Property(MaxTest = Runs)]
    public Property Concat_TwoOrThree_GradientMatchesFiniteDifference() =>
        Prop.ForAll(Gens.OneShape(), c =>
        {
            var rng = new Random(c.Seed);
            int count = 2 + (c.Seed % 2);
            var inputs = new Tensor[count];
            for (int i = 0; i < count; i++)
            {
                var dims = (int[])c.A.Clone();
                dims[c.Extra] = 1 + ((c.Seed >> i) % 3);
                inputs[i] = GradCheck.Random(rng, S(dims));
            }
            GradCheck.Check((t, v) => NeuroCore.Ops.Concat(t, v, c.Extra), inputs, c.Seed);
        });

    static Property Unary(Func<Tape, Tensor, Tensor> op, float lo, float hi, float away = 0f) =>
        Prop.ForAll(Gens.OneShape(), c =>
        {
            var rng = new Random(c.Seed);
            var x = away > 0 ? GradCheck.RandomAwayFromZero(rng, S(c.A), away, hi) : GradCheck.Random(rng, S(c.A), lo, hi);
            GradCheck.Check((t, v) => op(t, v[0]), [x], c.Seed);
        });

    [Property(MaxTest = Runs)]
    public Property Relu_AwayFromKink_GradientMatchesFiniteDifference() => Unary(NeuroCore.Ops.Relu, -2, 2, away: 0.05f);

    [Property(MaxTest = Runs)]
    public Property Sigmoid_GradientMatchesFiniteDifference() => Unary(NeuroCore.Ops.Sigmoid, -3, 3);

    [Property(MaxTest = Runs)]
    public Property Tanh_GradientMatchesFiniteDifference() => Unary(NeuroCore.Ops.Tanh, -2, 2);

    [Property(MaxTest = Runs)]
    public Property Exp_GradientMatchesFiniteDifference() => Unary(NeuroCore.Ops.Exp, -2, 2);

    [Property(MaxTest = Runs)]
    public Property Log_Positive_GradientMatchesFiniteDifference() => Unary(NeuroCore.Ops.Log, 0.5f, 3f);

    [Property(MaxTest = Runs)]
    public Property Softmax_AnyAxis_GradientMatchesFiniteDifference() =>
        Prop.ForAll(Gens.OneShape(), c =>
        {
            var x = GradCheck.Random(new Random(c.Seed), S(c.A));
            GradCheck.Check((t, v) => NeuroCore.Ops.Softmax(t, v[0], c.Extra), [x], c.Seed);
        });

    [Property(MaxTest = Runs)]
    public Property LogSoftmax_AnyAxis_GradientMatchesFiniteDifference() =>
        Prop.ForAll(Gens.OneShape(), c =>
        {
            var x = GradCheck.Random(new Random(c.Seed), S(c.A));
            GradCheck.Check((t, v) => NeuroCore.Ops.LogSoftmax(t, v[0], c.Extra), [x], c.Seed);
        });

    [Property(MaxTest = Runs)]
    public Property CrossEntropy_GradientMatchesFiniteDifference() =>
        Prop.ForAll(Gens.MatMul, c =>
        {
            int rows = c.A[0], classes = c.B[1] + 1;
            var rng = new Random(c.Seed);
            var x = GradCheck.Random(rng, new Shape(rows, classes), -3, 3);
            var labels = Enumerable.Range(0, rows).Select(_ => rng.Next(classes)).ToArray();
            GradCheck.Check((t, v) => NeuroCore.Ops.CrossEntropy(t, v[0], labels), [x], c.Seed);
        });

    [Property(MaxTest = Runs)]
    public Property Mse_BothSides_GradientMatchesFiniteDifference() =>
        Prop.ForAll(Gens.OneShape(), c =>
        {
            var rng = new Random(c.Seed);
            var x = GradCheck.Random(rng, S(c.A));
            var y = GradCheck.Random(rng, S(c.A));
            GradCheck.Check((t, v) => NeuroCore.Ops.Mse(t, v[0], v[1]), [x, y], c.Seed);
        });

    [Property(MaxTest = Runs)]
    public Property KlDivergence_Student_GradientMatchesFiniteDifference() =>
        Prop.ForAll(Gens.MatMul, c =>
        {
            int rows = c.A[0], classes = c.B[1] + 1;
            float temperature = (c.Extra % 3) switch { 0 => 1f, 1 => 2f, _ => 4f };
            var rng = new Random(c.Seed);
            var s = GradCheck.Random(rng, new Shape(rows, classes), -3, 3);
            var teacher = GradCheck.Random(rng, new Shape(rows, classes), -3, 3);
            GradCheck.Check((t, v) => NeuroCore.Ops.KlDivergence(t, v[0], v[1], temperature), [s, teacher], c.Seed, check: [0]);
        });

    [Property(MaxTest = Runs)]
    public Property Composite_TwoLayerMlp_GradientMatchesFiniteDifference() =>
        Prop.ForAll(Gens.MatMul, c =>
        {
            int rows = c.A[0], inF = c.A[1], hidden = c.B[1] + 1;
            var rng = new Random(c.Seed);
            var x = GradCheck.Random(rng, new Shape(rows, inF));
            var w1 = GradCheck.Random(rng, new Shape(hidden, inF), -1, 1);
            var b1 = GradCheck.Random(rng, new Shape(hidden), -1, 1);
            var w2 = GradCheck.Random(rng, new Shape(3, hidden), -1, 1);
            var labels = Enumerable.Range(0, rows).Select(_ => rng.Next(3)).ToArray();
            GradCheck.Check(
                (t, v) => NeuroCore.Ops.CrossEntropy(t, NeuroCore.Ops.Linear(t, NeuroCore.Ops.Tanh(t, NeuroCore.Ops.Linear(t, v[0], v[1], v[2])), v[3]), labels),
                [x, w1, b1, w2], c.Seed);
        });
}
