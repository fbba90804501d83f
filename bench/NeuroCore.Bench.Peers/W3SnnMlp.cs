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

    public static List<Figure> Run(int threads, int reps, Dictionary<string, string> checks, bool neuroCoreOnly)
    {
        var (xs, labels, w1, b1, w2, b2) = MakeData();
        string key = $"w3 t={threads}";
        using var nc = new NcMlp(xs, labels, [w1, b1, w2, b2], threads);
        if (neuroCoreOnly)
        {
            // Its own process, so the peak RSS is NeuroCore's alone; checked against WORKLOADS.md's reference values.
            var (l0, c1, c2, l1) = nc.Check();
            checks[key] = $"NeuroCore alone: loss {l0:F6} (reference 2.852255), s1 {c1} (157032), counts {c2} (734), " +
                $"loss after one step {l1:F6} (4.998169)";
            if (Math.Abs(l0 - 2.852255f) > 1e-3f || Math.Abs(c1 - 157032) > 50 || Math.Abs(c2 - 734) > 10 || Math.Abs(l1 - 4.998169f) > 5e-3f)
                throw new InvalidOperationException("W3: NeuroCore disagrees with the reference: " + checks[key]);
            return Harness.Measure("w3_snn_mlp_step_alone", threads, 5.24, "GFLOP",
                [new("neurocore", "step", nc.Step, nc.Prepare)], W3Reps(reps), 0, innerOne: true);
        }

        // TorchSharp.
        using var tx = torch.tensor(xs, [T, B, In]);
        using var ty = torch.tensor(Array.ConvertAll(labels, l => (long)l), [B]);
        using var tw1 = nn.Parameter(torch.tensor(w1, [Hid, In]));
        using var tb1 = nn.Parameter(torch.tensor(b1, [Hid]));
        using var tw2 = nn.Parameter(torch.tensor(w2, [Out, Hid]));
        using var tb2 = nn.Parameter(torch.tensor(b2, [Out]));
        var tparams = new[] { tw1, tb1, tw2, tb2 };
        var tinit = new[] { w1, b1, w2, b2 };
        using var txFlat = tx.reshape(T * B, In);
        var txs = new TTensor[T];
        for (int t = 0; t < T; t++) txs[t] = tx[t];
        optim.Optimizer? topt = null;

        static TTensor Spike(TTensor x)
        {
            var gx = x / (1 + (25 * x.abs()));
            return gx + (x.ge(0).to_type(ScalarType.Float32) - gx).detach();
        }

        (TTensor Loss, TTensor S1, TTensor Counts) TorchLayerwise()
        {
            var cur1 = nn.functional.linear(txFlat, tw1, tb1).reshape(T, B, Hid);
            var v1 = torch.zeros(B, Hid);
            var s1 = new List<TTensor>(T);
            for (int t = 0; t < T; t++)
            {
                v1 = (0.9f * v1) + cur1[t];
                var s = Spike(v1 - 1);
                v1 = v1 - s;
                s1.Add(s);
            }
            var st = torch.stack(s1);
            var cur2 = nn.functional.linear(st.reshape(T * B, Hid), tw2, tb2).reshape(T, B, Out);
            var v2 = torch.zeros(B, Out);
            var counts = torch.zeros(B, Out);
            for (int t = 0; t < T; t++)
            {
                v2 = (0.9f * v2) + cur2[t];
                var s = Spike(v2 - 1);
                v2 = v2 - s;
                counts = counts + s;
            }
            return (nn.functional.cross_entropy(counts, ty), st, counts);
        }

        TTensor TorchIdiomatic()
        {
            var v1 = torch.zeros(B, Hid);
            var v2 = torch.zeros(B, Out);
            var counts = torch.zeros(B, Out);
            for (int t = 0; t < T; t++)
            {
                v1 = (0.9f * v1) + nn.functional.linear(txs[t], tw1, tb1);
                var s1 = Spike(v1 - 1);
                v1 = v1 - s1;
                v2 = (0.9f * v2) + nn.functional.linear(s1, tw2, tb2);
                var s2 = Spike(v2 - 1);
                v2 = v2 - s2;
                counts = counts + s2;
            }
            return nn.functional.cross_entropy(counts, ty);
        }

        void TorchPrepare()
        {
            using (torch.NewDisposeScope())
            using (torch.no_grad())
                for (int i = 0; i < 4; i++) tparams[i].copy_(torch.tensor(tinit[i], tparams[i].shape));
            topt?.Dispose();
            topt = optim.Adam(tparams, lr: 1e-3);
        }
        void TorchStep(bool layerwise)
        {
            using var scope = torch.NewDisposeScope();
            topt!.zero_grad();
            var loss = layerwise ? TorchLayerwise().Loss : TorchIdiomatic();
            loss.backward();
            topt.step();
        }

        // Checks before timing: loss and spike counts at init, and the loss after one Adam step, on both sides.
        TorchPrepare();
        float tLoss0, tLoss1;
        double tS1, tCounts;
        using (var scope = torch.NewDisposeScope())
        {
            var (l, st, c) = TorchLayerwise();
            tLoss0 = l.item<float>(); tS1 = st.sum().item<float>(); tCounts = c.sum().item<float>();
        }
        TorchStep(true);
        using (var scope = torch.NewDisposeScope())
        using (torch.no_grad()) tLoss1 = TorchLayerwise().Loss.item<float>();
        var (nLoss0, nS1, nCounts, nLoss1) = nc.Check();
        checks[key] = $"reference loss 2.852255, s1 157032, counts 734, loss after one step 4.998169; " +
            $"TorchSharp {tLoss0:F6}, {tS1}, {tCounts}, {tLoss1:F6}; NeuroCore {nLoss0:F6}, {nS1}, {nCounts}, {nLoss1:F6}";
        if (Math.Abs(nLoss0 - tLoss0) > 1e-3 * tLoss0 || Math.Abs(nS1 - tS1) > 50 || Math.Abs(nCounts - tCounts) > 10 ||
            Math.Abs(nLoss1 - tLoss1) > 1e-3 * tLoss1)
            throw new InvalidOperationException("W3: NeuroCore and TorchSharp disagree: " + checks[key]);

        var variants = new List<Variant>
        {
            new("torchsharp", "idiomatic", () => TorchStep(false), TorchPrepare),
            new("neurocore", "step", nc.Step, nc.Prepare),
            new("torchsharp", "layerwise", () => TorchStep(true), TorchPrepare),
        };
        try
        {
            return Harness.Measure("w3_snn_mlp_step", threads, 5.24, "GFLOP", variants, W3Reps(reps), 0, innerOne: true);
        }
        finally
        {
            foreach (var t in txs) t.Dispose();
            topt?.Dispose();
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
    /// NeuroCore through its public API: Ops.Linear over all T at once, LifNeuron.Scan, Ops.Sum over time,
    /// Ops.CrossEntropy, tape backward, Nn.Adam.
    /// </summary>
    sealed class NcMlp : IDisposable
    {
        readonly ParameterStore _store = new();
        readonly NcTensor[] _params;
        readonly float[][] _init;
        readonly LifParams _p1, _p2;
        readonly NcTensor _x;
        readonly int[] _labels;
        readonly Tape _tape;
        Adam? _opt;

        public NcMlp(float[] xs, int[] labels, float[][] init, int threads)
        {
            _params = [_store.Add("fc1.weight", new Shape(Hid, In)), _store.Add("fc1.bias", new Shape(Hid)),
                _store.Add("fc2.weight", new Shape(Out, Hid)), _store.Add("fc2.bias", new Shape(Out))];
            _init = init;
            var neuronStore = new ParameterStore();
            var sg = new SurrogateSpec(SurrogateKind.FastSigmoid, 25f);
            _p1 = LifParams.Create(neuronStore, "lif1", Hid, 1, 0.9f, 1f, false, false, LifReset.Soft, false, sg);
            _p2 = LifParams.Create(neuronStore, "lif2", Out, 1, 0.9f, 1f, false, false, LifReset.Soft, false, sg);
            _x = NcTensor.Wrap(xs, new Shape(T * B, In));
            _labels = labels;
            _tape = new Tape(recording: true, threads: threads);
        }

        (NcTensor Loss, NcTensor S1, NcTensor Counts) Forward()
        {
            var s1 = LifNeuron.Scan(_tape, NcOps.Linear(_tape, _x, _params[0], _params[1]), T, _p1);
            var s2 = LifNeuron.Scan(_tape, NcOps.Linear(_tape, s1, _params[2], _params[3]), T, _p2);
            var counts = NcOps.Sum(_tape, NcOps.Reshape(_tape, s2, new Shape(T, B, Out)), axis: 0);
            return (NcOps.CrossEntropy(_tape, counts, _labels), s1, counts);
        }

        /// <summary>Untimed: parameters back to their initial values, a fresh Adam.</summary>
        public void Prepare()
        {
            for (int i = 0; i < _params.Length; i++) _init[i].CopyTo(_params[i].Span);
            _opt = new Adam(_store, 1e-3f);
        }

        /// <summary>Timed: zero grads, forward over T, loss, backward, Adam step.</summary>
        public void Step()
        {
            _tape.Reset();
            _store.ZeroGrad();
            _tape.Backward(Forward().Loss);
            _opt!.Step();
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

        public void Dispose() => _tape.Dispose();
    }

    /// <summary>WORKLOADS.md: the W3 full step runs 15 repetitions (7 in quick mode, like everything).</summary>
    static int W3Reps(int reps) => reps == 9 ? 15 : reps;
}
