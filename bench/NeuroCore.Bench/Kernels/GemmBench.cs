using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using NeuroCore.Kernels;

namespace NeuroCore.Bench.Kernels;

/// <summary>
/// SGEMM on the W1 and training shapes, C = A·B with beta = 0, at 1 and 2 threads, with a GFLOP/s column
/// (2·M·K·N / mean time). The shapes: W1 (1024³, 512³, 128×784×512: one fc1 batch), the time-batched fc1 forward
/// [3200,784]·[784,512] and its Linear form x·Wᵀ (transB). Run: <c>--filter *GemmBench*</c>.
/// </summary>
[Config(typeof(GflopsConfig))]
[MemoryDiagnoser]
public class GemmBench
{
    float[] _a = [], _b = [], _c = [];
    int _m, _k, _n;
    bool _transB;

    /// <summary>M×K×N, with a trailing "ᵀ" when B is stored transposed ([N,K], as nn.Linear weights are).</summary>
    [Params("1024x1024x1024", "512x512x512", "128x784x512", "3200x784x512", "3200x784x512T")]
    public string Shape { get; set; } = "";

    /// <summary>Worker threads passed to <see cref="Gemm.Sgemm"/>.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Fills A and B with a fixed seed; C is preallocated.</summary>
    [GlobalSetup]
    public void Setup()
    {
        (_m, _k, _n, _transB) = GflopsColumn.Parse(Shape);
        var rng = new Random(101);
        _a = Fill(rng, _m * _k);
        _b = Fill(rng, _k * _n);
        _c = new float[_m * _n];
    }

    internal static float[] Fill(Random rng, int length)
    {
        var x = new float[length];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }

    /// <summary>C = A·B (or A·Bᵀ) into the preallocated C.</summary>
    [Benchmark]
    public void Sgemm() =>
        Gemm.Sgemm(false, _transB, _m, _n, _k, 1f, _a, _k, _b, _transB ? _k : _n, 0f, _c, _n, Threads);
}

/// <summary>
/// The scalar baseline: <see cref="Reference.Gemm"/> against <see cref="Gemm.Sgemm"/> on a small 128³ product
/// (the reference is too slow for the large shapes), once per ISA level: AVX-512 (8×32 tile), AVX2 (6×16) and
/// no SIMD (4×4). Run: <c>--filter *GemmSmallBench*</c>.
/// </summary>
[Config(typeof(IsaGflopsConfig))]
public class GemmSmallBench
{
    const int Size = 128;
    float[] _a = [], _b = [], _c = [];

    /// <summary>M×K×N of this benchmark, read by the GFLOP/s column.</summary>
    [Params("128x128x128")]
    public string Shape { get; set; } = "";

    /// <summary>Fills A and B with a fixed seed.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(101);
        _a = GemmBench.Fill(rng, Size * Size);
        _b = GemmBench.Fill(rng, Size * Size);
        _c = new float[Size * Size];
    }

    /// <summary>The scalar reference triple loop.</summary>
    [Benchmark(Baseline = true)]
    public void Reference() => NeuroCore.Kernels.Reference.Gemm(false, false, Size, Size, Size, 1f, _a, Size, _b, Size, 0f, _c, Size);

    /// <summary>The packed SIMD SGEMM, one thread.</summary>
    [Benchmark]
    public void Sgemm() => Gemm.Sgemm(false, false, Size, Size, Size, 1f, _a, Size, _b, Size, 0f, _c, Size);
}

/// <summary>A short job (the machine is shared) plus the GFLOP/s column.</summary>
class GflopsConfig : ManualConfig
{
    protected static readonly Job Short = Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(9);

    public GflopsConfig() : this(true) { }

    protected GflopsConfig(bool addDefaultJob)
    {
        // The CI dry run (Program's --ci-dry) replaces these jobs: a local config's union rule decides the merge.
        if (CiDry) { UnionRule = ConfigUnionRule.AlwaysUseGlobal; return; }
        if (addDefaultJob) AddJob(Short);
        AddColumn(new GflopsColumn());
    }

    /// <summary>Set by Program's <c>--ci-dry</c> before any benchmark type is read: the global Dry job alone runs.</summary>
    public static bool CiDry { get; set; }
}

/// <summary>The short job at each ISA level, selected with the runtime's knobs (the benchmark log shows the widths).</summary>
sealed class IsaGflopsConfig : GflopsConfig
{
    public IsaGflopsConfig() : base(false)
    {
        if (CiDry) return;
        AddJob(Short.WithId("AVX-512"));
        AddJob(Short.WithEnvironmentVariable("DOTNET_EnableAVX512", "0").WithId("AVX2"));
        AddJob(Short.WithEnvironmentVariable("DOTNET_EnableHWIntrinsic", "0").WithId("NoSimd"));
    }
}

/// <summary>GFLOP/s = 2·M·K·N / mean time, from the benchmark's <c>Shape</c> parameter ("MxKxN", optional trailing T).</summary>
sealed class GflopsColumn : IColumn
{
    public string Id => nameof(GflopsColumn);
    public string ColumnName => "GFLOP/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "2·M·K·N floating-point operations per second of mean time, in 10⁹";

    public static (int M, int K, int N, bool TransB) Parse(string shape)
    {
        bool transB = shape.EndsWith('T');
        string[] parts = shape.TrimEnd('T').Split('x');
        return (int.Parse(parts[0]), int.Parse(parts[1]), int.Parse(parts[2]), transB);
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var stats = summary[benchmarkCase]?.ResultStatistics;
        if (stats is null || benchmarkCase.Parameters["Shape"] is not string shape || shape.TrimEnd('T').Split('x').Length != 3) return "-";
        (int m, int k, int n, _) = Parse(shape);
        return (2.0 * m * k * n / stats.Mean).ToString("F1");   // flop per ns = GFLOP/s
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;
}
