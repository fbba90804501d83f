using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NeuroCore.Autodiff;
using NeuroCore.Kernels;
using static NeuroCore.Snn.Tests.Neurons.NeuronTestKit;

namespace NeuroCore.Snn.Tests.Neurons;

/// <summary>One CE-LIF test problem: sizes, reset, surrogate, embedding form (C2 with its own drive or the current).</summary>
public sealed record CeLifCase(int Steps, int Batch, int Groups, int Inner, LifReset Reset, bool Detach, SurrogateSpec Surrogate,
    bool TimeBatchAxes, CeLifEmbedding Form, bool OwnDrive, int Seed)
{
    /// <summary>Features per sample.</summary>
    public int Features => Groups * Inner;

    /// <summary>B × F.</summary>
    public int Neurons => Batch * Features;

    /// <summary>The current's shape: [T·B, G, Inner] or [T, B, G·Inner].</summary>
    public Shape CurrentShape => TimeBatchAxes ? new Shape(Steps, Batch, Features) : new Shape(Steps * Batch, Groups, Inner);

    /// <summary>True when the scan takes a separate drive tensor (C2 with W_c ≠ W).</summary>
    public bool HasDrive => Form == CeLifEmbedding.C2 && OwnDrive;

    /// <inheritdoc/>
    public override string ToString() =>
        $"CE-LIF {Form}{(HasDrive ? "+drive" : "")} T={Steps} B={Batch} G={Groups} inner={Inner} {Reset} detach={Detach} {Surrogate} {(TimeBatchAxes ? "[T,B,F]" : "[T·B,G,I]")} seed={Seed}";

    /// <summary>Small cases: each one runs a composed per-step graph.</summary>
    public static Arbitrary<CeLifCase> Cases(int maxSteps = 6) =>
        (from steps in Gen.Choose(1, maxSteps)
         from batch in Gen.Choose(1, 3)
         from groups in Gen.Choose(1, 4)
         from inner in Gen.Choose(1, 3)
         from reset in Gen.Elements(LifReset.Soft, LifReset.Hard)
         from detach in Gen.Elements(false, true)
         from sg in NeuronGens.Surrogate
         from axes in Gen.Elements(false, true)
         from form in Gen.Elements(CeLifEmbedding.C1, CeLifEmbedding.C2, CeLifEmbedding.C3)
         from own in Gen.Elements(false, true)
         from seed in Gen.Choose(0, 1_000_000)
         select new CeLifCase(steps, batch, groups, inner, reset, detach, sg, axes, form, own, seed)).ToArbitrary();
}

/// <summary>
/// CE-LIF neuron layer: fused scan vs the same neuron composed of per-step tape ops, finite differences of a
/// straight-through twin (logits, embedding and drive included), checkpointed vs saved scans, Step vs Scan, errors.
/// </summary>
public sealed class CeLifNeuronTests
{
    /// <summary>
    /// Random parameters. γ is kept small (|γ·c| &lt; θ0 − θ_min) so the threshold floor never engages here: the composed
    /// graph has no floor op (the floor is covered by the kernel tests).
    /// </summary>
    static CeLifParams RandomParams(ParameterStore store, CeLifCase c, Random rng, int maxSteps = 0)
    {
        var p = CeLifParams.Create(store, "cel", c.Groups, c.Inner, new CeLifOptions
        {
            Embedding = c.Form, MaxSteps = Math.Max(maxSteps, c.Steps + 2), Reset = c.Reset, DetachReset = c.Detach,
            Surrogate = c.Surrogate,
        });
        Uniform(rng, c.Groups, -1, 3).CopyTo(p.AlphaLogit.Span);
        Uniform(rng, c.Groups, 0.6, 1.5).CopyTo(p.Threshold.Span);
        Uniform(rng, c.Groups, 0, 1).CopyTo(p.Beta.Span);
        Uniform(rng, c.Groups, -0.3, 0.3).CopyTo(p.Gamma.Span);
        Uniform(rng, c.Groups, -1, 3).CopyTo(p.RhoLogit.Span);
        if (p.KappaLogit is not null) Uniform(rng, c.Groups, -1, 3).CopyTo(p.KappaLogit.Span);
        if (p.Embedding is not null) Uniform(rng, p.Embedding.Size, -1, 1).CopyTo(p.Embedding.Span);
        return p;
    }

