using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using NeuroCore.Kernels;

namespace NeuroCore.Bench.Kernels;

/// <summary>
/// W2 of the shared workloads: a LIF layer forward without grad, T = 100 steps over N = 128·1024 neurons
/// (β = 0.9, θ = 1, soft reset, V0 = 0, S[T,N] materialised), X[t,n] = fl(0.5f·N() + 0.3f) from SplitMix64 seed 201.
/// Work: T·N = 13,107,200 neuron updates; giga neuron-updates/s = 0.0131072 / mean seconds (e.g. 6.5 ms is
/// 2.0 Gnup/s). Napkin math: it reads X (52 MB) and writes S (52 MB), so it streams from DRAM; ~105 MB at ~10 GB/s is
/// ~10 ms, so the fused scan is memory-bound and the scalar twin (baseline) shows what the vectorisation buys.
/// The setup checks the workload's checksum sum(S) = 3,462,016.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class LifBench
{
    const int T = 100, N = 128 * 1024;
    readonly float[] _x = new float[T * N], _s = new float[T * N], _h = new float[T * N];
    readonly float[] _v = new float[N], _beta = new float[N], _threshold = new float[N];
    readonly ulong[] _bits = new ulong[T * N / 64];
    readonly float[] _v0 = new float[N], _gS = new float[T * N], _gI = new float[T * N], _gB = new float[N], _gT = new float[N];

    /// <summary>Fills <paramref name="x"/> with the W2 input X[t,n] = fl(0.5f·N() + 0.3f), SplitMix64 seed 201 (WORKLOADS.md).</summary>
    internal static void FillW2Input(float[] x)
    {
        ulong state = 201;
        ulong Next()
        {
            state += 0x9E3779B97F4A7C15;
            ulong z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            return z ^ (z >> 31);
        }
        for (int i = 0; i < x.Length; i++)
        {
            double u1 = ((Next() >> 11) + 1) * (1.0 / (1UL << 53));
            double u2 = (Next() >> 11) * (1.0 / (1UL << 53));
            float normal = (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
            x[i] = 0.5f * normal + 0.3f;
        }
    }

    [GlobalSetup]
    public void Setup()
    {
        FillW2Input(_x);
        Array.Fill(_beta, 0.9f);
        Array.Fill(_threshold, 1f);
        Forward();
        double sum = 0;
        foreach (float s in _s) sum += s;
        ForwardTraining();
        Philox.Normal(7, 0, 0, _gS);
        if (sum != 3_462_016) throw new InvalidOperationException($"W2 checksum sum(S) = {sum}, expected 3,462,016");
        ForwardPacked();
        long packed = SpikeSynapse.CountEvents(_bits, T * 128, 1024);
        if (packed != 3_462_016) throw new InvalidOperationException($"W2 checksum popcount(S) = {packed}, expected 3,462,016");
    }

    /// <summary>Scalar twin, inference (no H saved).</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("Forward")]
    public void ForwardScalar()
    {
        Array.Clear(_v);
        Reference.LifScanForward(_x, T, N, _beta, _threshold, LifReset.Soft, _v, _s, default);
    }

    /// <summary>Fused scan, inference (no H saved): the W2 figure.</summary>
    [Benchmark, BenchmarkCategory("Forward")]
    public void Forward()
    {
        Array.Clear(_v);
        Lif.ScanForward(_x, T, N, _beta, _threshold, LifReset.Soft, _v, _s, default);
    }

    /// <summary>Fused scan saving H for the backward pass (one more 52 MB stream).</summary>
    [Benchmark, BenchmarkCategory("Forward")]
    public void ForwardTraining()
    {
        Array.Clear(_v);
        Lif.ScanForward(_x, T, N, _beta, _threshold, LifReset.Soft, _v, _s, _h);
    }

    /// <summary>Fused scan, inference, whole 1024-neuron tiles over 2 threads (bitwise the same result).</summary>
    [Benchmark, BenchmarkCategory("Forward")]
    public void ForwardTwoThreads()
    {
        Array.Clear(_v);
        Lif.ScanForward(_x, T, N, _beta, _threshold, LifReset.Soft, _v, _s, default, threads: 2);
    }

    /// <summary>
    /// Fused scan, inference, spikes bit-packed ([T, B = 128, 16] ulong, 1.6 MB instead of 52 MB): reads X once and
    /// writes 1/32 of the float spikes' bytes, so it runs near the read bandwidth.
    /// </summary>
    [Benchmark, BenchmarkCategory("Forward")]
    public void ForwardPacked()
    {
        Array.Clear(_v);
        Lif.ScanForward(_x, T, 128, 1024, _beta, _threshold, LifReset.Soft, _v, _bits);
    }

    /// <summary>Packed scan over 2 threads (bitwise the same bits).</summary>
    [Benchmark, BenchmarkCategory("Forward")]
    public void ForwardPackedTwoThreads()
    {
        Array.Clear(_v);
        Lif.ScanForward(_x, T, 128, 1024, _beta, _threshold, LifReset.Soft, _v, _bits, threads: 2);
    }

    /// <summary>Fused BPTT backward over the saved H and S (reads H, S, gS; writes gI: four 52 MB streams).</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("Backward")]
    public void BackwardScalar() => Reference.LifScanBackward(new FastSigmoidSurrogate(25f), _v0, _h, _s, _gS, default, T, N, _beta,
        _threshold, LifReset.Soft, false, _gI, _gB, _gT, default);

    /// <summary>Fused BPTT backward, soft reset, not detached.</summary>
    [Benchmark, BenchmarkCategory("Backward")]
    public void Backward() => Lif.ScanBackward(new FastSigmoidSurrogate(25f), _v0, _h, _s, _gS, default, T, N, _beta,
        _threshold, LifReset.Soft, false, _gI, _gB, _gT, default);

    /// <summary>The same backward with the arctangent surrogate (one divide, no abs): the cost of the surrogate shape.</summary>
    [Benchmark, BenchmarkCategory("Backward")]
    public void BackwardATan() => Lif.ScanBackward(new ATanSurrogate(2f), _v0, _h, _s, _gS, default, T, N, _beta,
        _threshold, LifReset.Soft, false, _gI, _gB, _gT, default);

    /// <summary>Fused BPTT backward over 2 threads.</summary>
    [Benchmark, BenchmarkCategory("Backward")]
    public void BackwardTwoThreads() => Lif.ScanBackward(new FastSigmoidSurrogate(25f), _v0, _h, _s, _gS, default, T, N, _beta,
        _threshold, LifReset.Soft, false, _gI, _gB, _gT, default, threads: 2);
}
