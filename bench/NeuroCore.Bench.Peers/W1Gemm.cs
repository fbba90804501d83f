using NeuroCore.Kernels;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroCore.Bench.Peers;

/// <summary>W1: C[M,N] = A·B, fp32, (M,K,N) = 1024³, 512³ or 128×784×512 (A = N() seed 101, B = N() seed 102). Work 2·M·K·N flop.</summary>
internal static class W1Gemm
{
    public static List<Figure> Run(int threads, int reps, Dictionary<string, string> checks, int m = 1024, int k = 1024, int n = 1024)
    {
        var a = SplitMix64.Normal(101, m * k);
        var b = SplitMix64.Normal(102, k * n);
        var c = new float[m * n];

        using var ta = torch.tensor(a, [m, k]);
        using var tb = torch.tensor(b, [k, n]);
        using var tc = torch.zeros(m, n);

        // Results agree before timing: checksum sum(C) and the largest difference relative to max|C|.
        Gemm.Sgemm(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n, threads);
        float[] torchC;
        using (var r = torch.mm(ta, tb)) torchC = r.data<float>().ToArray();
        double sumNc = 0, sumT = 0, maxAbs = 0, maxDiff = 0;
        for (int i = 0; i < c.Length; i++)
        {
            sumNc += c[i];
            sumT += torchC[i];
            maxAbs = Math.Max(maxAbs, Math.Abs(torchC[i]));
            maxDiff = Math.Max(maxDiff, Math.Abs(c[i] - torchC[i]));
        }
        double rel = maxDiff / maxAbs;
        checks[$"w1 {m}x{k}x{n} t={threads}"] = $"sum(C) NeuroCore {sumNc:F3}, TorchSharp {sumT:F3}; max|ΔC|/max|C| = {rel:E2}";
        if (!(rel < 1e-5))
            throw new InvalidOperationException($"W1: NeuroCore and TorchSharp disagree (max|ΔC|/max|C| = {rel:E2}).");

        string shape = $"w1_gemm_{m}x{k}x{n}";
        var variants = new List<Variant>
        {
            new("torchsharp", "mm", () => { using var r = torch.mm(ta, tb); }),
            new("neurocore", "sgemm", () => Gemm.Sgemm(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n, threads)),
            new("torchsharp", "addmm_prealloc", () => tc.addmm_(ta, tb, beta: 0, alpha: 1)),
        };
        return Harness.Measure(shape, threads, 2.0 * m * k * n / 1e9, "GFLOP", variants, reps, 0.2);
    }
}
