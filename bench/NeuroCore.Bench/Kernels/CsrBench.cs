using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using NeuroCore.Kernels;

namespace NeuroCore.Bench.Kernels;

/// <summary>
/// The sparse synapse against the dense GEMM it replaces, on W4's shape: W [1024 out, 1024 in] at a weight density of
/// 5/10/20/50 % (Erdős–Rényi, fixed seed), n = 128 samples.
/// <list type="bullet">
/// <item>Dense input: <c>GemmDense</c> = <c>Sgemm(W·Xᵀ)</c> on W ⊙ M stored dense (baseline) vs <c>CsrMultiply</c>
/// (<see cref="Csr.Multiply(CsrPattern, ReadOnlySpan{float}, bool, ReadOnlySpan{float}, int, ReadOnlySpan{float}, Span{float}, int)"/>
/// on Xᵀ [in, n]) vs <c>CsrMultiplyScalar</c> (its scalar twin, <see cref="Reference.CsrMultiply"/>).</item>
/// <item>Spike input (10 % of the inputs active): <c>GemmSpikes</c> (baseline) vs <c>CsrEvents</c>
/// (<see cref="Csr.ForwardEvents(CsrPattern, ReadOnlySpan{float}, ReadOnlySpan{float}, int, ReadOnlySpan{float}, Span{float}, int)"/>
/// on the row-major 0/1 floats) vs <c>CsrEventsScalar</c> (<see cref="Reference.CsrForwardEvents"/> over the compacted
/// events) vs <c>CsrMultiplySpikes</c> (the product on the spikes' Xᵀ).</item>
/// </list>
/// Run (short, in process): <c>--filter *CsrBench* --inProcess --warmupCount 1 --iterationCount 3</c>.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class CsrBench
{
    const int Out = 1024, In = 1024, N = 128;
    CsrPattern _pattern = null!;
    float[] _values = [], _rowValues = [], _dense = [], _x = [], _xT = [], _s = [], _sT = [], _y = [];
    int[] _start = [], _events = [];
    ulong[] _bits = [], _bitsT = [];

    /// <summary>Fraction of W's connections kept.</summary>
    [Params(0.05, 0.1, 0.2, 0.5)]
    public double Density { get; set; }

    /// <summary>Builds the pattern (seed 401), values, inputs (seed 403) and spikes (10 %, seed 404).</summary>
    [GlobalSetup]
    public void Setup()
    {
        _pattern = CsrPattern.ErdosRenyi(Out, In, Density, 401);
        var rng = new Random(402);
        _values = new float[_pattern.Nnz];
        for (int i = 0; i < _values.Length; i++) _values[i] = (float)(rng.NextDouble() * 2 - 1);
        _dense = new float[Out * In];
        _pattern.ToDense(_values, _dense);
        rng = new Random(403);
        _x = new float[N * In];
        for (int i = 0; i < _x.Length; i++) _x[i] = (float)(rng.NextDouble() * 2 - 1);
        _xT = new float[In * N];
        Csr.Transpose(_x, N, In, _xT);
        rng = new Random(404);
        _s = new float[N * In];
        for (int i = 0; i < _s.Length; i++) _s[i] = rng.NextDouble() < 0.1 ? 1f : 0f;
        _sT = new float[In * N];
        Csr.Transpose(_s, N, In, _sT);
        _start = new int[N + 1];
        _events = new int[N * In];
        SpikeSynapse.Compact(_s, N, In, _start, _events);
        _y = new float[Out * N];
        _bits = new ulong[N * SpikeSynapse.PackedWords(In)];
        SpikeSynapse.Pack(_s, N, In, _bits);
        _bitsT = new ulong[In * SpikeSynapse.PackedWords(N)];
        _rowValues = new float[_pattern.Nnz];
        Csr.GatherRowValues(_pattern, _values, _rowValues);
    }

    /// <summary>Dense GEMM Y = W·Xᵀ with the zeros of W stored.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("DenseInput")]
    public void GemmDense() => Gemm.Sgemm(false, false, Out, N, In, 1f, _dense, In, _xT, N, 0f, _y, N);

    /// <summary>The sparse product on Xᵀ.</summary>
    [Benchmark, BenchmarkCategory("DenseInput")]
    public void CsrMultiply() => Csr.Multiply(_pattern, _values, false, _xT, N, default, _y);

    /// <summary>The scalar twin of the sparse product.</summary>
    [Benchmark, BenchmarkCategory("DenseInput")]
    public void CsrMultiplyScalar() => Reference.CsrMultiply(_pattern, _values, false, _xT, N, default, _y);

    /// <summary>Dense GEMM on the 0/1 input.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("SpikeInput")]
    public void GemmSpikes() => Gemm.Sgemm(false, false, Out, N, In, 1f, _dense, In, _sT, N, 0f, _y, N);

    /// <summary>The event-driven forward on the row-major 0/1 floats.</summary>
    [Benchmark, BenchmarkCategory("SpikeInput")]
    public void CsrEvents() => Csr.ForwardEvents(_pattern, _values, _s, N, default, _y);

    /// <summary>The scalar twin of the event forward.</summary>
    [Benchmark, BenchmarkCategory("SpikeInput")]
    public void CsrEventsScalar() => Reference.CsrForwardEvents(_pattern, _values, _start, _events, N, default, _y);

    /// <summary>The sparse product on the spikes' Xᵀ.</summary>
    [Benchmark, BenchmarkCategory("SpikeInput")]
    public void CsrMultiplySpikes() => Csr.Multiply(_pattern, _values, false, _sT, N, default, _y);

    /// <summary>The packed-input product: the spikes' bits transposed to [in, ceil(n/64)], then the CSR-ordered values summed in groups of 4 connections (subset-sum tables at 512 bits).</summary>
    [Benchmark, BenchmarkCategory("SpikeInput")]
    public void CsrPackedInput()
    {
        Csr.TransposeBits(_bits, N, In, _bitsT);
        Csr.MultiplyPackedInput(_pattern, _rowValues, true, _bitsT, N, default, _y);
    }

    /// <summary>The packed-input product reading the values through the slots (no CSR-ordered copy).</summary>
    [Benchmark, BenchmarkCategory("SpikeInput")]
    public void CsrPackedInputSlots()
    {
        Csr.TransposeBits(_bits, N, In, _bitsT);
        Csr.MultiplyPackedInput(_pattern, _values, false, _bitsT, N, default, _y);
    }
}
