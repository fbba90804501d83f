using NeuroCore.Autodiff;
using TorchSharp;
using static TorchSharp.torch;
using NcOps = NeuroCore.Ops;
using NcTensor = NeuroCore.Tensor;
using TTensor = TorchSharp.torch.Tensor;

namespace NeuroCore.Bench.Peers;

/// <summary>
/// W5: y = conv2(relu(conv1(x))), x[128,1,28,28] = N() (seed 505), conv1 1→32 3×3 pad 1 (W seed 501, bias 502, Sym(1/3)),
/// conv2 32→64 3×3 pad 1 (W seed 503, bias 504, Sym(1/√288)). (a) forward without grad; (b) zero grads + forward +
/// y.sum().backward() (input needs no gradient). Work 3.757 GFLOP forward, 11.19 GFLOP forward+backward.
/// </summary>
internal static class W5Conv
{
    public static List<Figure> Run(int threads, int reps, Dictionary<string, string> checks)
    {
        const int B = 128, H = 28, W = 28;
        var x = SplitMix64.Normal(505, B * H * W);
        var w1 = SplitMix64.Symmetric(501, 32 * 9, 1f / 3f);
        var b1 = SplitMix64.Symmetric(502, 32, 1f / 3f);
        var w2 = SplitMix64.Symmetric(503, 64 * 32 * 9, (float)(1.0 / Math.Sqrt(288.0)));
        var b2 = SplitMix64.Symmetric(504, 64, (float)(1.0 / Math.Sqrt(288.0)));

        // TorchSharp: functional conv2d on leaf tensors that require grad.
        using var tx = torch.tensor(x, [B, 1, H, W]);
        using var tw1 = torch.tensor(w1, [32, 1, 3, 3]).requires_grad_(true);
        using var tb1 = torch.tensor(b1, [32]).requires_grad_(true);
        using var tw2 = torch.tensor(w2, [64, 32, 3, 3]).requires_grad_(true);
        using var tb2 = torch.tensor(b2, [64]).requires_grad_(true);
        var tparams = new[] { tw1, tb1, tw2, tb2 };
        long[] one = [1, 1];
        TTensor TorchNet() => nn.functional.conv2d(nn.functional.relu(nn.functional.conv2d(tx, tw1, tb1, one, one)), tw2, tb2, one, one);
        void TorchForward()
        {
            using var scope = torch.NewDisposeScope();
            using var ng = torch.no_grad();
            TorchNet();
        }
        void TorchFwdBwd()
        {
            using var scope = torch.NewDisposeScope();
            foreach (var p in tparams) p.grad?.zero_();
            TorchNet().sum().backward();
        }

        // NeuroCore: Ops.Conv2d / Ops.Relu / Ops.Sum on a tape; parameters live in a ParameterStore (grads attached).
        var store = new ParameterStore();
        var nw1 = store.Add("conv1.weight", new Shape(32, 1, 3, 3));
        var nb1 = store.Add("conv1.bias", new Shape(32));
        var nw2 = store.Add("conv2.weight", new Shape(64, 32, 3, 3));
        var nb2 = store.Add("conv2.bias", new Shape(64));
        w1.CopyTo(nw1.Span); b1.CopyTo(nb1.Span); w2.CopyTo(nw2.Span); b2.CopyTo(nb2.Span);
        var nx = NcTensor.Wrap(x, new Shape(B, 1, H, W));
        using var fwdTape = new Tape(recording: false, threads: threads);
        using var tape = new Tape(recording: true, threads: threads);
        NcTensor NcNet(Tape t) => NcOps.Conv2d(t, NcOps.Relu(t, NcOps.Conv2d(t, nx, nw1, nb1, 1, 1)), nw2, nb2, 1, 1);
        NcTensor? ny = null;
        void NcForward()
        {
            fwdTape.Reset();
            ny = NcNet(fwdTape);
        }
        void NcFwdBwd()
        {
            tape.Reset();
            store.ZeroGrad();
            tape.Backward(NcOps.Sum(tape, NcNet(tape)));
        }

        // Checks before timing: sum(y), sum|y| and the parameter gradients on both sides.
        NcForward();
        float[] ty;
        using (var ng = torch.no_grad())
        using (var r = TorchNet()) ty = r.data<float>().ToArray();
        var (ncSum, ncAbs) = Sums(ny!.Span);
        var (tSum, tAbs) = Sums(ty);
        NcFwdBwd();
        TorchFwdBwd();
        double gradRel = 0;
        var ngrads = new[] { nw1, nb1, nw2, nb2 };
        for (int i = 0; i < 4; i++)
        {
            var tg = tparams[i].grad!.data<float>().ToArray();
            var ng = ngrads[i].Grad!.Span;
            double maxAbs = 0, maxDiff = 0;
            for (int j = 0; j < tg.Length; j++)
            {
                maxAbs = Math.Max(maxAbs, Math.Abs(tg[j]));
                maxDiff = Math.Max(maxDiff, Math.Abs(tg[j] - ng[j]));
            }
            gradRel = Math.Max(gradRel, maxDiff / maxAbs);
        }
        string key = $"w5 t={threads}";
        checks[key] = $"sum(y) reference 164512.83, NeuroCore {ncSum:F2}, TorchSharp {tSum:F2}; sum|y| reference 1110191.1, " +
            $"NeuroCore {ncAbs:F1}, TorchSharp {tAbs:F1}; max over parameters of max|Δgrad|/max|grad| = {gradRel:E2}";
        if (Math.Abs(ncSum - tSum) > 1e-4 * tAbs || Math.Abs(ncAbs - tAbs) > 1e-5 * tAbs || !(gradRel < 1e-3))
            throw new InvalidOperationException("W5: NeuroCore and TorchSharp disagree: " + checks[key]);

        var fwd = Harness.Measure("w5_conv_fwd", threads, 3.757, "GFLOP",
            [new("torchsharp", "forward", TorchForward), new("neurocore", "forward", NcForward)], reps, 0.2);
        var both = Harness.Measure("w5_conv_fwdbwd", threads, 11.19, "GFLOP",
            [new("torchsharp", "fwd+bwd", TorchFwdBwd), new("neurocore", "fwd+bwd", NcFwdBwd)], reps, 0.2);
        fwd.AddRange(both);
        return fwd;
    }

    static (double Sum, double Abs) Sums(ReadOnlySpan<float> s)
    {
        double a = 0, b = 0;
        foreach (var f in s) { a += f; b += Math.Abs(f); }
        return (a, b);
    }
}