    /// <summary>
    /// The neuron composed of per-step tape ops in the kernel's operation order, parameters as [G, 1] broadcast over
    /// [B, G, Inner]; a detached reset uses a copy of S that is not on the tape. Returns S as [T·B, G, Inner].
    /// </summary>
    static Tensor Composed(Tape tape, Tensor current, Tensor? drive, CeLifCase c, CeLifParams p)
    {
        var g1 = new Shape(c.Groups, 1);
        var bgi = new Shape(c.Steps * c.Batch, c.Groups, c.Inner);
        var cur = Ops.Reshape(tape, current, bgi);
        var x = drive is null ? cur : Ops.Reshape(tape, drive, bgi);
        var one = Tensor.Full(new Shape(1), 1f);
        var alpha = Ops.Reshape(tape, Ops.Sigmoid(tape, p.AlphaLogit), g1);
        var rho = Ops.Reshape(tape, Ops.Sigmoid(tape, p.RhoLogit), g1);
        var kappa = p.KappaLogit is null ? null : Ops.Reshape(tape, Ops.Sigmoid(tape, p.KappaLogit), g1);
        var theta0 = Ops.Reshape(tape, p.Threshold, g1);
        var beta = Ops.Reshape(tape, p.Beta, g1);
        var gamma = Ops.Reshape(tape, p.Gamma, g1);
        Tensor v = Tensor.Zeros(new Shape(c.Batch, c.Groups, c.Inner)), a = v, ctx = v;
        var spikes = new Tensor[c.Steps];
        for (int t = 0; t < c.Steps; t++)
        {
            var i = Ops.Slice(tape, cur, 0, t * c.Batch, c.Batch);
            var h = Ops.Add(tape, Ops.Mul(tape, alpha, v), Ops.Mul(tape, Ops.Sub(tape, one, alpha), i));
            ctx = c.Form switch
            {
                CeLifEmbedding.C1 => Ops.Reshape(tape, Ops.Slice(tape, p.Embedding!, 0, t, 1), g1), // C_t = e_t (κ = 0)
                CeLifEmbedding.C2 => Ops.Add(tape, Ops.Mul(tape, kappa!, ctx), Ops.Mul(tape, Ops.Sub(tape, one, kappa!), Ops.Slice(tape, x, 0, t * c.Batch, c.Batch))),
                _ => Ops.Add(tape, Ops.Mul(tape, kappa!, ctx), Ops.Mul(tape, Ops.Sub(tape, one, kappa!), v)),
            };
            var theta = Ops.Add(tape, Ops.Add(tape, theta0, Ops.Mul(tape, beta, a)), Ops.Mul(tape, gamma, ctx));
            var s = SpikeOps.Spike(tape, Ops.Sub(tape, h, theta), p.Options.Surrogate);
            var sr = c.Detach ? Tensor.From(s.Span, s.Shape) : s;
            v = c.Reset == LifReset.Soft ? Ops.Sub(tape, h, Ops.Mul(tape, sr, theta)) : Ops.Mul(tape, h, Ops.Sub(tape, one, sr));
            a = Ops.Add(tape, Ops.Mul(tape, rho, a), Ops.Mul(tape, Ops.Sub(tape, one, rho), s));
            spikes[t] = s;
        }
        return Ops.Concat(tape, spikes, 0);
    }

    static float[][] ParamGrads(CeLifParams p)
    {
        var all = new List<float[]> { p.AlphaLogit.Grad!.ToArray(), p.Threshold.Grad!.ToArray(), p.Beta.Grad!.ToArray(), p.Gamma.Grad!.ToArray(), p.RhoLogit.Grad!.ToArray() };
        if (p.KappaLogit is not null) all.Add(p.KappaLogit.Grad!.ToArray());
        if (p.Embedding is not null) all.Add(p.Embedding.Grad!.ToArray());
        return [.. all];
    }

