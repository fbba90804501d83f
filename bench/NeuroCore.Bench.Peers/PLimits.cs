using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuroCore.Bench.Peers;

/// <summary>
/// P0-P3 of WORKLOADS.md, the machine's physical limits in plain C# (no native code), measured with the same protocol
/// as the workloads (<see cref="Harness.Measure"/>: warm-up, A B A B repetitions, noise guard) so the report can give
/// each NeuroCore figure as a fraction of the FMA peak or of the triad bandwidth measured in the same session.
/// <list type="bullet">
/// <item>P0 <c>p0_clock</c>: a dependent chain <c>x ^= y; x += z</c>, two 1-cycle ALU ops per iteration; rate = GHz.</item>
/// <item>P1 <c>p1_fma</c>: 16 independent accumulators <c>acc = fma(acc, m, c)</c>, 1e8 iterations per thread, all
/// threads released at one barrier; Vector512 (<c>Avx512F.FusedMultiplyAdd</c>), Vector256 and Vector128
/// (<c>Fma.MultiplyAdd</c>); rate = GFLOP/s (16·lanes·2 flop per iteration per thread).</item>
/// <item>P2 <c>p2_triad_SIZE</c>: <c>a[i] = b[i] + s·c[i]</c> over three 4096-aligned float arrays
/// (<c>NativeMemory.AlignedAlloc</c>), a Vector512 loop unrolled ×4, plain (<c>plain</c>) and non-temporal
/// (<c>nt</c>) stores, each thread taking its half; 64 MiB per array (1 pass per repetition, 20 repetitions), and
/// the cache-resident 4 MiB and 256 KiB; traffic counted the STREAM way (3 arrays per pass, no write-allocate);
/// rate = GB/s.</item>
/// <item>P3 <c>p3_first_touch</c>: malloc 256 MiB (glibc maps it with mmap), write one byte per 4 KiB page, free;
/// rate = pages/s, so µs per page = 1e6 / rate (the minor faults per call are recorded too: transparent huge pages
/// would make them fewer than the pages).</item>
/// </list>
/// P0 and P3 run at 1 thread only; P1 and P2 at the thread count of the process.
/// </summary>
internal static unsafe class PLimits
{
    /// <summary>P1's iterations per thread (WORKLOADS.md: 1e8).</summary>
    public const long FmaIterations = 100_000_000;

    const long ClockIterations = 200_000_000;
    const nuint FirstTouchBytes = 256u << 20;
    const int Page = 4096;

    /// <summary>Results kept alive so the JIT cannot drop the loops.</summary>
    static volatile float s_sinkF;
    static ulong s_sinkU;

