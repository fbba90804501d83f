using System.Numerics.Tensors;
using NeuroCore.Autodiff;
using NeuroCore.Kernels;

namespace NeuroCore.Snn;

// CE-LIF, contextual-embedding LIF: Chen, Wu, Tang, Ren & Tan, "Enhancing long-term temporal dependencies of
// feedforward spiking neural networks" (arXiv 2308.15150). The paper's equations were not available to us; this is the
// provisional generalised adaptive-threshold LIF of the NeuroCore spec (methods-1 §3.2, [INFER]), with the decays of
// TC-LIF's ALIF (arXiv 2308.13250) parameterised through a sigmoid. The kernel and its derivation:
// NeuroCore.Kernels/CeLif.cs and Reference/CeLif.cs. ∂S/∂θ_t = −g: the threshold path carries gradient into θ0, β, γ,
// the embedding and back in time through the spike trace A and the context C.

/// <summary>
/// CE-LIF neurons over the fused <see cref="CeLif"/> kernels (model in <see cref="CeLifParams"/>):
/// <see cref="Scan"/> runs T steps as one tape entry, optionally with time-chunked recomputation for long sequences,
/// <see cref="Step"/> one step without allocating. Shapes and broadcasting are those of <see cref="LifNeuron"/>.
/// </summary>
public static class CeLifNeuron
{
    /// <summary>
    /// Runs the layer over a time-major sequence and returns the spikes (same shape as <paramref name="current"/>). One
    /// tape entry; uses <see cref="Tape.Threads"/>. The decays α = σ(logit), ρ, κ are computed on the tape, so their
    /// logits get gradients.
    /// </summary>
    /// <param name="tape">The tape.</param>
    /// <param name="current">Synaptic current, [T·B, features...] or [T, B, features...], time-major and contiguous.</param>
    /// <param name="steps">T (≥ 1).</param>
    /// <param name="p">The layer's parameters.</param>
    /// <param name="state">
    /// Null: start from rest at time 0. Otherwise start from its V, A, C and time, and write them back (chunked
    /// sequences; truncated BPTT: no gradient crosses into the incoming state).
    /// </param>
    /// <param name="drive">
    /// C2 only: the context drive X (e.g. <c>Ops.Linear</c> of the layer input with its own W_c), the shape of
    /// <paramref name="current"/>; null uses the current itself (W_c = W). Must be null for C1 and C3.
    /// </param>
    /// <param name="checkpointEvery">
    /// 0: save the kernel's checkpoints for the whole sequence (V, A, C before every
    /// <see cref="CeLif.CheckpointInterval"/>-th step, 3·⌈T/4⌉·B·F floats; the backward kernel recomputes the steps between
    /// them). K &gt; 0: time-chunked recomputation — save only V, A, C at every K-th step (3·⌈T/K⌉·B·F floats) and recompute
    /// each chunk's forward during the backward into a chunk's spikes and kernel checkpoints (K·B·F + 3·⌈K/4⌉·B·F floats,
    /// plus K·B·F for the drive gradient of C1/C2); the gradients equal the unchunked scan's (bitwise for inputs, to
    /// rounding for the parameters, which are summed per chunk). K ≈ √T minimises the memory; it costs one extra forward.
    /// </param>
    /// <exception cref="ArgumentException">
    /// The shape does not fit T and the layer; the state is of another layer or batch; a C1 sequence runs past the
    /// table; a drive is given for C1/C3 or has the wrong shape; <paramref name="checkpointEvery"/> is negative.
    /// </exception>
    public static Tensor Scan(Tape tape, Tensor current, int steps, CeLifParams p, CeLifState? state = null,
        Tensor? drive = null, int checkpointEvery = 0)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(p);
        int batch = NeuronLayout.BatchOf(p.Label, current.Shape, steps, p.Features, nameof(current));
        state?.CheckFor(p, batch, nameof(state));
        long start = state?.Time ?? 0;
        p.CheckSteps(start, steps, nameof(steps));
        if (checkpointEvery < 0)
            throw new ArgumentOutOfRangeException(nameof(checkpointEvery), checkpointEvery, $"{p.Label}: checkpointEvery must be 0 (save every step) or a chunk length K ≥ 1 (e.g. √T).");
        if (drive is not null)
        {
            if (p.Form != CeLifEmbedding.C2)
                throw new ArgumentException($"{p.Label}: a context drive is only used by the C2 embedding, this layer is {p.Form}; pass drive: null.", nameof(drive));
            if (drive.Size != current.Size)
                throw new ArgumentException($"{p.Label}: drive {drive.Shape} must hold one value per neuron and step like current {current.Shape}; map the input to {p.Features} features per step.", nameof(drive));
        }
        int n = batch * p.Features, groups = p.Groups, inner = p.Inner;
        bool c1 = p.Form == CeLifEmbedding.C1;
        var alpha = Ops.Sigmoid(tape, p.AlphaLogit);
        var rho = Ops.Sigmoid(tape, p.RhoLogit);
        var kappa = c1 ? tape.AllocateZeros(new Shape(groups)) : Ops.Sigmoid(tape, p.KappaLogit!);
        var driveT = p.Form == CeLifEmbedding.C2 ? drive ?? current : null;
        bool record = tape.ShouldRecord([current, alpha, p.Threshold, p.Beta, p.Gamma, rho, kappa, c1 ? p.Embedding! : current, driveT ?? current]);

