using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NeuroCore.Autodiff;
using NeuroCore.Kernels;
using static NeuroCore.Snn.Tests.Neurons.NeuronTestKit;

namespace NeuroCore.Snn.Tests.Neurons;

public sealed class LifScanTests
{
    [Property(MaxTest = 60)]
    public Property Scan_EqualsComposedPerStepOpsAndReference() =>
        Prop.ForAll(NeuronGens.Cases(), c =>
        {
            var rng = new Random(c.Seed);
            var store = new ParameterStore();
            var p = RandomLif(store, c, rng);
            var current = Tensor.From(Uniform(rng, c.Steps * c.Neurons, -0.4, 1.2), c.CurrentShape).RequireGrad();
            var w = Uniform(rng, c.Steps * c.Neurons, -1, 1);

            // Fused.
            using var tape = new Tape();
            var s = LifNeuron.Scan(tape, current, c.Steps, p);
            Assert.Equal(c.CurrentShape, s.Shape);
            Assert.Single(tape.Entries.ToArray(), e => e.Op == OpCode.Custom);
            tape.Backward(Weighted(tape, s, w));
            float[] sF = s.ToArray(), giF = current.Grad!.ToArray(), gbF = p.Beta.Grad!.ToArray(), gtF = p.Threshold.Grad!.ToArray();

            // Composed of per-step ops.
            current.Grad!.Span.Clear();
            store.ZeroGrad();
            tape.Reset();
            var sC = Composed(tape, current, c, p);
            tape.Backward(Weighted(tape, sC, w));
            AssertClose(sC.Span, sF, 0, 0, $"{c} spikes vs composed");
            AssertClose(current.Grad.Span, giF, 1e-5, 1e-4, $"{c} ∂input vs composed");
            AssertClose(p.Beta.Grad.Span, gbF, 1e-5, 1e-4, $"{c} ∂β vs composed");
            AssertClose(p.Threshold.Grad.Span, gtF, 1e-5, 1e-4, $"{c} ∂θ vs composed");

            // The kernels' scalar twins on the broadcast [T, B·F] problem.
            int n = c.Neurons;
            float[] beta = new float[n], theta = new float[n];
            for (int i = 0; i < n; i++)
            {
                beta[i] = p.Beta.Span[i % c.Features / c.Inner];
                theta[i] = p.Threshold.Span[i % c.Features / c.Inner];
            }
            float[] v = new float[n], sR = new float[c.Steps * n], hR = new float[c.Steps * n];
            Reference.LifScanForward(current.Span, c.Steps, n, beta, theta, c.Reset, v, sR, hR);
            AssertClose(sR, sF, 0, 0, $"{c} spikes vs Reference");
            var call = new ReferenceBackward(new float[n], hR, sR, w, c, beta, theta);
            SurrogateDispatch.Run(c.Surrogate, ref call);
            // Not bitwise: the vector forms of the exp-based surrogates (sigmoid, Gaussian) may differ from the scalar ones by an ulp.
            AssertClose(call.GradInput, giF, 1e-7, 1e-6, $"{c} ∂input vs Reference");
            AssertClose(Reduce(call.GradBeta, c), gbF, 1e-6, 1e-5, $"{c} ∂β vs Reference");
            AssertClose(Reduce(call.GradTheta, c), gtF, 1e-6, 1e-5, $"{c} ∂θ vs Reference");
        });

    static float[] Reduce(float[] perNeuron, NeuronCase c)
    {
        var g = new double[c.Groups];
        for (int i = 0; i < perNeuron.Length; i++) g[i % c.Features / c.Inner] += perNeuron[i];
        return g.Select(x => (float)x).ToArray();
    }

    readonly ref struct ReferenceBackward(float[] v0, float[] h, float[] s, float[] gs, NeuronCase c, float[] beta, float[] theta) : ISurrogateCall
    {
        public float[] GradInput { get; } = new float[h.Length];
        public float[] GradBeta { get; } = new float[beta.Length];
        public float[] GradTheta { get; } = new float[beta.Length];

        public void Invoke<TSurrogate>(in TSurrogate sg) where TSurrogate : struct, ISurrogate =>
            Reference.LifScanBackward(sg, v0, h, s, gs, default, c.Steps, beta.Length, beta, theta, c.Reset, c.Detach,
                GradInput, GradBeta, GradTheta, default);
    }
}
