using System.Numerics.Tensors;
using NeuroCore.Autodiff;
using NeuroCore.Kernels;

namespace NeuroCore.Snn;

// Leaky integrate-and-fire neuron in discrete time, as in snnTorch's Leaky (J. K. Eshraghian et al., "Training
// Spiking Neural Networks Using Lessons From Deep Learning", Proc. IEEE 111(9), 2023) and SpikingJelly's LIF node
// (W. Fang et al., "SpikingJelly: An open-source machine learning infrastructure platform for spike-based
// intelligence", Science Advances 9(40), 2023), trained by BPTT with a surrogate gradient (E. O. Neftci, H. Mostafa
// & F. Zenke, "Surrogate Gradient Learning in Spiking Neural Networks", IEEE Signal Processing Magazine 36(6), 2019):
//   H_t = β·V_{t−1} + I_t,   S_t = Θ(H_t − θ),   V_t = H_t − S_t·θ (soft) | H_t·(1 − S_t) (hard),   dΘ/dx := g(x).
// The gradient formulas are derived in NeuroCore.Kernels/Reference/Lif.cs.

/// <summary>
/// Leaky integrate-and-fire neurons over the fused kernels of <see cref="Lif"/>. Per neuron and step:
/// <code>
/// H_t = β·V_{t−1} + I_t,   S_t = [H_t ≥ θ],   V_t = H_t − S_t·θ (soft) | H_t·(1 − S_t) (hard)
/// </code>
/// <see cref="Scan(Tape, Tensor, int, LifParams)"/> runs T steps as one tape entry (backward: the fused BPTT kernel
/// with the layer's surrogate); <see cref="Step"/> runs one step for streaming inference without allocating.
/// </summary>
public static partial class LifNeuron
{
    /// <summary>
    /// Runs the layer over a whole time-major sequence starting from rest (V0 = 0 for every sample) and returns the
    /// spikes S (same shape as <paramref name="current"/>). Recorded as one tape entry when the current, β or θ needs
    /// a gradient; it saves H[T,N] and uses <see cref="Tape.Threads"/>.
    /// </summary>
    /// <param name="tape">The tape.</param>
    /// <param name="current">Synaptic current, [T·B, features...] or [T, B, features...], time-major and contiguous.</param>
    /// <param name="steps">T (≥ 1).</param>
    /// <param name="p">The layer's neuron parameters.</param>
    /// <exception cref="ArgumentException">The shape does not fit T and the layer's features; the message names the layer and the shape.</exception>
    public static Tensor Scan(Tape tape, Tensor current, int steps, LifParams p) => ScanCore(tape, current, steps, p, null);

    /// <summary>
    /// Like <see cref="Scan(Tape, Tensor, int, LifParams)"/>, but starts from <paramref name="state"/>'s V (read as V0)
    /// and writes V_T back into it, so a long sequence can be fed in chunks. Truncated BPTT: the gradient stops at
    /// the chunk boundary (no gradient flows into the incoming V0, nor from the next chunk into this one), though
    /// ∂L/∂β at the chunk's first step does use the true V0.
    /// </summary>
    /// <param name="tape">The tape.</param>
    /// <param name="current">Synaptic current, [T·B, features...] or [T, B, features...].</param>
    /// <param name="steps">T (≥ 1).</param>
    /// <param name="p">The layer's neuron parameters.</param>
    /// <param name="state">A state of this layer and batch size; updated in place.</param>
    /// <exception cref="ArgumentException">The shape does not fit, or the state is of another layer or batch size.</exception>
    public static Tensor Scan(Tape tape, Tensor current, int steps, LifParams p, LifState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return ScanCore(tape, current, steps, p, state);
    }