        var k = new Coefficients(tape, alpha, p.Threshold, p.Beta, p.Gamma, rho, kappa, inner, batch);
        var coefficients = k.Spans(p);
        var v = NeuronLayout.StartFrom(tape, n, state is null ? default : state.V, keepCopy: false, out _);
        var a = NeuronLayout.StartFrom(tape, n, state is null ? default : state.A, keepCopy: false, out _);
        var c = NeuronLayout.StartFrom(tape, n, state is null ? default : state.C, keepCopy: false, out _);
        var spikes = tape.Allocate(current.Shape);
        int chunk = checkpointEvery == 0 || checkpointEvery >= steps ? steps : checkpointEvery;
        bool chunked = record && chunk < steps;
        int chunks = (steps + chunk - 1) / chunk;
        Tensor? checkpoints = null, x1 = null;
        if (c1) x1 = tape.Allocate(new Shape(checked(chunk * n))); // the C1 table rows broadcast, one chunk (or all T) at a time
        // Unchunked: the kernel's checkpoints of the whole scan; chunked: V, A, C before each chunk.
        if (record) checkpoints = tape.Allocate(new Shape(chunked ? checked(chunks * 3 * n) : CeLif.CheckpointLength(steps, n)));
        ReadOnlySpan<float> xs = current.Span;
        for (int ci = 0, t0 = 0; ci < chunks; ci++, t0 += chunk)
        {
            int len = Math.Min(chunk, steps - t0);
            if (chunked)
            {
                var cp = checkpoints!.Span.Slice(ci * 3 * n, 3 * n);
                v.Span.CopyTo(cp[..n]);
                a.Span.CopyTo(cp.Slice(n, n));
                c.Span.CopyTo(cp.Slice(2 * n, n));
            }
            ReadOnlySpan<float> x = c1 ? TableRows(p.Embedding!.Span, groups, inner, start + t0, len, batch, x1!.Span)
                : driveT is null ? default : driveT.Span.Slice(t0 * n, len * n);
            var range = new Range(t0 * n, (t0 + len) * n);
            CeLif.ScanForward(xs[range], x, len, n, coefficients, v.Span, a.Span, c.Span, spikes.Span[range],
                record && !chunked ? checkpoints!.Span : default, tape.Threads);
        }
        if (state is not null)
        {
            v.Span.CopyTo(state.V);
            a.Span.CopyTo(state.A);
            c.Span.CopyTo(state.C);
            state.Time = start + steps;
        }

