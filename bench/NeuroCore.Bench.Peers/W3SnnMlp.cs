using NeuroCore.Autodiff;
using NeuroCore.Kernels;
using NeuroCore.Nn;
using NeuroCore.Snn;
using TorchSharp;
using static TorchSharp.torch;
using NcOps = NeuroCore.Ops;
using NcTensor = NeuroCore.Tensor;
using TTensor = TorchSharp.torch.Tensor;

namespace NeuroCore.Bench.Peers;

/// <summary>
/// W3: one surrogate-gradient BPTT training step of the SNN MLP 784-512-10 (LIF β 0.9, θ 1, soft reset not detached,
/// fast sigmoid k = 25), T = 25, B = 128, loss = cross-entropy of the output spike counts, Adam lr 1e-3. Before every
/// timed step (untimed) the parameters are restored and a fresh Adam is made, so every step does identical work.
/// </summary>
internal static class W3SnnMlp
{
    const int T = 25, B = 128, In = 784, Hid = 512, Out = 10;

    public static List<Figure> Run(int threads, int reps, Dictionary<string, string> checks, bool neuroCoreOnly, bool stepOnly = false,
        bool spinProbe = false)
    {
        var (xs, labels, w1, b1, w2, b2) = MakeData();
        string key = $"w3 t={threads}";
        float[][] init = [w1, b1, w2, b2];
        using var nc = new NcMlp(xs, labels, B, init, threads);
        if (neuroCoreOnly)
        {
            // Its own process, so the peak RSS is NeuroCore's alone; checked against WORKLOADS.md's reference values.
            var (l0, c1, c2, l1) = nc.Check();
            checks[key] = $"NeuroCore alone: loss {l0:F6} (reference 2.852255), s1 {c1} (157032), counts {c2} (734), " +
                $"loss after one step {l1:F6} (4.998169); paths fc1 {nc.Paths.Fc1}, fc2 {nc.Paths.Fc2}";
            if (Math.Abs(l0 - 2.852255f) > 1e-3f || Math.Abs(c1 - 157032) > 50 || Math.Abs(c2 - 734) > 10 || Math.Abs(l1 - 4.998169f) > 5e-3f)
                throw new InvalidOperationException("W3: NeuroCore disagrees with the reference: " + checks[key]);
            return Harness.Measure("w3_snn_mlp_step_alone", threads, 5.24, "GFLOP",
                [new("neurocore", "step", nc.Step, nc.Prepare)], W3Reps(reps), 0, innerOne: true);
        }

        using var ts = new TorchMlp(xs, labels, B, init);
        // Checks before timing: loss and spike counts at init, and the loss after one Adam step, on both sides.
        var (tLoss0, tS1, tCounts, tLoss1) = ts.Check(SpikeForm.StraightThrough);
        var (cLoss0, cS1, cCounts, cLoss1) = ts.Check(SpikeForm.CustomFunction);
        var (nLoss0, nS1, nCounts, nLoss1) = nc.Check();
        checks[key] = $"reference loss 2.852255, s1 157032, counts 734, loss after one step 4.998169; " +
            $"TorchSharp {tLoss0:F6}, {tS1}, {tCounts}, {tLoss1:F6}; TorchSharp custom fn {cLoss0:F6}, {cS1}, {cCounts}, {cLoss1:F6}; " +
            $"NeuroCore {nLoss0:F6}, {nS1}, {nCounts}, {nLoss1:F6} (paths fc1 {nc.Paths.Fc1}, fc2 {nc.Paths.Fc2})";
        foreach (var (l0, s1, c, l1) in new[] { (nLoss0, nS1, nCounts, nLoss1), (cLoss0, cS1, cCounts, cLoss1) })
            if (Math.Abs(l0 - tLoss0) > 1e-3 * tLoss0 || Math.Abs(s1 - tS1) > 50 || Math.Abs(c - tCounts) > 10 ||
                Math.Abs(l1 - tLoss1) > 1e-3 * tLoss1)
                throw new InvalidOperationException("W3: the engines or spike forms disagree: " + checks[key]);

        if (spinProbe)
        {
            checks[key + " spin"] = SpinProbe(ts, nc, reps);
            return [];
        }

        // Batch-1 probe (WORKLOADS.md): batch row 0 of Xs and y, the same parameters.
        var xs1 = new float[T * In];
        for (int t = 0; t < T; t++) Array.Copy(xs, t * B * In, xs1, t * In, In);
        using var nc1 = new NcMlp(xs1, [labels[0]], 1, init, threads);
        using var ts1 = new TorchMlp(xs1, [labels[0]], 1, init);

        var figures = new List<Figure>();
        figures.AddRange(Harness.Measure("w3_snn_mlp_step", threads, 5.24, "GFLOP",
        [
            new("torchsharp", "idiomatic", () => ts.Step(false, SpikeForm.StraightThrough, Phase.Step), ts.Prepare),
            new("neurocore", "step", nc.Step, nc.Prepare),
            new("torchsharp", "layerwise", () => ts.Step(true, SpikeForm.StraightThrough, Phase.Step), ts.Prepare),
            new("torchsharp", "layerwise_customfn", () => ts.Step(true, SpikeForm.CustomFunction, Phase.Step), ts.Prepare),
        ], W3Reps(reps), 0, innerOne: true));
        if (stepOnly) return figures;
        // Phase probes: forward + loss (recording), and forward + loss + backward without the optimizer step.
        foreach (var (phase, name, work) in new[] { (Phase.Forward, "fwd", 2.60), (Phase.ForwardBackward, "fwdbwd", 5.24) })
            figures.AddRange(Harness.Measure($"w3_snn_mlp_step_phase_{name}", threads, work, "GFLOP",
            [
                new("torchsharp", "idiomatic", () => ts.Step(false, SpikeForm.StraightThrough, phase), ts.Prepare),
                new("neurocore", "step", () => nc.Run(phase), nc.Prepare),
                new("torchsharp", "layerwise", () => ts.Step(true, SpikeForm.StraightThrough, phase), ts.Prepare),
                new("torchsharp", "layerwise_customfn", () => ts.Step(true, SpikeForm.CustomFunction, phase), ts.Prepare),
            ], reps, 0, innerOne: true));
        figures.AddRange(Harness.Measure("w3_snn_mlp_step_batch1_probe", threads, 5.24 / B, "GFLOP",
        [
            new("torchsharp", "idiomatic", () => ts1.Step(false, SpikeForm.StraightThrough, Phase.Step), ts1.Prepare),
            new("neurocore", "step", nc1.Step, nc1.Prepare),
            new("torchsharp", "layerwise", () => ts1.Step(true, SpikeForm.StraightThrough, Phase.Step), ts1.Prepare),
        ], reps, 0, innerOne: true));
        return figures;
    }

