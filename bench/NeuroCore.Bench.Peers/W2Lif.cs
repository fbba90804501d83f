using NeuroCore.Autodiff;
using NeuroCore.Kernels;
using NeuroCore.Snn;
using TorchSharp;
using static TorchSharp.torch;
using NcTensor = NeuroCore.Tensor;
using TTensor = TorchSharp.torch.Tensor;

namespace NeuroCore.Bench.Peers;

/// <summary>
/// W2: LIF layer forward without grad, X[T=100, B=128, N=1024] = fl(0.5f·N() + 0.3f) (seed 201), β = 0.9, θ = 1,
/// soft reset, S[T,B,N] materialised: fp32 for every variant but NeuroCore's packed ones, which write one bit per
/// neuron ([T, B, N/64] ulong, the form SpikingLinear consumes). Work T·B·N neuron updates. Reference checksum
/// sum(S) = popcount(S) = 3,462,016.
/// </summary>
internal static class W2Lif
{
    public const long ReferenceSpikes = 3_462_016;

    public static List<Figure> Run(int threads, int reps, Dictionary<string, string> checks, bool script)
    {
        const int T = 100, B = 128, N = 1024, BN = B * N;
        var g = new SplitMix64(201);
        var x = new float[T * BN];
        for (int i = 0; i < x.Length; i++) x[i] = (0.5f * g.N()) + 0.3f;

        // TorchSharp: X built the WORKLOADS way (mul_(0.5f).add_(0.3f) on N()), fastest honest form preallocated.
        using var tx = torch.tensor(SplitMix64.Normal(201, T * BN), [T, B, N]).mul_(0.5f).add_(0.3f);
        using var tv = torch.zeros(B, N);
        using var tout = torch.zeros(T, B, N);
        var xs = new TTensor[T];
        var outs = new TTensor[T];
        for (int t = 0; t < T; t++) { xs[t] = tx[t]; outs[t] = tout[t]; }
        Scalar decay = 0.9f, one = 1.0f;

        void TorchInplace()
        {
            tv.zero_();
            for (int t = 0; t < T; t++)
            {
                tv.mul_(decay).add_(xs[t]);
                outs[t].copy_(tv).ge_(one);
                tv.sub_(outs[t]);
            }
        }

        long TorchEager()
        {
            using var scope = torch.NewDisposeScope();
            var v = torch.zeros(B, N);
            var ss = new List<TTensor>(T);
            for (int t = 0; t < T; t++)
            {
                v = (v * 0.9f) + tx[t];
                var s = v.ge(1.0f).to_type(ScalarType.Float32);
                v = v - s;
                ss.Add(s);
            }
            var all = torch.stack(ss);
            return checks is null ? 0 : (long)all.sum().item<float>();
        }

        // NeuroCore through its public API: LifNeuron.Scan on a non-recording tape (the arena is reused after Reset,
        // so a call allocates nothing), and the raw kernel Lif.ScanForward into preallocated buffers.
        var store = new ParameterStore();
        var p = LifParams.Create(store, "w2", N, 1, 0.9f, 1.0f, false, false, LifReset.Soft, false,
            new SurrogateSpec(SurrogateKind.FastSigmoid, 25f));
        var ncx = NcTensor.Wrap(x, new Shape(T * B, N));
        using var tape = new Tape(recording: false, threads: threads);
        NcTensor? ncs = null;
        void NcScan()
        {
            tape.Reset();
            ncs = LifNeuron.Scan(tape, ncx, T, p);
        }

        var beta = new float[BN];
        var theta = new float[BN];
        Array.Fill(beta, 0.9f);
        Array.Fill(theta, 1.0f);
        var v = new float[BN];
        var spikes = new float[T * BN];
        void NcKernel()
        {
            Array.Clear(v);
            Lif.ScanForward(x, T, BN, beta, theta, LifReset.Soft, v, spikes, default, threads);
        }

        // The packed form (one bit per neuron: [T, B, 16] ulong, 1.6 MB instead of 52 MB), what a NeuroCore user calls
        // for inference when the next layer is a SpikingLinear (it consumes the bits directly): LifNeuron.ScanPacked
        // with a LifState (V0 = 0 after Reset), and the raw packed kernel.
        var state = new LifState(p, B);
        var packed = new PackedSpikes(T, B, N);
        void NcScanPacked()
        {
            state.Reset();
            LifNeuron.ScanPacked(p, ncx, state, packed, threads);
        }
        var bits = new ulong[T * B * (N / 64)];
        void NcKernelPacked()
        {
            Array.Clear(v);
            Lif.ScanForward(x, T, B, N, beta, theta, LifReset.Soft, v, bits, threads);
        }

        // Checks before timing: X equal bit for bit on both sides, then spike counts of every variant.
        var txArr = tx.data<float>().ToArray();
        for (int i = 0; i < x.Length; i++)
            if (BitConverter.SingleToInt32Bits(x[i]) != BitConverter.SingleToInt32Bits(txArr[i]))
                throw new InvalidOperationException($"W2: input X differs at {i}: {x[i]} vs {txArr[i]}.");
        TorchInplace();
        long sInplace = (long)SplitMix64.Sum(tout.data<float>().ToArray());
        long sEager = TorchEager();
        NcScan();
        long sScan = (long)SplitMix64.Sum(ncs!.Span);
        NcKernel();
        long sKernel = (long)SplitMix64.Sum(spikes);
        NcScanPacked();
        long sScanPacked = packed.Count();
        NcKernelPacked();
        long sKernelPacked = SpikeSynapse.CountEvents(bits, T * B, N);
        long mismatch = 0, mismatchPacked = 0;
        var toutArr = tout.data<float>().ToArray();
        for (int i = 0; i < spikes.Length; i++) if (spikes[i] != toutArr[i]) mismatch++;
        var unpacked = new float[T * BN];
        packed.CopyTo(unpacked);
        for (int i = 0; i < unpacked.Length; i++) if (unpacked[i] != toutArr[i]) mismatchPacked++;
        checks[$"w2 t={threads}"] = $"sum(S): reference {ReferenceSpikes}, torch inplace {sInplace}, torch eager {sEager}, " +
            $"NeuroCore LifNeuron.Scan {sScan}, Lif.ScanForward {sKernel}; popcount(S) LifNeuron.ScanPacked {sScanPacked}, " +
            $"Lif.ScanForward packed {sKernelPacked}; elements differing NeuroCore vs torch: float {mismatch}, packed {mismatchPacked}";
        if (Math.Abs(sScan - sInplace) > 100 || Math.Abs(sKernel - sInplace) > 100 || sEager != sInplace
            || Math.Abs(sScanPacked - sInplace) > 100 || sKernelPacked != sScanPacked)
            throw new InvalidOperationException("W2: spike counts disagree: " + checks[$"w2 t={threads}"]);

        var variants = new List<Variant>
        {
            new("torchsharp", "eager", () => TorchEager()),
            new("neurocore", "LifNeuron.Scan", NcScan),
            new("torchsharp", "inplace", TorchInplace),
            new("neurocore", "Lif.ScanForward", NcKernel),
            new("neurocore", "LifNeuron.ScanPacked", NcScanPacked),
            new("neurocore", "Lif.ScanForward packed", NcKernelPacked),
        };
        if (script)
        {
            var run = BuildScript(tx, tv, tout);
            run();
            long sScript = (long)SplitMix64.Sum(tout.data<float>().ToArray());
            checks[$"w2 t={threads}"] += $"; torch script {sScript}";
            if (sScript != sInplace) throw new InvalidOperationException("W2: the TorchScript variant disagrees: " + checks[$"w2 t={threads}"]);
            variants.Add(new("torchsharp", "script", run));
        }
        try
        {
            return Harness.Measure("w2_lif_fwd", threads, (double)T * BN / 1e9, "Gnup", variants, reps, 0.3);
        }
        finally
        {
            foreach (var t in xs) t.Dispose();
            foreach (var t in outs) t.Dispose();
        }
    }

    static Action BuildScript(TTensor tx, TTensor tv, TTensor tout)
    {
        const string src = """
            def lif(x: Tensor, v: Tensor, out: Tensor):
                v.zero_()
                for t in range(x.size(0)):
                    v.mul_(0.9).add_(x[t])
                    torch.ge(v, 1.0, out=out[t])
                    v.sub_(out[t])
                return out
            """;
        var cu = torch.jit.compile(src + "\n");
        return () => { using var r = cu.invoke<TTensor>("lif", tx, tv, tout); };
    }
}
