using NeuroCore.Autodiff;
using NeuroCore.Kernels;

namespace NeuroCore.Snn;

// Adaptive LIF with a spike-triggered threshold (ALIF): G. Bellec, D. Salaj, A. Subramoney, R. Legenstein & W. Maass,
// "Long short-term memory and learning-to-learn in networks of spiking neurons", NeurIPS 2018 (the LSNN), in the
// discrete form of B. Yin, F. Corradi & S. M. Bohté, "Accurate and efficient time-domain classification with adaptive
// spiking recurrent neural networks", Nature Machine Intelligence 3, 2021:
//   H_t = β·V_{t−1} + I_t,  θ_t = θ0 + κ·A_{t−1},  S_t = Θ(H_t − θ_t),
//   V_t = H_t − S_t·θ_t (soft) | H_t·(1 − S_t) (hard),  A_t = ρ·A_{t−1} + (1 − ρ)·S_t,  dΘ/dx := g(x).
// ∂S/∂θ_t = −g: the threshold path carries gradient back in time through A (derived in
// NeuroCore.Kernels/Reference/Alif.cs). A detached reset drops only the reset's S; the trace's S stays differentiated.

/// <summary>
/// Adaptive LIF neurons over the fused kernels of <see cref="Alif"/>: <see cref="Scan(Tape, Tensor, int, AlifParams)"/>
/// runs T steps as one tape entry, <see cref="Step"/> one step without allocating. Shapes, broadcasting and the chunk
/// semantics are those of <see cref="LifNeuron"/>.
/// </summary>
public static class AlifNeuron
{
    /// <summary>
    /// Runs the layer over a time-major sequence starting from rest (V0 = 0, A_{−1} = 0) and returns the spikes (same
    /// shape as <paramref name="current"/>). One tape entry; saves H[T,N] and A_{t−1}[T,N] (the backward recomputes θ_t
    /// from it); uses <see cref="Tape.Threads"/>.
    /// </summary>
    /// <param name="tape">The tape.</param>
    /// <param name="current">Synaptic current, [T·B, features...] or [T, B, features...], time-major and contiguous.</param>
    /// <param name="steps">T (≥ 1).</param>
    /// <param name="p">The layer's neuron parameters.</param>
    /// <exception cref="ArgumentException">The shape does not fit T and the layer's features; the message names the layer and the shape.</exception>
    public static Tensor Scan(Tape tape, Tensor current, int steps, AlifParams p) => ScanCore(tape, current, steps, p, null);

    /// <summary>
    /// Like <see cref="Scan(Tape, Tensor, int, AlifParams)"/>, but starts from <paramref name="state"/>'s V and A and
    /// writes V_T, A_T back (chunked sequences). Truncated BPTT: no gradient crosses the chunk boundary (none flows into
    /// the incoming V0 or A_{−1}); ∂β and ∂κ at the chunk's first step use the true V0 and A_{−1}.
    /// </summary>
    /// <param name="tape">The tape.</param>
    /// <param name="current">Synaptic current, [T·B, features...] or [T, B, features...].</param>
    /// <param name="steps">T (≥ 1).</param>
    /// <param name="p">The layer's neuron parameters.</param>
    /// <param name="state">A state of this layer and batch size; updated in place.</param>
    /// <exception cref="ArgumentException">The shape does not fit, or the state is of another layer or batch size.</exception>
    public static Tensor Scan(Tape tape, Tensor current, int steps, AlifParams p, AlifState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return ScanCore(tape, current, steps, p, state);
    }