    /// <summary>
    /// What LibTorch's OpenMP pool does after a TorchSharp step has returned, against after a NeuroCore step: the
    /// harness's untimed gap between repetitions (the next side's Prepare and two GCs) is replayed, then this process's
    /// native threads (ProcStats.OtherThreadsCpuNs) are sampled every 1 ms until they stay idle (Harness's settle rule).
    /// Reported per side: the gap's wall time, the native threads' CPU during it, and the wall time and CPU after it
    /// until they are idle, as medians over <paramref name="reps"/> steps.
    /// </summary>
    static string SpinProbe(TorchMlp ts, NcMlp nc, int reps)
    {
        string Side(string name, Action step, Action nextPrepare)
        {
            var gap = new double[reps]; var gapCpu = new double[reps]; var tail = new double[reps]; var tailCpu = new double[reps];
            for (int r = 0; r < reps; r++)
            {
                step();
                long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                long c0 = ProcStats.OtherThreadsCpuNs().Native;
                nextPrepare();
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                long c1 = ProcStats.OtherThreadsCpuNs().Native;
                long t1 = System.Diagnostics.Stopwatch.GetTimestamp();
                long last = c1;
                int idle = 0;
                while (idle < 3 && System.Diagnostics.Stopwatch.GetElapsedTime(t1).TotalMilliseconds < 300)
                {
                    Thread.Sleep(1);
                    long now = ProcStats.OtherThreadsCpuNs().Native;
                    idle = now - last < 50_000 ? idle + 1 : 0;
                    last = now;
                }
                gap[r] = System.Diagnostics.Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds;
                gapCpu[r] = (c1 - c0) / 1e6;
                tail[r] = System.Diagnostics.Stopwatch.GetElapsedTime(t1).TotalMilliseconds;
                tailCpu[r] = (last - c1) / 1e6;
            }
            static double Med(double[] x) { Array.Sort(x); return x[x.Length / 2]; }
            string line = $"after a {name} step: gap {Med(gap):F1} ms wall with {Med(gapCpu):F1} ms native CPU, then " +
                $"{Med(tail):F1} ms until idle with {Med(tailCpu):F1} ms native CPU (medians of {reps})";
            Console.Error.WriteLine("  spin probe " + line);
            return line;
        }
        ts.Prepare();
        nc.Prepare();
        string torchSide = Side("TorchSharp idiomatic", () => ts.Step(false, SpikeForm.StraightThrough, Phase.Step), nc.Prepare);
        string ncSide = Side("NeuroCore", nc.Step, ts.Prepare);
        return torchSide + "; " + ncSide;
    }

