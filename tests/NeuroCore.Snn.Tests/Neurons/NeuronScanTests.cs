using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NeuroCore.Autodiff;
using NeuroCore.Kernels;
using static NeuroCore.Snn.Tests.Neurons.NeuronTestKit;

namespace NeuroCore.Snn.Tests.Neurons;

/// <summary>LIF and ALIF scans checked three ways: fused vs composed per-step tape ops vs the kernels' scalar twins.</summary>
public sealed class NeuronScanTests
{
    [Property(MaxTest = 80)]
    public Property Scan_EqualsComposedPerStepOpsAndReference() =>
        Prop.ForAll(NeuronGens.Cases(), c =>
        {
            var rng = new Random(c.Seed);
            var store = new ParameterStore();
            var p = RandomParams(store, c, rng);
            var current = Tensor.From(Uniform(rng, c.Steps * c.Neurons, -0.4, 1.2), c.CurrentShape).RequireGrad();
            var w = Uniform(rng, c.Steps * c.Neurons, -1, 1);

            // Fused.
            using var tape = new Tape();
            var s = Scan(tape, current, c.Steps, p);
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
            var r = RunReference(c, p, current.Span, c.Steps, new float[c.Neurons], new float[c.Neurons], w);
            AssertClose(r.S, sF, 0, 0, $"{c} spikes vs Reference");
            // Not bitwise: the vector forms of the exp-based surrogates (sigmoid, Gaussian) may differ from the scalar ones by an ulp.
            AssertClose(r.GradInput, giF, 1e-7, 1e-6, $"{c} ∂input vs Reference");
            AssertClose(ToGroups(r.GradBeta, c), gbF, 1e-6, 1e-5, $"{c} ∂β vs Reference");
            AssertClose(ToGroups(r.GradTheta0, c), gtF, 1e-6, 1e-5, $"{c} ∂θ vs Reference");
        });

    [Fact]
    public void LifScan_HandComputedTrajectory_MatchesGolden()
    {
        // One neuron, β = ½, θ = 1, soft reset, V0 = 0; dyadic inputs so every value is exact in float.
        //   t0 H = 0.75 → S 0, V 0.75;  t1 H = 0.375 + 0.875 = 1.25 → S 1, V 0.25;  t2 H = 0.125 + 0.5 = 0.625 → S 0,
        //   V 0.625;  t3 H = 0.3125 + 1 = 1.3125 → S 1, V 0.3125;  t4 H = 0.15625 + 0.84375 = 1 (exactly θ) → S 1, V 0.
        // Gradient of L = S_1 with the rectangular surrogate of width 1 (g(x) = 1 for |x| < ½): g1 = g(1.25 − 1) = 1,
        // g0 = g(0.75 − 1) = 1.  H1 = β·V0' + I1 with V0' = H0 − S0·θ, H0 = I0 (S0 = 0, V0' = 0.75), so
        //   ∂L/∂I1 = g1 = 1,  ∂L/∂β = g1·V0' = 0.75,  ∂L/∂I0 = g1·β·∂V0'/∂H0,  ∂L/∂θ = g1·(−1 + β·∂V0'/∂θ):
        //   attached reset: ∂V0'/∂H0 = 1 − θ·g0 = 0 and ∂V0'/∂θ = −S0 + θ·g0 = 1 → ∂I0 = 0, ∂θ = −0.5;
        //   detached reset: ∂V0'/∂H0 = 1 and ∂V0'/∂θ = −S0 = 0 → ∂I0 = 0.5, ∂θ = −1.
        //   Steps 2..4 do not reach S_1 (causality): their input gradients are 0.
        foreach (bool detach in new[] { false, true })
        {
            var store = new ParameterStore();
            var p = LifParams.Create(store, "golden", 1, 1, 0.5f, 1f, learnBeta: true, learnThreshold: true, LifReset.Soft,
                detach, new SurrogateSpec(SurrogateKind.Rectangular, 1f));
            var current = Tensor.From([0.75f, 0.875f, 0.5f, 1f, 0.84375f], new Shape(5, 1)).RequireGrad();
            var state = new LifState(p, 1);
            using var tape = new Tape();
            var s = LifNeuron.Scan(tape, current, 5, p, state);
            Assert.Equal([0f, 1f, 0f, 1f, 1f], s.ToArray());
            Assert.Equal(0f, state.V[0]);
            tape.Backward(s, [0f, 1f, 0f, 0f, 0f]);
            Assert.Equal([detach ? 0.5f : 0f, 1f, 0f, 0f, 0f], current.Grad!.ToArray());
            Assert.Equal(0.75f, p.Beta.Grad!.Span[0]);
            Assert.Equal(detach ? -1f : -0.5f, p.Threshold.Grad!.Span[0]);
        }
    }

    [Fact]
    public void AlifScan_HandComputedTrajectory_MatchesGolden()
    {
        // One neuron, β = ½, θ0 = 1, ρ = ½, κ = 1, soft reset, V0 = A_{−1} = 0, input 1 every step:
        //   t0 H = 0 + 1 = 1, θ = 1 + 1·0 = 1 → S 1, V = 1 − 1 = 0, A = ½·0 + ½·1 = 0.5
        //   t1 H = 0 + 1 = 1, θ = 1 + 0.5 = 1.5 → S 0, V = 1, A = 0.25
        //   t2 H = 0.5 + 1 = 1.5, θ = 1 + 0.25 = 1.25 → S 1, V = 1.5 − 1.25 = 0.25, A = 0.125 + 0.5 = 0.625
        //   t3 H = 0.125 + 1 = 1.125, θ = 1 + 0.625 = 1.625 → S 0, V = 1.125, A = 0.3125
        // (LIF with the same β, θ would fire at every step: the adaptation halves the rate.)
        // Gradient of L = S_3 with the rectangular surrogate of width 2 (g = ½ for |x| < 1), detached reset:
        //   g3 = g(1.125 − 1.625) = ½, so ∂L/∂I3 = g3 = 0.5.  I_2 raises H_2, which raises V_2 (detached reset:
        //   ∂V2/∂H2 = 1, so H_3 by β) and S_2 (by g2 = g(1.5 − 1.25) = ½), which raises A_2 by (1 − ρ) and θ_3 by κ:
        //   ∂L/∂I2 = g3·(β − κ·(1 − ρ)·g2) = 0.5·(0.5 − 1·0.5·0.5) = 0.125.
        var store = new ParameterStore();
        var p = AlifParams.Create(store, "golden", 1, 1, 0.5f, 1f, 0.5f, 1f, learnBeta: true, learnThreshold: true, LifReset.Soft,
            detachReset: true, new SurrogateSpec(SurrogateKind.Rectangular, 2f));
        var current = Tensor.From([1f, 1f, 1f, 1f], new Shape(4, 1)).RequireGrad();
        var state = new AlifState(p, 1);
        using var tape = new Tape();
        var s = AlifNeuron.Scan(tape, current, 4, p, state);
        Assert.Equal([1f, 0f, 1f, 0f], s.ToArray());
        Assert.Equal(1.125f, state.V[0]);
        Assert.Equal(0.3125f, state.A[0]);
        tape.Backward(s, [0f, 0f, 0f, 1f]);
        Assert.Equal(0.5f, current.Grad!.Span[3]);
        Assert.Equal(0.125f, current.Grad.Span[2]);
    }
}
