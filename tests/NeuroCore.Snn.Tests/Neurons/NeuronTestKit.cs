using NeuroCore.Autodiff;
using NeuroCore.Kernels;

namespace NeuroCore.Snn.Tests.Neurons;

/// <summary>Shared pieces of the neuron tests: random problems, the per-step composed neuron, surrogate lookup.</summary>
internal static class NeuronTestKit
{
    /// <summary>Uniform floats in [lo, hi).</summary>
    public static float[] Uniform(Random rng, int length, double lo, double hi)
    {
        var a = new float[length];
        for (int i = 0; i < a.Length; i++) a[i] = (float)(lo + (hi - lo) * rng.NextDouble());
        return a;
    }

    /// <summary>The kernel surrogate struct of <paramref name="spec"/>, boxed (tests only: for Primitive).</summary>
    public static ISurrogate Of(SurrogateSpec spec) => spec.Kind switch
    {
        SurrogateKind.FastSigmoid => new FastSigmoidSurrogate(spec.Parameter),
        SurrogateKind.ATan => new ATanSurrogate(spec.Parameter),
        SurrogateKind.Sigmoid => new SigmoidSurrogate(spec.Parameter),
        SurrogateKind.Triangle => new TriangleSurrogate(spec.Parameter),
        SurrogateKind.Rectangular => new RectangularSurrogate(spec.Parameter),
        _ => new GaussianSurrogate(spec.Parameter),
    };

    /// <summary>LIF parameters with per-group β ∈ [0.3, 1] and θ ∈ [0.5, 1.5], both learnable.</summary>
    public static LifParams RandomLif(ParameterStore store, NeuronCase c, Random rng, string name = "lif")
    {
        var p = LifParams.Create(store, name, c.Groups, c.Inner, 0.5f, 1f, learnBeta: true, learnThreshold: true,
            c.Reset, c.Detach, c.Surrogate);
        Uniform(rng, c.Groups, 0.3, 1.0).CopyTo(p.Beta.Span);
        Uniform(rng, c.Groups, 0.5, 1.5).CopyTo(p.Threshold.Span);
        return p;
    }

    /// <summary>
    /// The same LIF neuron composed of per-step tape ops (Slice, Mul, Add, Sub, SpikeOps.Spike, Concat), β and θ
    /// broadcast as [G, 1] over [B, G, Inner]. A detached reset uses a copy of S that is not on the tape.
    /// Returns S as [T·B, G, Inner].
    /// </summary>
    public static Tensor Composed(Tape tape, Tensor current, NeuronCase c, LifParams p)
    {
        var cur = Ops.Reshape(tape, current, new Shape(c.Steps * c.Batch, c.Groups, c.Inner));
        var beta = Ops.Reshape(tape, p.Beta, new Shape(c.Groups, 1));
        var theta = Ops.Reshape(tape, p.Threshold, new Shape(c.Groups, 1));
        var one = Tensor.Full(new Shape(1), 1f);
        Tensor v = Tensor.Zeros(new Shape(c.Batch, c.Groups, c.Inner));
        var spikes = new Tensor[c.Steps];
        for (int t = 0; t < c.Steps; t++)
        {
            var i = Ops.Slice(tape, cur, 0, t * c.Batch, c.Batch);
            var h = Ops.Add(tape, Ops.Mul(tape, beta, v), i);
            var s = SpikeOps.Spike(tape, Ops.Sub(tape, h, theta), p.Surrogate);
            var sr = p.DetachReset ? Tensor.From(s.Span, s.Shape) : s;
            v = p.Reset == LifReset.Soft
                ? Ops.Sub(tape, h, Ops.Mul(tape, sr, theta))
                : Ops.Mul(tape, h, Ops.Sub(tape, one, sr));
            spikes[t] = s;
        }
        return Ops.Concat(tape, spikes, 0);
    }

    /// <summary>Σ w·x as a scalar on the tape (w a constant).</summary>
    public static Tensor Weighted(Tape tape, Tensor x, float[] w) =>
        Ops.Sum(tape, Ops.Mul(tape, Ops.Reshape(tape, x, new Shape(x.Size)), Tensor.From(w, new Shape(w.Length))));

    /// <summary>Asserts |a − e| ≤ atol + rtol·max|e| element by element, naming the first mismatch.</summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double atol, double rtol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = 0;
        foreach (float e in expected) scale = Math.Max(scale, Math.Abs(e));
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs((double)expected[i] - actual[i]);
            if (!(diff <= atol + rtol * scale) && !(float.IsNaN(expected[i]) && float.IsNaN(actual[i])))
                Assert.Fail($"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (|diff| {diff:G3}, scale {scale:G3})");
        }
    }
}
