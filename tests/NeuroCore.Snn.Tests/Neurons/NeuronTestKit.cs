using NeuroCore.Autodiff;
using NeuroCore.Kernels;

namespace NeuroCore.Snn.Tests.Neurons;

/// <summary>
/// Shared pieces of the neuron tests, for LIF and ALIF alike: random problems, the neuron composed of per-step tape
/// ops, the kernels' scalar twins on the broadcast problem, surrogate lookup.
/// </summary>
internal static class NeuronTestKit
{
    /// <summary>Uniform floats in [lo, hi).</summary>
    public static float[] Uniform(Random rng, int length, double lo, double hi)
    {
        var a = new float[length];
        for (int i = 0; i < a.Length; i++) a[i] = (float)(lo + (hi - lo) * rng.NextDouble());
        return a;
    }

    /// <summary>
    /// Asserts that every entry of <paramref name="grad"/> equals the central difference (ε = 1e-5) of
    /// <paramref name="loss"/> with respect to the same entry of <paramref name="x"/> (which the loss reads), to
    /// 5e-4 absolute plus 5e-4 relative; the message names the parameter, the entry and the case.
    /// </summary>
    public static void AssertFiniteDifferences(string name, double[] x, ReadOnlySpan<float> grad, Func<double> loss, object testCase)
    {
        const double eps = 1e-5;
        for (int k = 0; k < x.Length; k++)
        {
            double keep = x[k];
            x[k] = keep + eps;
            double up = loss();
            x[k] = keep - eps;
            double down = loss();
            x[k] = keep;
            double fd = (up - down) / (2 * eps);
            Assert.True(Math.Abs(grad[k] - fd) <= 5e-4 + 5e-4 * Math.Abs(fd),
                $"{name}[{k}] = {grad[k]:R}, finite difference {fd:R} ({testCase})");
        }
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

    /// <summary>
    /// Parameters with per-group β ∈ [0.3, 1] and θ ∈ [0.5, 1.5], both learnable; for ALIF also ρ ∈ [0.3, 0.95] and
    /// κ ∈ [0, 1.5] (constants, filled in place).
    /// </summary>
    public static NeuronParams RandomParams(ParameterStore store, NeuronCase c, Random rng, string name = "layer")
    {
        NeuronParams p = c.Adaptive
            ? AlifParams.Create(store, name, c.Groups, c.Inner, 0.5f, 1f, 0.8f, 0.5f, true, true, c.Reset, c.Detach, c.Surrogate)
            : LifParams.Create(store, name, c.Groups, c.Inner, 0.5f, 1f, true, true, c.Reset, c.Detach, c.Surrogate);
        Uniform(rng, c.Groups, 0.3, 1.0).CopyTo(p.Beta.Span);
        Uniform(rng, c.Groups, 0.5, 1.5).CopyTo(p.Threshold.Span);
        if (p is AlifParams a)
        {
            Uniform(rng, c.Groups, 0.3, 0.95).CopyTo(a.Rho.Span);
            Uniform(rng, c.Groups, 0.0, 1.5).CopyTo(a.Kappa.Span);
        }
        return p;
    }

    /// <summary>The layer's fused scan (with a state when given).</summary>
    public static Tensor Scan(Tape tape, Tensor current, int steps, NeuronParams p, NeuronState? state = null) => p switch
    {
        LifParams l => state is null ? LifNeuron.Scan(tape, current, steps, l) : LifNeuron.Scan(tape, current, steps, l, (LifState)state),
        AlifParams a => state is null ? AlifNeuron.Scan(tape, current, steps, a) : AlifNeuron.Scan(tape, current, steps, a, (AlifState)state),
        _ => throw new ArgumentException("unknown neuron", nameof(p)),
    };

    /// <summary>A state at rest for the layer.</summary>
    public static NeuronState NewState(NeuronParams p, int batch) =>
        p is AlifParams a ? new AlifState(a, batch) : new LifState((LifParams)p, batch);

    /// <summary>One streaming step of the layer.</summary>
    public static void Step(NeuronParams p, ReadOnlySpan<float> current, NeuronState state, Span<float> spikes)
    {
        if (p is AlifParams a) AlifNeuron.Step(a, current, (AlifState)state, spikes);
        else LifNeuron.Step((LifParams)p, current, (LifState)state, spikes);
    }

    /// <summary>The per-group tensor repeated to [B·F].</summary>
    public static float[] PerNeuron(Tensor perGroup, NeuronCase c)
    {
        var r = new float[c.Neurons];
        for (int i = 0; i < r.Length; i++) r[i] = perGroup.Span[i % c.Features / c.Inner];
        return r;
    }

    /// <summary>A per-neuron gradient summed to groups (in double).</summary>
    public static float[] ToGroups(float[] perNeuron, NeuronCase c)
    {
        var g = new double[c.Groups];
        for (int i = 0; i < perNeuron.Length; i++) g[i % c.Features / c.Inner] += perNeuron[i];
        return [.. g.Select(x => (float)x)];
    }

    /// <summary>
    /// The same neuron composed of per-step tape ops (Slice, Mul, Add, Sub, SpikeOps.Spike, Concat), the parameters
    /// reshaped to [G, 1] and broadcast over [B, G, Inner], in the kernels' operation order. A detached reset uses a
    /// copy of S that is not on the tape (the ALIF trace keeps the attached S). Returns S as [T·B, G, Inner].
    /// </summary>
    public static Tensor Composed(Tape tape, Tensor current, NeuronCase c, NeuronParams p)
    {
        var g1 = new Shape(c.Groups, 1);
        var cur = Ops.Reshape(tape, current, new Shape(c.Steps * c.Batch, c.Groups, c.Inner));
        var beta = Ops.Reshape(tape, p.Beta, g1);
        var theta0 = Ops.Reshape(tape, p.Threshold, g1);
        var alif = p as AlifParams;
        var rho = alif is null ? null : Ops.Reshape(tape, alif.Rho, g1);
        var kappa = alif is null ? null : Ops.Reshape(tape, alif.Kappa, g1);
        var one = Tensor.Full(new Shape(1), 1f);
        Tensor v = Tensor.Zeros(new Shape(c.Batch, c.Groups, c.Inner)), a = v;
        var spikes = new Tensor[c.Steps];
        for (int t = 0; t < c.Steps; t++)
        {
            var i = Ops.Slice(tape, cur, 0, t * c.Batch, c.Batch);
            var h = Ops.Add(tape, Ops.Mul(tape, beta, v), i);
            var theta = alif is null ? theta0 : Ops.Add(tape, theta0, Ops.Mul(tape, kappa!, a));
            var s = SpikeOps.Spike(tape, Ops.Sub(tape, h, theta), p.Surrogate);
            var sr = p.DetachReset ? Tensor.From(s.Span, s.Shape) : s;
            v = p.Reset == LifReset.Soft
                ? Ops.Sub(tape, h, Ops.Mul(tape, sr, theta))
                : Ops.Mul(tape, h, Ops.Sub(tape, one, sr));
            if (alif is not null)
                a = Ops.Add(tape, Ops.Mul(tape, rho!, a), Ops.Mul(tape, Ops.Sub(tape, one, rho!), s));
            spikes[t] = s;
        }
        return Ops.Concat(tape, spikes, 0);
    }

    /// <summary>Σ w·x as a scalar on the tape (w a constant).</summary>
    public static Tensor Weighted(Tape tape, Tensor x, float[] w) =>
        Ops.Sum(tape, Ops.Mul(tape, Ops.Reshape(tape, x, new Shape(x.Size)), Tensor.From(w, new Shape(w.Length))));

    /// <summary>
    /// Runs the kernels' scalar twins (Reference.LifScan* / AlifScan*) on the broadcast [T, B·F] problem from
    /// <paramref name="v0"/> (and A_{−1} = <paramref name="a0"/>), with upstream gradient <paramref name="gradS"/>.
    /// </summary>
    public static ReferenceRun RunReference(NeuronCase c, NeuronParams p, ReadOnlySpan<float> current, int steps,
        float[] v0, float[] a0, float[] gradS)
    {
        var run = new ReferenceRun(c, p, steps, v0, gradS);
        int n = c.Neurons;
        float[] v = (float[])v0.Clone(), a = (float[])a0.Clone();
        if (p is AlifParams)
            Reference.AlifScanForward(current, steps, n, run.Beta, run.Theta0, run.Rho, run.Kappa, c.Reset, v, a, run.S, run.H, run.APrev);
        else
            Reference.LifScanForward(current, steps, n, run.Beta, run.Theta0, c.Reset, v, run.S, run.H);
        run.VEnd = v;
        run.AEnd = a;
        SurrogateDispatch.Run(c.Surrogate, ref run);
        return run;
    }

    /// <summary>The twins' results (per neuron; see <see cref="ToGroups"/>).</summary>
    public sealed class ReferenceRun : ISurrogateCall
    {
        readonly NeuronCase _c;
        readonly bool _alif;
        readonly int _steps;
        readonly float[] _v0, _gradS;

        public ReferenceRun(NeuronCase c, NeuronParams p, int steps, float[] v0, float[] gradS)
        {
            _c = c;
            _alif = p is AlifParams;
            _steps = steps;
            _v0 = v0;
            _gradS = gradS;
            int total = steps * c.Neurons;
            Beta = PerNeuron(p.Beta, c);
            Theta0 = PerNeuron(p.Threshold, c);
            Rho = p is AlifParams a ? PerNeuron(a.Rho, c) : [];
            Kappa = p is AlifParams b ? PerNeuron(b.Kappa, c) : [];
            S = new float[total];
            H = new float[total];
            APrev = new float[total];
            GradInput = new float[total];
        }

        public float[] Beta { get; }
        public float[] Theta0 { get; }
        public float[] Rho { get; }
        public float[] Kappa { get; }
        public float[] S { get; }
        public float[] H { get; }
        public float[] APrev { get; }
        public float[] VEnd { get; set; } = [];
        public float[] AEnd { get; set; } = [];
        public float[] GradInput { get; }
        public float[] GradBeta { get; private set; } = [];
        public float[] GradTheta0 { get; private set; } = [];
        public float[] GradRho { get; private set; } = [];
        public float[] GradKappa { get; private set; } = [];

        public void Invoke<TSurrogate>(in TSurrogate sg) where TSurrogate : struct, ISurrogate
        {
            int n = _c.Neurons;
            float[] gb = new float[n], gt = new float[n], gr = new float[n], gk = new float[n];
            if (_alif)
                Reference.AlifScanBackward(sg, _v0, H, APrev, S, _gradS, _steps, n, Beta, Theta0, Rho, Kappa, _c.Reset,
                    _c.Detach, GradInput, gb, gt, gr, gk);
            else
                Reference.LifScanBackward(sg, _v0, H, S, _gradS, default, _steps, n, Beta, Theta0, _c.Reset, _c.Detach,
                    GradInput, gb, gt, default);
            GradBeta = gb;
            GradTheta0 = gt;
            GradRho = gr;
            GradKappa = gk;
        }
    }

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