    /// <summary>How much of the training step a timed call runs (WORKLOADS.md W3 phase probes).</summary>
    enum Phase { Forward, ForwardBackward, Step }

    /// <summary>TorchSharp's spike function: the straight-through trick, or a custom autograd Function.</summary>
    enum SpikeForm { StraightThrough, CustomFunction }

    /// <summary>
    /// The spike function as a TorchSharp custom autograd Function (WORKLOADS.md <c>layerwise_customfn</c>): forward
    /// H(x), backward grad/(1+25|x|)².
    /// </summary>
    sealed class SpikeFn : autograd.SingleTensorFunction<SpikeFn>
    {
        public override string Name => "W3Spike";

        public override TTensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var x = (TTensor)vars[0];
            ctx.save_for_backward([x]);
            return x.ge(0).to_type(ScalarType.Float32);
        }

        public override List<TTensor> backward(autograd.AutogradContext ctx, TTensor grad_output)
        {
            var x = ctx.get_saved_variables()[0];
            var d = 1 + (25 * x.abs());
            return [grad_output / (d * d)];
        }
    }

    /// <summary>TorchSharp's side at batch size <c>b</c>: the data, the parameters, and the step forms.</summary>
    sealed class TorchMlp : IDisposable
    {
        readonly int _b;
        readonly TTensor _x, _y, _xFlat;
        readonly TTensor[] _xt = new TTensor[T];
        readonly TorchSharp.Modules.Parameter[] _params;
        readonly float[][] _init;
        optim.Optimizer? _opt;

        public TorchMlp(float[] xs, int[] labels, int b, float[][] init)
        {
            _b = b;
            _init = init;
            _x = torch.tensor(xs, [T, b, In]);
            _y = torch.tensor(Array.ConvertAll(labels, l => (long)l), [b]);
            _params = [nn.Parameter(torch.tensor(init[0], [Hid, In])), nn.Parameter(torch.tensor(init[1], [Hid])),
                nn.Parameter(torch.tensor(init[2], [Out, Hid])), nn.Parameter(torch.tensor(init[3], [Out]))];
            _xFlat = _x.reshape(T * b, In);
            for (int t = 0; t < T; t++) _xt[t] = _x[t];
        }

        static TTensor Spike(TTensor x, SpikeForm form)
        {
            if (form == SpikeForm.CustomFunction) return SpikeFn.apply(x);
            var gx = x / (1 + (25 * x.abs()));
            return gx + (x.ge(0).to_type(ScalarType.Float32) - gx).detach();
        }

        (TTensor Loss, TTensor S1, TTensor Counts) Layerwise(SpikeForm form)
        {
            var cur1 = nn.functional.linear(_xFlat, _params[0], _params[1]).reshape(T, _b, Hid);
            var v1 = torch.zeros(_b, Hid);
            var s1 = new List<TTensor>(T);
            for (int t = 0; t < T; t++)
            {
                v1 = (0.9f * v1) + cur1[t];
                var s = Spike(v1 - 1, form);
                v1 = v1 - s;
                s1.Add(s);
            }
            var st = torch.stack(s1);
            var cur2 = nn.functional.linear(st.reshape(T * _b, Hid), _params[2], _params[3]).reshape(T, _b, Out);
            var v2 = torch.zeros(_b, Out);
            var counts = torch.zeros(_b, Out);
            for (int t = 0; t < T; t++)
            {
                v2 = (0.9f * v2) + cur2[t];
                var s = Spike(v2 - 1, form);
                v2 = v2 - s;
                counts = counts + s;
            }
            return (nn.functional.cross_entropy(counts, _y), st, counts);
        }

        TTensor Idiomatic(SpikeForm form)
        {
            var v1 = torch.zeros(_b, Hid);
            var v2 = torch.zeros(_b, Out);
            var counts = torch.zeros(_b, Out);
            for (int t = 0; t < T; t++)
            {
                v1 = (0.9f * v1) + nn.functional.linear(_xt[t], _params[0], _params[1]);
                var s1 = Spike(v1 - 1, form);
                v1 = v1 - s1;
                v2 = (0.9f * v2) + nn.functional.linear(s1, _params[2], _params[3]);
                var s2 = Spike(v2 - 1, form);
                v2 = v2 - s2;
                counts = counts + s2;
            }
            return nn.functional.cross_entropy(counts, _y);
        }

        /// <summary>Untimed: parameters back to their initial values, a fresh Adam.</summary>
        public void Prepare()
        {
            using (torch.NewDisposeScope())
            using (torch.no_grad())
                for (int i = 0; i < 4; i++) _params[i].copy_(torch.tensor(_init[i], _params[i].shape));
            _opt?.Dispose();
            _opt = optim.Adam(_params, lr: 1e-3);
        }

        /// <summary>Timed: zero grads, forward over T and loss, then (by phase) backward and the Adam step.</summary>
        public void Step(bool layerwise, SpikeForm form, Phase phase)
        {
            using var scope = torch.NewDisposeScope();
            _opt!.zero_grad();
            var loss = layerwise ? Layerwise(form).Loss : Idiomatic(form);
            if (phase == Phase.Forward) return;
            loss.backward();
            if (phase == Phase.Step) _opt.step();
        }

        /// <summary>Loss, sum(s1) and sum(counts) at init, and the loss after one step (layer-wise form).</summary>
        public (float Loss0, double S1, double Counts, float Loss1) Check(SpikeForm form)
        {
            Prepare();
            float loss0, loss1;
            double s1, counts;
            using (var scope = torch.NewDisposeScope())
            {
                var (l, st, c) = Layerwise(form);
                loss0 = l.item<float>(); s1 = st.sum().item<float>(); counts = c.sum().item<float>();
            }
            Step(true, form, Phase.Step);
            using (var scope = torch.NewDisposeScope())
            using (torch.no_grad()) loss1 = Layerwise(form).Loss.item<float>();
            return (loss0, s1, counts, loss1);
        }

        public void Dispose()
        {
            foreach (var t in _xt) t.Dispose();
            foreach (var p in _params) p.Dispose();
            _xFlat.Dispose();
            _x.Dispose();
            _y.Dispose();
            _opt?.Dispose();
        }
    }

    static (float[] Xs, int[] Labels, float[] W1, float[] B1, float[] W2, float[] B2) MakeData()
    {
        // WORKLOADS.md W3.
        var pix = new float[B * In];
        var g = new SplitMix64(301);
        for (int i = 0; i < pix.Length; i++) pix[i] = g.U();
        var xs = new float[T * B * In];
        g = new SplitMix64(302);
        for (int t = 0; t < T; t++)
            for (int i = 0; i < B * In; i++) xs[(t * B * In) + i] = g.U() < pix[i] ? 1f : 0f;
        var labels = new int[B];
        g = new SplitMix64(303);
        for (int b = 0; b < B; b++) labels[b] = (int)(g.Next() % 10);
        float s1b = (float)(1.0 / Math.Sqrt(In)), s2b = (float)(1.0 / Math.Sqrt(Hid));
        var w1 = SplitMix64.Symmetric(304, Hid * In, s1b);
        var b1 = SplitMix64.Symmetric(305, Hid, s1b);
        var w2 = SplitMix64.Symmetric(306, Out * Hid, s2b);
        var b2 = SplitMix64.Symmetric(307, Out, s2b);

        return (xs, labels, w1, b1, w2, b2);
    }

    /// <summary>
    /// NeuroCore through the public layer a user would write: two <see cref="SpikingLinear"/> layers, fc1 (784 → 512)
    /// and fc2 (512 → 10), with LIF neurons as WORKLOADS.md specifies them (β 0.9, θ 1, soft reset not detached, fast
    /// sigmoid k = 25, β and θ not learned) and <see cref="SynapsePath.Auto"/>, which picks per forward: fc1's 0/1 input
    /// of density 0.5 takes <see cref="SynapsePath.TableGradient"/> (the forward by GEMM, the weight gradient by the
    /// subset-sum table product <see cref="SpikeGemm"/>), fc2's hidden spikes (density about 0.1) the event path. Then
    /// Ops.Sum over time, Ops.CrossEntropy, tape backward, Nn.Adam. The parameters are copied from the WORKLOADS.md
    /// initialisation in <see cref="Prepare"/>; the paths taken are reported with the checks.
    /// </summary>
    sealed class NcMlp : IDisposable
    {
        readonly ParameterStore _store = new();
        readonly NcTensor[] _params;
        readonly float[][] _init;
        readonly SpikingLinear _fc1, _fc2;
        readonly NcTensor _x;
        readonly int[] _labels;
        readonly Tape _tape;
        Adam? _opt;

        readonly int _b;

        public NcMlp(float[] xs, int[] labels, int b, float[][] init, int threads)
        {
            _b = b;
            var lif = new SnnModelOptions
            {
                Neuron = NeuronKind.Lif, Beta = 0.9f, Threshold = 1f, SoftReset = true, DetachReset = false,
                LearnBeta = false, LearnThreshold = false, Surrogate = new SurrogateSpec(SurrogateKind.FastSigmoid, 25f),
            };
            _fc1 = new SpikingLinear(_store, "fc1", In, Hid, lif, 1) { Path = SynapsePath.Auto };
            _fc2 = new SpikingLinear(_store, "fc2", Hid, Out, lif, 2) { Path = SynapsePath.Auto };
            _params = [_fc1.Weight, _fc1.Bias!, _fc2.Weight, _fc2.Bias!];
            _init = init;
            _x = NcTensor.Wrap(xs, new Shape(T * b, In));
            _labels = labels;
            _tape = new Tape(recording: true, threads: threads);
        }

        /// <summary>The paths fc1 and fc2 took in the last forward.</summary>
        public (SynapsePath Fc1, SynapsePath Fc2) Paths => (_fc1.LastPath, _fc2.LastPath);

        (NcTensor Loss, NcTensor S1, NcTensor Counts) Forward()
        {
            var s1 = _fc1.Forward(_tape, _x, T);
            var s2 = _fc2.Forward(_tape, s1, T);
            var counts = NcOps.Sum(_tape, NcOps.Reshape(_tape, s2, new Shape(T, _b, Out)), axis: 0);
            return (NcOps.CrossEntropy(_tape, counts, _labels), s1, counts);
        }

        /// <summary>Untimed: parameters back to their initial values, a fresh Adam.</summary>
        public void Prepare()
        {
            for (int i = 0; i < _params.Length; i++) _init[i].CopyTo(_params[i].Span);
            _opt?.Dispose();
            _opt = new Adam(_store, 1e-3f);
        }

        /// <summary>Timed: zero grads, forward over T, loss, backward, Adam step.</summary>
        public void Step() => Run(Phase.Step);

        /// <summary>Timed: zero grads, forward over T and loss, then (by phase) backward and the Adam step.</summary>
        public void Run(Phase phase)
        {
            _tape.Reset();
            _store.ZeroGrad();
            var loss = Forward().Loss;
            if (phase == Phase.Forward) return;
            _tape.Backward(loss);
            if (phase == Phase.Step) _opt!.Step();
        }

        /// <summary>Loss, sum(s1) and sum(counts) at init, and the loss after one step.</summary>
        public (float Loss0, double S1, double Counts, float Loss1) Check()
        {
            Prepare();
            _tape.Reset();
            var (l, s1, c) = Forward();
            float loss0 = l.Span[0];
            double sumS1 = SplitMix64.Sum(s1.Span), sumCounts = SplitMix64.Sum(c.Span);
            Step();
            _tape.Reset();
            return (loss0, sumS1, sumCounts, Forward().Loss.Span[0]);
        }

        public void Dispose()
        {
            _opt?.Dispose();
            _tape.Dispose();
        }
    }

    /// <summary>WORKLOADS.md: the W3 full step runs 15 repetitions (7 in quick mode, like everything).</summary>
    static int W3Reps(int reps) => reps == 9 ? 15 : reps;
}