    static readonly string[] ParamNames = ["∂alpha_logit", "∂θ0", "∂β", "∂γ", "∂rho_logit", "∂kappa_logit|∂embedding", "∂embedding"];

    [Property(MaxTest = 80)]
    public Property Scan_EqualsComposedPerStepOps() =>
        Prop.ForAll(CeLifCase.Cases(), c =>
        {
            var rng = new Random(c.Seed);
            var store = new ParameterStore();
            var p = RandomParams(store, c, rng);
            var current = Tensor.From(Uniform(rng, c.Steps * c.Neurons, -0.4, 2.0), c.CurrentShape).RequireGrad();
            var drive = c.HasDrive ? Tensor.From(Uniform(rng, c.Steps * c.Neurons, -1, 1), c.CurrentShape).RequireGrad() : null;
            var w = Uniform(rng, c.Steps * c.Neurons, -1, 1);

            using var tape = new Tape();
            var s = CeLifNeuron.Scan(tape, current, c.Steps, p, drive: drive);
            Assert.Equal(c.CurrentShape, s.Shape);
            Assert.Single(tape.Entries.ToArray(), e => e.Op == OpCode.Custom);
            tape.Backward(Weighted(tape, s, w));
            float[] sF = s.ToArray(), giF = current.Grad!.ToArray(), gdF = drive?.Grad!.ToArray() ?? [];
            var gpF = ParamGrads(p);

            current.Grad!.Span.Clear();
            drive?.Grad!.Span.Clear();
            store.ZeroGrad();
            tape.Reset();
            var sC = Composed(tape, current, drive, c, p);
            tape.Backward(Weighted(tape, sC, w));
            AssertClose(sC.Span, sF, 0, 0, $"{c} spikes vs composed");
            AssertClose(current.Grad.Span, giF, 1e-5, 1e-4, $"{c} ∂input vs composed");
            if (drive is not null) AssertClose(drive.Grad!.Span, gdF, 1e-5, 1e-4, $"{c} ∂drive vs composed");
            var gpC = ParamGrads(p);
            for (int k = 0; k < gpC.Length; k++) AssertClose(gpC[k], gpF[k], 1e-5, 1e-4, $"{c} {ParamNames[k]} vs composed");
        });