        if (record)
        {
            int list = tape.RecordList([alpha, p.Threshold, p.Beta, p.Gamma, rho, kappa, checkpoints!, x1 ?? current]);
            tape.Record(new TapeEntry
            {
                Op = OpCode.Custom,
                Custom = CeLifScanBackward.For(p.Options.Surrogate.Kind),
                Output = spikes,
                A = current,
                B = drive,
                C = p.Embedding,
                ListStart = list,
                ListCount = 8,
                I0 = steps,
                I1 = groups,
                I2 = inner,
                I3 = (int)p.Options.Reset | (p.Options.DetachReset ? 2 : 0) | ((int)p.Form << 2),
                F0 = p.Options.Surrogate.Parameter,
                F1 = p.Options.ThetaMin,
                U0 = (ulong)chunk,
                U1 = (ulong)start,
            });
        }
        return spikes;
    }

    /// <summary>
    /// One step for a batch: <paramref name="current"/> is I[B·F], <paramref name="spikes"/> receives S[B·F], and
    /// <paramref name="state"/>'s V, A, C and time are updated. Allocates nothing; not recorded on any tape.
    /// </summary>
    /// <param name="p">The layer's parameters.</param>
    /// <param name="current">I[B·F] for this step.</param>
    /// <param name="state">The layer's state for this batch.</param>
    /// <param name="spikes">Destination S[B·F].</param>
    /// <param name="drive">C2 only: the drive X[B·F] for this step, or empty to use the current.</param>
    /// <remarks>The coefficients are recomputed from the parameters on every call (an O(B·F) broadcast), so a change
    /// to them takes effect at the next step.</remarks>
    /// <exception cref="ArgumentException">
    /// The state is of another layer or batch, a span length is not B·F, or a C1 layer has run past its table.
    /// </exception>
    public static void Step(CeLifParams p, ReadOnlySpan<float> current, CeLifState state, Span<float> spikes,
        ReadOnlySpan<float> drive = default)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(state);
        state.CheckFor(p, state.Batch, nameof(state));
        int n = state.Neurons;
        if (current.Length != n || spikes.Length < n)
            throw new ArgumentException(
                $"{p.Label}: Step takes current [B·F] = [{state.Batch}·{p.Features} = {n}] for this state, got current [{current.Length}] and spikes [{spikes.Length}]; pass one step of the whole batch.", nameof(current));
        if (!drive.IsEmpty && (p.Form != CeLifEmbedding.C2 || drive.Length != n))
            throw new ArgumentException($"{p.Label}: a step's drive is only used by the C2 embedding and must hold B·F = {n} values (this layer is {p.Form}, drive [{drive.Length}]).", nameof(drive));
        p.CheckSteps(state.Time, 1, nameof(state));
        int inner = p.Inner, batch = state.Batch;
        Sigmoid(p.AlphaLogit.Span, state.GroupScratch, inner, batch, state.Scratch(0));
        NeuronLayout.Broadcast(p.Threshold.Span, inner, batch, state.Scratch(1));
        NeuronLayout.Broadcast(p.Beta.Span, inner, batch, state.Scratch(2));
        NeuronLayout.Broadcast(p.Gamma.Span, inner, batch, state.Scratch(3));
        Sigmoid(p.RhoLogit.Span, state.GroupScratch, inner, batch, state.Scratch(4));
        if (p.KappaLogit is null) state.Scratch(5).Clear();
        else Sigmoid(p.KappaLogit.Span, state.GroupScratch, inner, batch, state.Scratch(5));
        ReadOnlySpan<float> x = p.Form switch
        {
            CeLifEmbedding.C1 => TableRows(p.Embedding!.Span, p.Groups, inner, state.Time, 1, batch, state.Scratch(6)),
            CeLifEmbedding.C2 => drive.IsEmpty ? current : drive,
            _ => default,
        };
        var k = new CeLifCoefficients
        {
            Alpha = state.Scratch(0), Theta0 = state.Scratch(1), Beta = state.Scratch(2), Gamma = state.Scratch(3),
            Rho = state.Scratch(4), Kappa = state.Scratch(5), ThetaMin = p.Options.ThetaMin, Reset = p.Options.Reset,
            Context = p.Form == CeLifEmbedding.C3 ? CeLifContext.Membrane : CeLifContext.Drive,
        };
        CeLif.Step(current, x, k, state.V, state.A, state.C, spikes[..n]);
        state.Time++;
    }

    /// <summary>Bytes the scan saves for its backward per layer (the kernel's checkpoints, or the chunk checkpoints and buffers).</summary>
    /// <param name="steps">T.</param>
    /// <param name="neurons">B·F.</param>
    /// <param name="checkpointEvery">0 (save every step) or the chunk length K.</param>
    /// <param name="form">The embedding (C1 also keeps its table rows broadcast, one chunk at a time).</param>
    /// <returns>The bytes of float state the backward keeps or recomputes into, beyond the spikes and the input.</returns>
    public static long SavedBytes(int steps, int neurons, int checkpointEvery, CeLifEmbedding form)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        ArgumentOutOfRangeException.ThrowIfNegative(neurons);
        ArgumentOutOfRangeException.ThrowIfNegative(checkpointEvery);
        int chunk = checkpointEvery == 0 || checkpointEvery >= steps ? steps : checkpointEvery;
        long n = neurons, driveRows = form == CeLifEmbedding.C1 ? chunk : 0;
        const int K = CeLif.CheckpointInterval;
        if (chunk == steps) return 4 * n * (3L * ((steps + K - 1) / K) + driveRows);
        long chunks = (steps + chunk - 1) / chunk;
        // Forward: V, A, C per chunk and the table rows; backward: a chunk's spikes and kernel checkpoints, V, A, C, and
        // the drive gradient.
        return 4 * n * (3 * chunks + driveRows + chunk + 3L * ((chunk + K - 1) / K) + 3 + (form == CeLifEmbedding.C3 ? 0 : chunk));
    }

    /// <summary>Writes the C1 table rows [start, start + len) broadcast over the batch into dst; returns the written part.</summary>
    static Span<float> TableRows(ReadOnlySpan<float> table, int groups, int inner, long start, int len, int batch, Span<float> dst)
    {
        int n = batch * groups * inner;
        for (int t = 0; t < len; t++)
            NeuronLayout.Broadcast(table.Slice((int)(start + t) * groups, groups), inner, batch, dst.Slice(t * n, n));
        return dst[..(len * n)];
    }

    /// <summary>σ of each group's logit (the same kernel as Ops.Sigmoid on [Groups]), broadcast to [B·F].</summary>
    static void Sigmoid(ReadOnlySpan<float> logits, Span<float> groups, int inner, int batch, Span<float> dst)
    {
        Elementwise.Map<SigmoidOp>(logits, groups);
        NeuronLayout.Broadcast(groups[..logits.Length], inner, batch, dst);
    }

    /// <summary>The six coefficient tensors broadcast to [B·F] on the tape.</summary>
    readonly struct Coefficients(Tape tape, Tensor alpha, Tensor theta0, Tensor beta, Tensor gamma, Tensor rho, Tensor kappa, int inner, int batch)
    {
        public readonly Tensor Alpha = NeuronLayout.Broadcast(tape, alpha, inner, batch), Theta0 = NeuronLayout.Broadcast(tape, theta0, inner, batch),
            Beta = NeuronLayout.Broadcast(tape, beta, inner, batch), Gamma = NeuronLayout.Broadcast(tape, gamma, inner, batch),
            Rho = NeuronLayout.Broadcast(tape, rho, inner, batch), Kappa = NeuronLayout.Broadcast(tape, kappa, inner, batch);

        public CeLifCoefficients Spans(CeLifParams p) => Spans(p.Options.ThetaMin, p.Options.Reset, p.Form);

        public CeLifCoefficients Spans(float thetaMin, LifReset reset, CeLifEmbedding form) => new()
        {
            Alpha = Alpha.Span, Theta0 = Theta0.Span, Beta = Beta.Span, Gamma = Gamma.Span, Rho = Rho.Span, Kappa = Kappa.Span,
            ThetaMin = thetaMin, Reset = reset, Context = form == CeLifEmbedding.C3 ? CeLifContext.Membrane : CeLifContext.Drive,
        };
    }

    /// <summary>The backward of <see cref="Scan"/>: one shared instance per surrogate kind.</summary>
    sealed class CeLifScanBackward : ICustomBackward
    {
        static readonly CeLifScanBackward[] Instances = NeuronLayout.PerSurrogateKind(k => new CeLifScanBackward(k));
        readonly SurrogateKind _kind;

        CeLifScanBackward(SurrogateKind kind) => _kind = kind;

        public static CeLifScanBackward For(SurrogateKind kind) => Instances[(int)kind];

        public void Backward(Tape tape, in TapeEntry e)
        {
            var input = e.A!;
            int steps = e.I0, groups = e.I1, inner = e.I2, chunk = (int)e.U0;
            int n = e.Output.Size / steps, batch = n / (groups * inner);
            var form = (CeLifEmbedding)(e.I3 >> 2);
            var reset = (LifReset)(e.I3 & 1);
            bool chunked = chunk < steps, c1 = form == CeLifEmbedding.C1, c2 = form == CeLifEmbedding.C2;
            Tensor alphaT = tape.ListItem(e.ListStart), theta0T = tape.ListItem(e.ListStart + 1), betaT = tape.ListItem(e.ListStart + 2),
                gammaT = tape.ListItem(e.ListStart + 3), rhoT = tape.ListItem(e.ListStart + 4), kappaT = tape.ListItem(e.ListStart + 5);
            var k = new Coefficients(tape, alphaT, theta0T, betaT, gammaT, rhoT, kappaT, inner, batch);
            var shape = new Shape(n);
            Tensor gAlpha = tape.AllocateZeros(shape), gTheta0 = tape.AllocateZeros(shape), gBeta = tape.AllocateZeros(shape),
                gGamma = tape.AllocateZeros(shape), gRho = tape.AllocateZeros(shape), gKappa = tape.AllocateZeros(shape);
            // The drive whose gradient is wanted: the C1 table rows, the explicit C2 drive, or the current itself (C2).
            var driveT = e.B;
            bool wantDrive = c1 ? tape.NeedsGrad(e.C) : c2 && (driveT is null ? tape.NeedsGrad(input) : tape.NeedsGrad(driveT));
            int bufferSteps = chunked ? chunk : steps;
            // C2 with X = I: the kernel writes ∂L/∂I + ∂L/∂X into the input's gradient itself (no drive buffer).
            bool fusedDrive = c2 && driveT is null && wantDrive;
            var gradDrive = wantDrive && !fusedDrive ? tape.Allocate(new Shape(checked(bufferSteps * n))) : null;
            // The kernel writes ∂L/∂I straight into the input's gradient (the only GradWriter open; the C1 table and
            // an explicit drive are accumulated through GradSum, which does not share its buffer).
            bool needInput = tape.NeedsGrad(input);
            var writer = needInput ? tape.BeginGrad(input) : default;
            Span<float> gradInput = needInput ? writer.Span : tape.Allocate(input.Shape).Span;
            var call = new Call
            {
                Tape = tape, Entry = e, K = k.Spans(e.F1, reset, form), Form = form, Steps = steps, Chunk = chunk, N = n,
                Batch = batch, Inner = inner, Groups = groups, Start = (long)e.U1, Detach = (e.I3 & 2) != 0,
                FusedDrive = fusedDrive, GradInput = gradInput, GradDrive = gradDrive is null ? default : gradDrive.Span,
                Grads = new CeLifGradients
                {
                    Alpha = gAlpha.Span, Theta0 = gTheta0.Span, Beta = gBeta.Span, Gamma = gGamma.Span, Rho = gRho.Span, Kappa = gKappa.Span,
                },
            };
            SurrogateDispatch.Run(new SurrogateSpec(_kind, e.F0), ref call);
            if (needInput) writer.Commit();
            if (c2 && driveT is not null && wantDrive && !chunked)
            {
                var w = tape.BeginGrad(driveT);
                gradDrive!.Span.CopyTo(w.Span);
                w.Commit();
            }
            NeuronLayout.AccumulateGrad(tape, alphaT, gAlpha.Span, inner, batch);
            NeuronLayout.AccumulateGrad(tape, theta0T, gTheta0.Span, inner, batch);
            NeuronLayout.AccumulateGrad(tape, betaT, gBeta.Span, inner, batch);
            NeuronLayout.AccumulateGrad(tape, gammaT, gGamma.Span, inner, batch);
            NeuronLayout.AccumulateGrad(tape, rhoT, gRho.Span, inner, batch);
            if (!c1) NeuronLayout.AccumulateGrad(tape, kappaT, gKappa.Span, inner, batch);
        }

        /// <summary>The backward with the concrete surrogate: one kernel call, or the chunks recomputed and walked backwards.</summary>
        ref struct Call : ISurrogateCall
        {
            public Tape Tape;
            public TapeEntry Entry;
            public CeLifCoefficients K;
            public CeLifEmbedding Form;
            public int Steps, Chunk, N, Batch, Inner, Groups;
            public long Start;
            public bool Detach, FusedDrive;
            public Span<float> GradInput, GradDrive;
            public CeLifGradients Grads;

            public readonly void Invoke<TSurrogate>(in TSurrogate sg) where TSurrogate : struct, ISurrogate
            {
                var tape = Tape;
                ref readonly TapeEntry e = ref Entry;
                int n = N, steps = Steps, chunk = Chunk;
                bool c1 = Form == CeLifEmbedding.C1, c2 = Form == CeLifEmbedding.C2, chunked = chunk < steps;
                var input = e.A!;
                ReadOnlySpan<float> xs = input.Span, gS = tape.GradOf(e.Output)!.Span;
                Tensor saved = tape.ListItem(e.ListStart + 6), table = tape.ListItem(e.ListStart + 7);
                ReadOnlySpan<float> drive = c2 ? (e.B ?? input).Span : default;
                var gv = tape.AllocateZeros(new Shape(n));
                var ga = tape.AllocateZeros(new Shape(n));
                var gc = tape.AllocateZeros(new Shape(n));
                var pEmbedding = e.C;
                if (!chunked)
                {
                    ReadOnlySpan<float> x = c1 ? table.Span[..(steps * n)] : drive;
                    Span<float> gx = FusedDrive ? GradInput : GradDrive.IsEmpty ? default : GradDrive[..(steps * n)];
                    CeLif.ScanBackward(sg, xs, x, steps, n, K, Detach, saved.Span, gS, GradInput, gx, Grads, gv.Span, ga.Span,
                        gc.Span, tape.Threads);
                    Finish(gx, 0, steps, pEmbedding);
                    return;
                }
                // Checkpointed: per chunk from the last, restore V, A, C, recompute the chunk's forward with its kernel
                // checkpoints, then run its backward with the carries of the chunk after it.
                var sp = tape.Allocate(new Shape(checked(chunk * n))).Span;
                var kcp = tape.Allocate(new Shape(CeLif.CheckpointLength(chunk, n))).Span;
                var v = tape.Allocate(new Shape(n)).Span;
                var a = tape.Allocate(new Shape(n)).Span;
                var c = tape.Allocate(new Shape(n)).Span;
                int chunks = (steps + chunk - 1) / chunk;
                for (int ci = chunks - 1; ci >= 0; ci--)
                {
                    int t0 = ci * chunk, len = Math.Min(chunk, steps - t0), m = len * n;
                    var cp = saved.Span.Slice(ci * 3 * n, 3 * n);
                    cp[..n].CopyTo(v);
                    cp.Slice(n, n).CopyTo(a);
                    cp.Slice(2 * n, n).CopyTo(c);
                    var range = new Range(t0 * n, t0 * n + m);
                    ReadOnlySpan<float> x = c1 ? TableRows(pEmbedding!.Span, Groups, Inner, Start + t0, len, Batch, table.Span) : c2 ? drive[range] : default;
                    var chunkCheckpoints = kcp[..CeLif.CheckpointLength(len, n)];
                    CeLif.ScanForward(xs[range], x, len, n, K, v, a, c, sp[..m], chunkCheckpoints, tape.Threads);
                    Span<float> gx = FusedDrive ? GradInput[range] : GradDrive.IsEmpty ? default : GradDrive[..m];
                    CeLif.ScanBackward(sg, xs[range], x, len, n, K, Detach, chunkCheckpoints, gS[range], GradInput[range], gx,
                        Grads, gv.Span, ga.Span, gc.Span, tape.Threads);
                    Finish(gx, t0, len, pEmbedding);
                }
            }

            /// <summary>Routes a chunk's drive gradient: into the C1 table rows, or (C2) into the current or the drive.</summary>
            readonly void Finish(Span<float> gx, int t0, int len, Tensor? embedding)
            {
                if (gx.IsEmpty || FusedDrive) return;
                int n = N;
                if (Form == CeLifEmbedding.C1)
                {
                    Span<float> g = Tape.GradSum(embedding!);
                    var row = Tape.Allocate(new Shape(Groups)).Span;
                    for (int t = 0; t < len; t++)
                    {
                        NeuronLayout.Reduce(gx.Slice(t * n, n), Groups, Inner, Batch, row);
                        var dst = g.Slice((int)(Start + t0 + t) * Groups, Groups);
                        TensorPrimitives.Add(dst, row, dst);
                    }
                    return;
                }
                var range = new Range(t0 * n, (t0 + len) * n);
                if (Entry.B is not null && Chunk < Steps)
                {
                    // An explicit drive under checkpointing: add this chunk's rows into the drive's gradient now.
                    Span<float> g = Tape.GradSum(Entry.B);
                    TensorPrimitives.Add(g[range], gx, g[range]);
                }
            }
        }
    }
}