    /// <summary>
    /// One step for a batch: <paramref name="current"/> is I[B·F] for this step, <paramref name="spikes"/> receives S[B·F],
    /// and <paramref name="state"/>'s V is updated. Allocates nothing. Not recorded on any tape.
    /// </summary>
    /// <remarks>β and θ are broadcast into the state's buffers on every call (an O(B·F) copy), so a change to the
    /// parameters takes effect at the next step.</remarks>
    /// <exception cref="ArgumentException">The state is of another layer or batch size, or a span length is not B·F.</exception>
    public static void Step(LifParams p, ReadOnlySpan<float> current, LifState state, Span<float> spikes)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(state);
        state.CheckStep(p, current.Length, spikes.Length, nameof(state));
        NeuronLayout.Broadcast(p.DecayValues(), p.Inner, state.Batch, state.BetaScratch);
        NeuronLayout.Broadcast(p.Threshold.Span, p.Inner, state.Batch, state.ThresholdScratch);
        Lif.Step(current, state.BetaScratch, state.ThresholdScratch, p.Reset, state.V, spikes, default);
    }

    static Tensor ScanCore(Tape tape, Tensor current, int steps, LifParams p, LifState? state)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(p);
        int batch = NeuronLayout.BatchOf(p.Label, current.Shape, steps, p.Features, nameof(current));
        state?.CheckFor(p, batch, nameof(state));
        int n = batch * p.Features;
        var decay = p.DecayOn(tape);
        bool record = tape.ShouldRecord(current, decay, p.Threshold);

        var beta = NeuronLayout.Broadcast(tape, decay, p.Inner, batch);
        var theta = NeuronLayout.Broadcast(tape, p.Threshold, p.Inner, batch);
        var v = NeuronLayout.StartFrom(tape, n, state is null ? default : state.V, record, out var v0);
        var spikes = tape.Allocate(current.Shape);
        var h = record ? tape.Allocate(current.Shape) : null;
        Lif.ScanForward(current.Span, steps, n, beta.Span, theta.Span, p.Reset, v.Span, spikes.Span,
            h is null ? default : h.Span, tape.Threads);
        if (state is not null) v.Span.CopyTo(state.V);

        if (record)
            tape.Record(new TapeEntry
            {
                Op = OpCode.Custom,
                Custom = LifScanBackward.For(p.Surrogate.Kind),
                Output = spikes,
                A = current,
                B = decay,
                C = p.Threshold,
                Saved0 = h,
                Saved1 = v0,
                I0 = steps,
                I1 = p.Groups,
                I2 = p.Inner,
                I3 = (int)p.Reset | (p.DetachReset ? 2 : 0),
                F0 = p.Surrogate.Parameter,
            });
        return spikes;
    }

    /// <summary>
    /// The backward of <see cref="Scan(Tape, Tensor, int, LifParams)"/>: one shared instance per surrogate kind (the
    /// entry carries the parameter in F0), so recording allocates nothing.
    /// </summary>
    sealed class LifScanBackward : ICustomBackward
    {
        static readonly LifScanBackward[] Instances = NeuronLayout.PerSurrogateKind(k => new LifScanBackward(k));
        readonly SurrogateKind _kind;

        LifScanBackward(SurrogateKind kind) => _kind = kind;

        public static LifScanBackward For(SurrogateKind kind) => Instances[(int)kind];

        public void Backward(Tape tape, in TapeEntry e)
        {
            var input = e.A!;
            var betaT = e.B!;
            var thetaT = e.C!;
            int steps = e.I0, groups = e.I1, inner = e.I2;
            int n = e.Output.Size / steps, batch = n / (groups * inner);
            var reset = (LifReset)(e.I3 & 1);
            bool detach = (e.I3 & 2) != 0;

            var beta = NeuronLayout.Broadcast(tape, betaT, inner, batch);
            var theta = NeuronLayout.Broadcast(tape, thetaT, inner, batch);
            // Fixed β and θ (the usual case): the kernel skips both reductions and needs no V0.
            bool parameters = tape.NeedsGrad(betaT) || tape.NeedsGrad(thetaT);
            var v0 = parameters ? e.Saved1 ?? tape.AllocateZeros(new Shape(n)) : null;
            var gBeta = parameters ? tape.AllocateZeros(new Shape(n)) : null;
            var gTheta = parameters ? tape.AllocateZeros(new Shape(n)) : null;

            bool needInput = tape.NeedsGrad(input);
            var h = e.Saved0!;
            // The input's gradient overwrites the saved membrane when it is the first to flow there: Lif.ScanBackward
            // reads H[t] (and H[t-1]) before it writes gradInput[t] and walks t downwards, so the aliasing is exact and
            // saves one [T·B, F] buffer (W3: 6.25 MiB of the step's peak).
            bool adopted = needInput && tape.TryAdoptGrad(input, h);
            var writer = needInput && !adopted ? tape.BeginGrad(input) : default;
            Span<float> gIn = adopted ? h.Span : needInput ? writer.Span : tape.Allocate(input.Shape).Span;
            var call = new Call
            {
                V0 = v0 is null ? default : v0.Span,
                H = h.Span,
                S = e.Output.Span,
                GradS = tape.GradOf(e.Output)!.Span,
                Steps = steps,
                Neurons = n,
                Beta = beta.Span,
                Theta = theta.Span,
                Reset = reset,
                Detach = detach,
                GradInput = gIn,
                GradBeta = gBeta is null ? default : gBeta.Span,
                GradTheta = gTheta is null ? default : gTheta.Span,
                Threads = tape.Threads,
            };
            SurrogateDispatch.Run(new SurrogateSpec(_kind, e.F0), ref call);
            if (needInput && !adopted) writer.Commit();

            if (!parameters) return;
            NeuronLayout.AccumulateGrad(tape, betaT, gBeta!.Span, inner, batch);
            NeuronLayout.AccumulateGrad(tape, thetaT, gTheta!.Span, inner, batch);
        }

        ref struct Call : ISurrogateCall
        {
            public ReadOnlySpan<float> V0, H, S, GradS, Beta, Theta;
            public Span<float> GradInput, GradBeta, GradTheta;
            public int Steps, Neurons, Threads;
            public LifReset Reset;
            public bool Detach;

            public readonly void Invoke<TSurrogate>(in TSurrogate sg) where TSurrogate : struct, ISurrogate =>
                Lif.ScanBackward(sg, V0, H, S, GradS, default, Steps, Neurons, Beta, Theta, Reset, Detach,
                    GradInput, GradBeta, GradTheta, default, Threads);
        }
    }
}