    /// <summary>
    /// Finite differences through a straight-through smooth twin in double (as for LIF/ALIF in NeuronGradientTests):
    /// S_t = c_t + P(H_t − θ_t) with c_t frozen so the base point is the Heaviside trajectory. Covers the unconstrained
    /// decay logits (through σ), θ0, β, γ, the C1 table, the C2 drive and the input.
    /// </summary>
    [Property(MaxTest = 40)]
    public Property Scan_GradientMatchesFiniteDifferenceOfStraightThroughTwin() =>
        Prop.ForAll(CeLifCase.Cases(maxSteps: 5), c =>
        {
            var rng = new Random(c.Seed);
            var store = new ParameterStore();
            var p = RandomParams(store, c, rng);
            var current = Tensor.From(Uniform(rng, c.Steps * c.Neurons, -0.4, 2.0), c.CurrentShape).RequireGrad();
            var drive = c.HasDrive ? Tensor.From(Uniform(rng, c.Steps * c.Neurons, -1, 1), c.CurrentShape).RequireGrad() : null;
            float[] w = Uniform(rng, current.Size, -1, 1);
            using var tape = new Tape();
            var s = CeLifNeuron.Scan(tape, current, c.Steps, p, drive: drive);
            tape.Backward(s, w);

            var sg = Of(c.Surrogate);
            float[] spikes = s.ToArray();
            static double[] D(Tensor? t) => t is null ? [] : [.. t.ToArray().Select(x => (double)x)];
            double[] input = D(current), drv = D(drive), al = D(p.AlphaLogit), th0 = D(p.Threshold), be = D(p.Beta), ga = D(p.Gamma);
            double[] rl = D(p.RhoLogit), kl = D(p.KappaLogit), emb = D(p.Embedding);
            var offsets = new double[spikes.Length];
            Twin(null);
            for (int i = 0; i < offsets.Length; i++) offsets[i] = spikes[i] - sg.Primitive(offsets[i]);

            static double Sig(double x) => 1 / (1 + Math.Exp(-x));
            double Twin(double[]? c0)
            {
                int n = c.Neurons;
                double loss = 0;
                for (int j = 0; j < n; j++)
                {
                    int g = j % c.Features / c.Inner;
                    double alpha = Sig(al[g]), rho = Sig(rl[g]), kappa = kl.Length == 0 ? 0 : Sig(kl[g]);
                    double v = 0, a = 0, cx = 0;
                    for (int t = 0; t < c.Steps; t++)
                    {
                        int i = t * n + j;
                        double h = alpha * v + (1 - alpha) * input[i];
                        double z = c.Form switch { CeLifEmbedding.C1 => emb[t * c.Groups + g], CeLifEmbedding.C2 => drv.Length > 0 ? drv[i] : input[i], _ => v };
                        cx = c.Form == CeLifEmbedding.C1 ? z : kappa * cx + (1 - kappa) * z;
                        double th = th0[g] + be[g] * a + ga[g] * cx, x = h - th;
                        double sv = c0 is null ? spikes[i] : c0[i] + sg.Primitive(x);
                        if (c0 is null) offsets[i] = x;
                        double sr = c.Detach ? spikes[i] : sv;
                        v = c.Reset == LifReset.Soft ? h - sr * th : h * (1 - sr);
                        a = rho * a + (1 - rho) * sv;
                        loss += w[i] * sv;
                    }
                }
                return loss;
            }

            void Check(string name, double[] x, ReadOnlySpan<float> grad) =>
                NeuronTestKit.AssertFiniteDifferences(name, x, grad, () => Twin(offsets), c);
            Check("∂input", input, current.Grad!.Span);
            if (drive is not null) Check("∂drive", drv, drive.Grad!.Span);
            Check("∂alpha_logit", al, p.AlphaLogit.Grad!.Span);
            Check("∂θ0", th0, p.Threshold.Grad!.Span);
            Check("∂β", be, p.Beta.Grad!.Span);
            Check("∂γ", ga, p.Gamma.Grad!.Span);
            Check("∂rho_logit", rl, p.RhoLogit.Grad!.Span);
            if (p.KappaLogit is not null) Check("∂kappa_logit", kl, p.KappaLogit.Grad!.Span);
            if (p.Embedding is not null) Check("∂embedding", emb, p.Embedding.Grad!.Span);
        });

    [Theory]
    [InlineData(CeLifEmbedding.C1, false, 5)]
    [InlineData(CeLifEmbedding.C2, false, 7)]
    [InlineData(CeLifEmbedding.C2, true, 1)]
    [InlineData(CeLifEmbedding.C3, false, 6)]
    [InlineData(CeLifEmbedding.C3, false, 40)]
    public void CheckpointedScan_EqualsSavedScan(CeLifEmbedding form, bool ownDrive, int every)
    {
        // T = 37 in chunks of K (the last one partial): the spikes are bitwise those of the saved scan, the input and
        // drive gradients too (the same carries reach every chunk), and the parameter gradients equal to rounding
        // (they are summed per chunk).
        var c = new CeLifCase(37, 3, 5, 2, LifReset.Soft, false, new SurrogateSpec(SurrogateKind.ATan, 2f), false, form, ownDrive, 11);
        var rng = new Random(c.Seed);
        var store = new ParameterStore();
        var p = RandomParams(store, c, rng);
        var current = Tensor.From(Uniform(rng, c.Steps * c.Neurons, -0.4, 2.0), c.CurrentShape).RequireGrad();
        var drive = c.HasDrive ? Tensor.From(Uniform(rng, c.Steps * c.Neurons, -1, 1), c.CurrentShape).RequireGrad() : null;
        var w = Uniform(rng, c.Steps * c.Neurons, -1, 1);
        float[][] Run(int k, out float[] spikes, out float[] gi, out float[] gd)
        {
            current.Grad!.Span.Clear();
            drive?.Grad!.Span.Clear();
            store.ZeroGrad();
            using var tape = new Tape(threads: 2);
            var s = CeLifNeuron.Scan(tape, current, c.Steps, p, drive: drive, checkpointEvery: k);
            tape.Backward(s, w);
            spikes = s.ToArray();
            gi = current.Grad!.ToArray();
            gd = drive?.Grad!.ToArray() ?? [];
            return ParamGrads(p);
        }
        var full = Run(0, out var sF, out var giF, out var gdF);
        var chunked = Run(every, out var sK, out var giK, out var gdK);
        AssertClose(sF, sK, 0, 0, $"{form} K={every} spikes");
        Assert.Equal(giF, giK);
        Assert.Equal(gdF, gdK);
        for (int k = 0; k < full.Length; k++) AssertClose(full[k], chunked[k], 1e-6, 1e-5, $"{form} K={every} {ParamNames[k]}");
        Assert.Contains(sF, x => x == 1f);
    }