    public static List<Figure> Run(int threads, int reps, Dictionary<string, string> checks)
    {
        var figures = new List<Figure>();
        using var gang = new Gang(threads);

        if (threads == 1)
        {
            ulong y = (ulong)Environment.TickCount64 | 1, z = y * 3;
            figures.AddRange(Harness.Measure("p0_clock", 1, 2.0 * ClockIterations / 1e9, "Gop",
                [new("machine", "xor_add_chain", () => s_sinkU += Chain(ClockIterations, y, z))], reps, 0.2));
        }

        var fma = new List<Variant>();
        double flopPerIter(int lanes) => 16.0 * lanes * 2 * threads;
        if (Avx512F.IsSupported)
            fma.Add(new("machine", "vector512", () => gang.Run(_ => s_sinkF += Fma512(FmaIterations))));
        if (Fma.IsSupported)
        {
            fma.Add(new("machine", "vector256", () => gang.Run(_ => s_sinkF += Fma256(FmaIterations))));
            fma.Add(new("machine", "vector128", () => gang.Run(_ => s_sinkF += Fma128(FmaIterations))));
        }
        foreach (var v in fma)
        {
            int lanes = v.Name switch { "vector512" => 16, "vector256" => 8, _ => 4 };
            // One Measure per width: the work differs, and each width is its own figure of the report.
            figures.AddRange(Harness.Measure("p1_fma", threads, flopPerIter(lanes) * FmaIterations / 1e9, "GFLOP",
                [v], reps, 0.2));
        }
        if (fma.Count == 0) checks[$"p1 t={threads}"] = "skipped: neither AVX-512F nor FMA is supported";

        if (Avx512F.IsSupported)
        {
            foreach (var (label, bytes, r) in new[] { ("64MiB", 64L << 20, 20), ("4MiB", 4L << 20, reps), ("256KiB", 256L << 10, reps) })
            {
                using var triad = new Triad(bytes / sizeof(float), threads);
                var variants = new List<Variant>
                {
                    new("machine", "plain", () => gang.Run(t => triad.Pass(t, nonTemporal: false))),
                    new("machine", "nt", () => gang.Run(t => triad.Pass(t, nonTemporal: true))),
                };
                // The 64 MiB size runs one pass per repetition (WORKLOADS.md); the cache-resident ones are calibrated.
                figures.AddRange(Harness.Measure($"p2_triad_{label}", threads, 3.0 * bytes / 1e9, "GB", variants, r,
                    0.05, innerOne: label == "64MiB"));
                checks[$"p2 {label} t={threads}"] = triad.Check();
            }
        }
        else checks[$"p2 t={threads}"] = "skipped: the triad loop is Vector512 and AVX-512F is not supported";

        if (threads == 1)
        {
            int pages = (int)(FirstTouchBytes / Page);
            var ft = Harness.Measure("p3_first_touch", 1, pages, "page",
                [new("machine", "256MiB", FirstTouch)], Math.Min(reps, 7), 0);
            figures.AddRange(ft);
            var f = ft[0];
            checks["p3 first touch"] = $"{f.MedianS / pages * 1e6:F2} µs per 4 KiB page, {f.MinFltPerCall:F0} minor faults per call " +
                $"({pages} pages); transparent huge pages: {ThpMode()}";
        }
        return figures;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static ulong Chain(long iterations, ulong y, ulong z)
    {
        ulong x = 0;
        for (long i = 0; i < iterations; i += 8)
        {
            x ^= y; x += z; x ^= y; x += z; x ^= y; x += z; x ^= y; x += z;
            x ^= y; x += z; x ^= y; x += z; x ^= y; x += z; x ^= y; x += z;
        }
        return x;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static float Fma512(long iterations)
    {
        var m = Vector512.Create(0.9999999f);
        var c = Vector512.Create(1e-7f);
        Vector512<float> a0 = Vector512.Create(0.1f), a1 = Vector512.Create(0.2f), a2 = Vector512.Create(0.3f), a3 = Vector512.Create(0.4f);
        Vector512<float> a4 = a0 + a1, a5 = a0 + a2, a6 = a0 + a3, a7 = a1 + a2, a8 = a1 + a3, a9 = a2 + a3;
        Vector512<float> a10 = a4 + a0, a11 = a5 + a0, a12 = a6 + a0, a13 = a7 + a0, a14 = a8 + a0, a15 = a9 + a0;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Avx512F.FusedMultiplyAdd(a0, m, c); a1 = Avx512F.FusedMultiplyAdd(a1, m, c);
            a2 = Avx512F.FusedMultiplyAdd(a2, m, c); a3 = Avx512F.FusedMultiplyAdd(a3, m, c);
            a4 = Avx512F.FusedMultiplyAdd(a4, m, c); a5 = Avx512F.FusedMultiplyAdd(a5, m, c);
            a6 = Avx512F.FusedMultiplyAdd(a6, m, c); a7 = Avx512F.FusedMultiplyAdd(a7, m, c);
            a8 = Avx512F.FusedMultiplyAdd(a8, m, c); a9 = Avx512F.FusedMultiplyAdd(a9, m, c);
            a10 = Avx512F.FusedMultiplyAdd(a10, m, c); a11 = Avx512F.FusedMultiplyAdd(a11, m, c);
            a12 = Avx512F.FusedMultiplyAdd(a12, m, c); a13 = Avx512F.FusedMultiplyAdd(a13, m, c);
            a14 = Avx512F.FusedMultiplyAdd(a14, m, c); a15 = Avx512F.FusedMultiplyAdd(a15, m, c);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static float Fma256(long iterations)
    {
        var m = Vector256.Create(0.9999999f);
        var c = Vector256.Create(1e-7f);
        Vector256<float> a0 = Vector256.Create(0.1f), a1 = Vector256.Create(0.2f), a2 = Vector256.Create(0.3f), a3 = Vector256.Create(0.4f);
        Vector256<float> a4 = a0 + a1, a5 = a0 + a2, a6 = a0 + a3, a7 = a1 + a2, a8 = a1 + a3, a9 = a2 + a3;
        Vector256<float> a10 = a4 + a0, a11 = a5 + a0, a12 = a6 + a0, a13 = a7 + a0, a14 = a8 + a0, a15 = a9 + a0;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Fma.MultiplyAdd(a0, m, c); a1 = Fma.MultiplyAdd(a1, m, c);
            a2 = Fma.MultiplyAdd(a2, m, c); a3 = Fma.MultiplyAdd(a3, m, c);
            a4 = Fma.MultiplyAdd(a4, m, c); a5 = Fma.MultiplyAdd(a5, m, c);
            a6 = Fma.MultiplyAdd(a6, m, c); a7 = Fma.MultiplyAdd(a7, m, c);
            a8 = Fma.MultiplyAdd(a8, m, c); a9 = Fma.MultiplyAdd(a9, m, c);
            a10 = Fma.MultiplyAdd(a10, m, c); a11 = Fma.MultiplyAdd(a11, m, c);
            a12 = Fma.MultiplyAdd(a12, m, c); a13 = Fma.MultiplyAdd(a13, m, c);
            a14 = Fma.MultiplyAdd(a14, m, c); a15 = Fma.MultiplyAdd(a15, m, c);
        }
        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static float Fma128(long iterations)
    {
        var m = Vector128.Create(0.9999999f);
        var c = Vector128.Create(1e-7f);
        Vector128<float> a0 = Vector128.Create(0.1f), a1 = Vector128.Create(0.2f), a2 = Vector128.Create(0.3f), a3 = Vector128.Create(0.4f);
        Vector128<float> a4 = a0 + a1, a5 = a0 + a2, a6 = a0 + a3, a7 = a1 + a2, a8 = a1 + a3, a9 = a2 + a3;
        Vector128<float> a10 = a4 + a0, a11 = a5 + a0, a12 = a6 + a0, a13 = a7 + a0, a14 = a8 + a0, a15 = a9 + a0;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Fma.MultiplyAdd(a0, m, c); a1 = Fma.MultiplyAdd(a1, m, c);
            a2 = Fma.MultiplyAdd(a2, m, c); a3 = Fma.MultiplyAdd(a3, m, c);
            a4 = Fma.MultiplyAdd(a4, m, c); a5 = Fma.MultiplyAdd(a5, m, c);
            a6 = Fma.MultiplyAdd(a6, m, c); a7 = Fma.MultiplyAdd(a7, m, c);
            a8 = Fma.MultiplyAdd(a8, m, c); a9 = Fma.MultiplyAdd(a9, m, c);
            a10 = Fma.MultiplyAdd(a10, m, c); a11 = Fma.MultiplyAdd(a11, m, c);
            a12 = Fma.MultiplyAdd(a12, m, c); a13 = Fma.MultiplyAdd(a13, m, c);
            a14 = Fma.MultiplyAdd(a14, m, c); a15 = Fma.MultiplyAdd(a15, m, c);
        }
        return Vector128.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15);
    }

    static void FirstTouch()
    {
        byte* p = (byte*)NativeMemory.Alloc(FirstTouchBytes);
        for (nuint off = 0; off < FirstTouchBytes; off += Page) p[off] = 1;
        NativeMemory.Free(p);
    }

    static string ThpMode()
    {
        const string path = "/sys/kernel/mm/transparent_hugepage/enabled";
        return File.Exists(path) ? File.ReadAllText(path).Trim() : "unknown";
    }

    /// <summary>Three 4096-aligned float arrays and the triad over one thread's share of them.</summary>
    sealed class Triad : IDisposable
    {
        const float Scalar = 3f;
        readonly float* _a, _b, _c;
        readonly long _n, _share;

        public Triad(long n, int threads)
        {
            if (n % (64L * threads) != 0)
                throw new InvalidOperationException($"P2: {n} floats do not split into {threads} shares of whole 64-float blocks.");
            _n = n;
            _share = n / threads;
            nuint bytes = (nuint)(n * sizeof(float));
            _a = (float*)NativeMemory.AlignedAlloc(bytes, 4096);
            _b = (float*)NativeMemory.AlignedAlloc(bytes, 4096);
            _c = (float*)NativeMemory.AlignedAlloc(bytes, 4096);
            for (long i = 0; i < n; i++) { _a[i] = 0f; _b[i] = 1f; _c[i] = 2f; }
        }

        public void Pass(int member, bool nonTemporal)
        {
            long from = member * _share, to = from + _share;
            var s = Vector512.Create(Scalar);
            float* a = _a, b = _b, c = _c;
            if (nonTemporal)
            {
                for (long i = from; i < to; i += 64)
                {
                    Avx512F.StoreAlignedNonTemporal(a + i, Vector512.LoadAligned(b + i) + s * Vector512.LoadAligned(c + i));
                    Avx512F.StoreAlignedNonTemporal(a + i + 16, Vector512.LoadAligned(b + i + 16) + s * Vector512.LoadAligned(c + i + 16));
                    Avx512F.StoreAlignedNonTemporal(a + i + 32, Vector512.LoadAligned(b + i + 32) + s * Vector512.LoadAligned(c + i + 32));
                    Avx512F.StoreAlignedNonTemporal(a + i + 48, Vector512.LoadAligned(b + i + 48) + s * Vector512.LoadAligned(c + i + 48));
                }
                Sse.StoreFence(); // non-temporal stores are weakly ordered: drain them inside the timed call
            }
            else
            {
                for (long i = from; i < to; i += 64)
                {
                    Vector512.StoreAligned(Vector512.LoadAligned(b + i) + s * Vector512.LoadAligned(c + i), a + i);
                    Vector512.StoreAligned(Vector512.LoadAligned(b + i + 16) + s * Vector512.LoadAligned(c + i + 16), a + i + 16);
                    Vector512.StoreAligned(Vector512.LoadAligned(b + i + 32) + s * Vector512.LoadAligned(c + i + 32), a + i + 32);
                    Vector512.StoreAligned(Vector512.LoadAligned(b + i + 48) + s * Vector512.LoadAligned(c + i + 48), a + i + 48);
                }
            }
        }

        /// <summary>Every a[i] must be b + s·c = 7 after any pass (plain or non-temporal).</summary>
        public string Check()
        {
            for (long i = 0; i < _n; i++)
                if (_a[i] != 1f + Scalar * 2f)
                    throw new InvalidOperationException($"P2: a[{i}] = {_a[i]}, expected {1f + Scalar * 2f}.");
            return $"a[i] = 7 for all {_n} elements ({(double)_n * sizeof(float) / (1 << 20):F2} MiB per array)";
        }

        public void Dispose()
        {
            NativeMemory.AlignedFree(_a);
            NativeMemory.AlignedFree(_b);
            NativeMemory.AlignedFree(_c);
        }
    }
}
