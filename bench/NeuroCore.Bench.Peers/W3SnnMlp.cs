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

    public static List<Figure> Run(int threads, int reps, Dictionary<string, string> checks)
    {
        // Data (WORKLOADS.md W3).
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
        var w1 = Sym(304, Hid * In, s1b);
        var b1 = Sym(305, Hid, s1b);
        var w2 = Sym(306, Out * Hid, s2b);
        var b2 = Sym(307, Out, s2b);

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

        // NeuroCore through its public API: Ops.Linear over all T at once, LifNeuron.Scan, Ops.Sum over time,
        // Ops.CrossEntropy, tape backward, Nn.Adam.
        var store = new ParameterStore();
        var nw1 = store.Add("fc1.weight", new Shape(Hid, In));
        var nb1 = store.Add("fc1.bias", new Shape(Hid));
        var nw2 = store.Add("fc2.weight", new Shape(Out, Hid));
        var nb2 = store.Add("fc2.bias", new Shape(Out));
        var nparams = new[] { nw1, nb1, nw2, nb2 };
        var neuronStore = new ParameterStore();
        var sg = new SurrogateSpec(SurrogateKind.FastSigmoid, 25f);
        var p1 = LifParams.Create(neuronStore, "lif1", Hid, 1, 0.9f, 1f, false, false, LifReset.Soft, false, sg);
        var p2 = LifParams.Create(neuronStore, "lif2", Out, 1, 0.9f, 1f, false, false, LifReset.Soft, false, sg);
        var nx = NcTensor.Wrap(xs, new Shape(T * B, In));
        using var tape = new Tape(recording: true, threads: threads);
        Adam? nopt = null;
        (NcTensor Loss, NcTensor S1, NcTensor Counts) NcForward()
        {
            var s1 = LifNeuron.Scan(tape, NcOps.Linear(tape, nx, nw1, nb1), T, p1);
            var s2 = LifNeuron.Scan(tape, NcOps.Linear(tape, s1, nw2, nb2), T, p2);
            var counts = NcOps.Sum(tape, NcOps.Reshape(tape, s2, new Shape(T, B, Out)), axis: 0);
            return (NcOps.CrossEntropy(tape, counts, labels), s1, counts);
        }
        void NcPrepare()
        {
            for (int i = 0; i < 4; i++) tinit[i].CopyTo(nparams[i].Span);
            nopt = new Adam(store, 1e-3f);
        }
        void NcStep()
        {
            tape.Reset();
            store.ZeroGrad();
            tape.Backward(NcForward().Loss);
            nopt!.Step();
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
        NcPrepare();
        tape.Reset();
        var (nl, ns1, nc) = NcForward();
        float nLoss0 = nl.Span[0];
        double nS1 = Sum(ns1.Span), nCounts = Sum(nc.Span);
        NcStep();
        tape.Reset();
        float nLoss1 = NcForward().Loss.Span[0];
        string key = $"w3 t={threads}";
        checks[key] = $"reference loss 2.852255, s1 157032, counts 734, loss after one step 4.998169; " +
            $"TorchSharp {tLoss0:F6}, {tS1}, {tCounts}, {tLoss1:F6}; NeuroCore {nLoss0:F6}, {nS1}, {nCounts}, {nLoss1:F6}";
        if (Math.Abs(nLoss0 - tLoss0) > 1e-3 * tLoss0 || Math.Abs(nS1 - tS1) > 50 || Math.Abs(nCounts - tCounts) > 10)
            throw new InvalidOperationException("W3: NeuroCore and TorchSharp disagree: " + checks[key]);

        var variants = new List<Variant>
        {
            new("torchsharp", "idiomatic", () => TorchStep(false), TorchPrepare),
            new("neurocore", "step", NcStep, NcPrepare),
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

    /// <summary>WORKLOADS.md: the W3 full step runs 15 repetitions (7 in quick mode, like everything).</summary>
    static int W3Reps(int reps) => reps == 9 ? 15 : reps;

    static float[] Sym(ulong seed, int count, float bound)
    {
        var g = new SplitMix64(seed);
        var a = new float[count];
        for (int i = 0; i < a.Length; i++) a[i] = g.Sym(bound);
        return a;
    }

    static double Sum(ReadOnlySpan<float> s)
    {
        double a = 0;
        foreach (var f in s) a += f;
        return a;
    }
}