    [Theory]
    [InlineData(CeLifEmbedding.C1)]
    [InlineData(CeLifEmbedding.C2)]
    [InlineData(CeLifEmbedding.C3)]
    public void StepOverTime_AndScanInChunksWithState_EqualOneScan(CeLifEmbedding form)
    {
        var c = new CeLifCase(9, 2, 3, 2, LifReset.Hard, false, SurrogateSpec.Default(SurrogateKind.FastSigmoid), true, form, false, 5);
        var rng = new Random(c.Seed);
        var p = RandomParams(new ParameterStore(), c, rng);
        var current = Tensor.From(Uniform(rng, c.Steps * c.Neurons, -0.4, 2.0), c.CurrentShape);
        using var tape = new Tape(recording: false);
        float[] scan = CeLifNeuron.Scan(tape, current, c.Steps, p).ToArray();
        Assert.Contains(scan, x => x == 1f);

        var state = new CeLifState(p, c.Batch);
        var stepped = new float[scan.Length];
        int n = c.Neurons;
        for (int t = 0; t < c.Steps; t++)
            CeLifNeuron.Step(p, current.Span.Slice(t * n, n), state, stepped.AsSpan(t * n, n));
        Assert.Equal(scan, stepped);
        Assert.Equal(c.Steps, state.Time);

        // The same sequence as two scans carrying the state (C1 continues at table row 4).
        var chunkState = new CeLifState(p, c.Batch);
        float[] first = CeLifNeuron.Scan(tape, Tensor.From(current.Span[..(4 * n)], new Shape(4, c.Batch, c.Features)), 4, p, chunkState).ToArray();
        float[] second = CeLifNeuron.Scan(tape, Tensor.From(current.Span[(4 * n)..], new Shape(5, c.Batch, c.Features)), 5, p, chunkState).ToArray();
        Assert.Equal(scan, first.Concat(second).ToArray());
        Assert.Equal(state.V.ToArray(), chunkState.V.ToArray());
        Assert.Equal(state.C.ToArray(), chunkState.C.ToArray());

        // Stepping allocates nothing.
        state.Reset();
        var spikes = new float[n];
        CeLifNeuron.Step(p, current.Span[..n], state, spikes);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 1; t < c.Steps; t++) CeLifNeuron.Step(p, current.Span.Slice(t * n, n), state, spikes);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void BadInput_ThrowsNamingTheLayerAndTheFix()
    {
        var store = new ParameterStore();
        var e = Assert.Throws<ArgumentException>(() => CeLifParams.Create(store, "h1", 4, 1, new CeLifOptions { Embedding = CeLifEmbedding.C3, Threshold = 0f }));
        Assert.Contains("CE-LIF layer 'h1'", e.Message);
        Assert.Contains("Threshold", e.Message);
        e = Assert.Throws<ArgumentException>(() => CeLifParams.Create(store, "h2", 4, 1, new CeLifOptions { Embedding = CeLifEmbedding.C3, Threshold = -1f }));
        Assert.Contains("> 0", e.Message);
        e = Assert.Throws<ArgumentException>(() => CeLifParams.Create(store, "h3", 4, 1, new CeLifOptions { Embedding = CeLifEmbedding.C1 }));
        Assert.Contains("MaxSteps", e.Message);
        e = Assert.Throws<ArgumentException>(() => CeLifParams.Create(store, "h4", 4, 1, new CeLifOptions { Embedding = CeLifEmbedding.C2, Alpha = 1f }));
        Assert.Contains("(0, 1)", e.Message);
        e = Assert.Throws<ArgumentException>(() => CeLifParams.Create(store, "h5", 4, 1, new CeLifOptions { Embedding = CeLifEmbedding.C2, ThetaMin = 0f }));
        Assert.Contains("ThetaMin", e.Message);

        var p = CeLifParams.Create(store, "seq", 4, 1, new CeLifOptions { Embedding = CeLifEmbedding.C1, MaxSteps = 10 });
        using var tape = new Tape();
        var current = Tensor.Zeros(new Shape(12 * 2, 4));
        e = Assert.Throws<ArgumentException>(() => CeLifNeuron.Scan(tape, current, 12, p));
        Assert.Contains("CE-LIF layer 'seq'", e.Message);
        Assert.Contains("MaxSteps = 10", e.Message);
        Assert.Contains("C2 or C3", e.Message);
        var state = new CeLifState(p, 2);
        CeLifNeuron.Scan(tape, Tensor.Zeros(new Shape(8 * 2, 4)), 8, p, state);
        e = Assert.Throws<ArgumentException>(() => CeLifNeuron.Scan(tape, Tensor.Zeros(new Shape(3 * 2, 4)), 3, p, state));
        Assert.Contains("8 already run", e.Message);
        var spikes = new float[8];
        CeLifNeuron.Step(p, new float[8], state, spikes);
        CeLifNeuron.Step(p, new float[8], state, spikes);
        Assert.Throws<ArgumentException>(() => CeLifNeuron.Step(p, new float[8], state, spikes));
        e = Assert.Throws<ArgumentException>(() => CeLifNeuron.Scan(tape, Tensor.Zeros(new Shape(2, 4)), 1, p, drive: Tensor.Zeros(new Shape(2, 4))));
        Assert.Contains("only used by the C2", e.Message);
        var p2 = CeLifParams.Create(store, "c2", 4, 1, new CeLifOptions { Embedding = CeLifEmbedding.C2 });
        e = Assert.Throws<ArgumentException>(() => CeLifNeuron.Scan(tape, Tensor.Zeros(new Shape(2, 4)), 1, p2, drive: Tensor.Zeros(new Shape(2, 3))));
        Assert.Contains("drive", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => CeLifNeuron.Scan(tape, Tensor.Zeros(new Shape(2, 4)), 1, p2, checkpointEvery: -1));
        e = Assert.Throws<ArgumentException>(() => CeLifNeuron.Scan(tape, Tensor.Zeros(new Shape(2, 4)), 1, p2, state));
        Assert.Contains("another layer", e.Message);
    }

    [Fact]
    public void SavedBytes_CountsTheKernelCheckpointsOrTheChunkBuffers()
    {
        // Unchunked: the kernel's V, A, C before every 4th step (3·⌈784/4⌉ = 588 rows of B·F), C1 also its table rows.
        Assert.Equal(4, CeLif.CheckpointInterval);
        Assert.Equal(4L * 10 * 588, CeLifNeuron.SavedBytes(784, 10, 0, CeLifEmbedding.C3));
        Assert.Equal(4L * 10 * (588 + 784), CeLifNeuron.SavedBytes(784, 10, 0, CeLifEmbedding.C1));
        // K = 28: V, A, C per chunk (3·28), then per chunk the spikes (28), kernel checkpoints (3·7), V, A, C (3), the
        // drive gradient (28, not for C3) and for C1 the table rows (28).
        Assert.Equal(4L * 10 * (84 + 28 + 21 + 3), CeLifNeuron.SavedBytes(784, 10, 28, CeLifEmbedding.C3));
        Assert.Equal(4L * 10 * (84 + 28 + 21 + 3 + 28 + 28), CeLifNeuron.SavedBytes(784, 10, 28, CeLifEmbedding.C1));
    }
}