    /// <summary>
    /// One step for a batch: <paramref name="current"/> is I[B·F], <paramref name="spikes"/> receives S[B·F], and
    /// <paramref name="state"/>'s V and A are updated. Allocates nothing; not recorded on any tape.
    /// </summary>
    /// <remarks>β, θ0, ρ and κ are broadcast into the state's buffers on every call (an O(B·F) copy), so a change to the
    /// parameters takes effect at the next step.</remarks>
    /// <exception cref="ArgumentException">The state is of another layer or batch size, or a span length is not B·F.</exception>
    public static void Step(AlifParams p, ReadOnlySpan<float> current, AlifState state, Span<float> spikes)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(state);
        state.CheckStep(p, current.Length, spikes.Length, nameof(state));
        NeuronLayout.Broadcast(p.DecayValues(), p.Inner, state.Batch, state.Scratch(0));
        NeuronLayout.Broadcast(p.Threshold.Span, p.Inner, state.Batch, state.Scratch(1));
        NeuronLayout.Broadcast(p.Rho.Span, p.Inner, state.Batch, state.Scratch(2));
        NeuronLayout.Broadcast(p.Kappa.Span, p.Inner, state.Batch, state.Scratch(3));
        Alif.Step(current, state.Scratch(0), state.Scratch(1), state.Scratch(2), state.Scratch(3), p.Reset, state.V,
            state.A, spikes, default, default);
    }

    static Tensor ScanCore(Tape tape, Tensor current, int steps, AlifParams p, AlifState? state)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(p);
        int batch = NeuronLayout.BatchOf(p.Label, current.Shape, steps, p.Features, nameof(current));
        state?.CheckFor(p, batch, nameof(state));
        int n = batch * p.Features;
        var decay = p.DecayOn(tape);
        bool record = tape.ShouldRecord([current, decay, p.Threshold, p.Rho, p.Kappa]);

        var beta = NeuronLayout.Broadcast(tape, decay, p.Inner, batch);
        var theta0 = NeuronLayout.Broadcast(tape, p.Threshold, p.Inner, batch);
        var rho = NeuronLayout.Broadcast(tape, p.Rho, p.Inner, batch);
        var kappa = NeuronLayout.Broadcast(tape, p.Kappa, p.Inner, batch);
        var v = NeuronLayout.StartFrom(tape, n, state is null ? default : state.V, record, out var v0);
        var a = NeuronLayout.StartFrom(tape, n, state is null ? default : state.A, keepCopy: false, out _);
        var spikes = tape.Allocate(current.Shape);
        var h = record ? tape.Allocate(current.Shape) : null;
        var aPrev = record ? tape.Allocate(current.Shape) : null;
        Alif.ScanForward(current.Span, steps, n, beta.Span, theta0.Span, rho.Span, kappa.Span, p.Reset, v.Span, a.Span,
            spikes.Span, h is null ? default : h.Span, aPrev is null ? default : aPrev.Span, tape.Threads);
        if (state is not null)
        {
            v.Span.CopyTo(state.V);
            a.Span.CopyTo(state.A);
        }

        if (record)
        {
            // ρ and κ (and the chunk's V0) do not fit the entry's fixed slots: they go in the tape's list. The chunk's
            // A_{−1} is row 0 of the saved trace.
            int list = v0 is null ? tape.RecordList([p.Rho, p.Kappa]) : tape.RecordList([p.Rho, p.Kappa, v0]);
            tape.Record(new TapeEntry
            {
                Op = OpCode.Custom,
                Custom = AlifScanBackward.For(p.Surrogate.Kind),
                Output = spikes,
                A = current,
                B = decay,
                C = p.Threshold,
                Saved0 = h,
                Saved1 = aPrev,
                ListStart = list,
                ListCount = v0 is null ? 2 : 3,
                I0 = steps,
                I1 = p.Groups,
                I2 = p.Inner,
                I3 = (int)p.Reset | (p.DetachReset ? 2 : 0),
                F0 = p.Surrogate.Parameter,
            });
        }
        return spikes;
    }

    /// <summary>The backward of <see cref="Scan(Tape, Tensor, int, AlifParams)"/>: one shared instance per surrogate kind.</summary>
    sealed class AlifScanBackward : ICustomBackward
    {
        static readonly AlifScanBackward[] Instances = NeuronLayout.PerSurrogateKind(k => new AlifScanBackward(k));
        readonly SurrogateKind _kind;

        AlifScanBackward(SurrogateKind kind) => _kind = kind;

        public static AlifScanBackward For(SurrogateKind kind) => Instances[(int)kind];

        public void Backward(Tape tape, in TapeEntry e)
        {
            var input = e.A!;
            Tensor betaT = e.B!, theta0T = e.C!, rhoT = tape.ListItem(e.ListStart), kappaT = tape.ListItem(e.ListStart + 1);
            int steps = e.I0, groups = e.I1, inner = e.I2;
            int n = e.Output.Size / steps, batch = n / (groups * inner);
            var shape = new Shape(n);
            var v0 = e.ListCount == 3 ? tape.ListItem(e.ListStart + 2) : tape.AllocateZeros(shape);
            Tensor gBeta = tape.AllocateZeros(shape), gTheta0 = tape.AllocateZeros(shape),
                gRho = tape.AllocateZeros(shape), gKappa = tape.AllocateZeros(shape);

            bool needInput = tape.NeedsGrad(input);
            var writer = needInput ? tape.BeginGrad(input) : default;
            var call = new Call
            {
                V0 = v0.Span,
                H = e.Saved0!.Span,
                APrev = e.Saved1!.Span,
                S = e.Output.Span,
                GradS = tape.GradOf(e.Output)!.Span,
                Steps = steps,
                Neurons = n,
                Beta = NeuronLayout.Broadcast(tape, betaT, inner, batch).Span,
                Theta0 = NeuronLayout.Broadcast(tape, theta0T, inner, batch).Span,
                Rho = NeuronLayout.Broadcast(tape, rhoT, inner, batch).Span,
                Kappa = NeuronLayout.Broadcast(tape, kappaT, inner, batch).Span,
                Reset = (LifReset)(e.I3 & 1),
                Detach = (e.I3 & 2) != 0,
                GradInput = needInput ? writer.Span : tape.Allocate(input.Shape).Span,
                GradBeta = gBeta.Span,
                GradTheta0 = gTheta0.Span,
                GradRho = gRho.Span,
                GradKappa = gKappa.Span,
                Threads = tape.Threads,
            };
            SurrogateDispatch.Run(new SurrogateSpec(_kind, e.F0), ref call);
            if (needInput) writer.Commit();
            NeuronLayout.AccumulateGrad(tape, betaT, gBeta.Span, inner, batch);
            NeuronLayout.AccumulateGrad(tape, theta0T, gTheta0.Span, inner, batch);
            NeuronLayout.AccumulateGrad(tape, rhoT, gRho.Span, inner, batch);
            NeuronLayout.AccumulateGrad(tape, kappaT, gKappa.Span, inner, batch);
        }

        ref struct Call : ISurrogateCall
        {
            public ReadOnlySpan<float> V0, H, APrev, S, GradS, Beta, Theta0, Rho, Kappa;
            public Span<float> GradInput, GradBeta, GradTheta0, GradRho, GradKappa;
            public int Steps, Neurons, Threads;
            public LifReset Reset;
            public bool Detach;

            public readonly void Invoke<TSurrogate>(in TSurrogate sg) where TSurrogate : struct, ISurrogate =>
                Alif.ScanBackward(sg, V0, H, APrev, S, GradS, Steps, Neurons, Beta, Theta0, Rho, Kappa, Reset, Detach,
                    GradInput, GradBeta, GradTheta0, GradRho, GradKappa, Threads);
        }
    }
}
