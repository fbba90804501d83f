using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using X86Fma = System.Runtime.Intrinsics.X86.Fma;

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
/// the cache-resident 4 MiB and 256 KiB (16 and 256 passes per timed call); traffic counted the STREAM way (3 arrays per pass, no write-allocate);
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
            fma.Add(new("machine", "vector512", () => gang.Run(_ => s_sinkF += FmaLoop<W512, Vector512<float>>(FmaIterations))));
        if (Fma.IsSupported)
        {
            fma.Add(new("machine", "vector256", () => gang.Run(_ => s_sinkF += FmaLoop<W256, Vector256<float>>(FmaIterations))));
            fma.Add(new("machine", "vector128", () => gang.Run(_ => s_sinkF += FmaLoop<W128, Vector128<float>>(FmaIterations))));
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
                // One gang call covers 64 MiB of each array's traffic: one pass at 64 MiB (WORKLOADS.md: one pass per
                // repetition), 16 or 256 back-to-back passes at the cache-resident sizes, each thread over its own half
                // without a barrier between passes, so the barrier's wake-up (tens of µs) is not timed per 256 KiB pass.
                int passes = (int)((64L << 20) / bytes);
                var variants = new List<Variant>
                {
                    new("machine", "plain", () => gang.Run(t => triad.Passes(t, passes, nonTemporal: false))),
                    new("machine", "nt", () => gang.Run(t => triad.Passes(t, passes, nonTemporal: true))),
                };
                figures.AddRange(Harness.Measure($"p2_triad_{label}", threads, passes * 3.0 * bytes / 1e9, "GB", variants, r,
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

    /// <summary>One vector width of P1: its FMA instruction and what the loop needs around it.</summary>
    interface IWidth<TV> where TV : struct
    {
        static abstract TV Create(float x);
        static abstract TV Fma(TV a, TV m, TV c);
        static abstract TV Add(TV a, TV b);
        static abstract float Sum(TV a);
    }

    readonly struct W512 : IWidth<Vector512<float>>
    {
        public static Vector512<float> Create(float x) => Vector512.Create(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Fma(Vector512<float> a, Vector512<float> m, Vector512<float> c) => Avx512F.FusedMultiplyAdd(a, m, c);
        public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;
        public static float Sum(Vector512<float> a) => Vector512.Sum(a);
    }

    readonly struct W256 : IWidth<Vector256<float>>
    {
        public static Vector256<float> Create(float x) => Vector256.Create(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Fma(Vector256<float> a, Vector256<float> m, Vector256<float> c) => X86Fma.MultiplyAdd(a, m, c);
        public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
        public static float Sum(Vector256<float> a) => Vector256.Sum(a);
    }

    readonly struct W128 : IWidth<Vector128<float>>
    {
        public static Vector128<float> Create(float x) => Vector128.Create(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Fma(Vector128<float> a, Vector128<float> m, Vector128<float> c) => X86Fma.MultiplyAdd(a, m, c);
        public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;
        public static float Sum(Vector128<float> a) => Vector128.Sum(a);
    }

    /// <summary>
    /// P1's loop: 16 independent accumulators, one FMA each per iteration (enough in flight to cover the FMA latency
    /// on both pipes). Specialised per struct width, so the calls inline to the bare instructions.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    static float FmaLoop<TW, TV>(long iterations) where TW : IWidth<TV> where TV : struct
    {
        TV m = TW.Create(0.9999999f), c = TW.Create(1e-7f);
        TV a0 = TW.Create(0.1f), a1 = TW.Create(0.2f), a2 = TW.Create(0.3f), a3 = TW.Create(0.4f);
        TV a4 = TW.Create(0.5f), a5 = TW.Create(0.6f), a6 = TW.Create(0.7f), a7 = TW.Create(0.8f);
        TV a8 = TW.Create(0.9f), a9 = TW.Create(1.0f), a10 = TW.Create(1.1f), a11 = TW.Create(1.2f);
        TV a12 = TW.Create(1.3f), a13 = TW.Create(1.4f), a14 = TW.Create(1.5f), a15 = TW.Create(1.6f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = TW.Fma(a0, m, c); a1 = TW.Fma(a1, m, c); a2 = TW.Fma(a2, m, c); a3 = TW.Fma(a3, m, c);
            a4 = TW.Fma(a4, m, c); a5 = TW.Fma(a5, m, c); a6 = TW.Fma(a6, m, c); a7 = TW.Fma(a7, m, c);
            a8 = TW.Fma(a8, m, c); a9 = TW.Fma(a9, m, c); a10 = TW.Fma(a10, m, c); a11 = TW.Fma(a11, m, c);
            a12 = TW.Fma(a12, m, c); a13 = TW.Fma(a13, m, c); a14 = TW.Fma(a14, m, c); a15 = TW.Fma(a15, m, c);
        }
        TV s0 = TW.Add(TW.Add(a0, a1), TW.Add(a2, a3)), s1 = TW.Add(TW.Add(a4, a5), TW.Add(a6, a7));
        TV s2 = TW.Add(TW.Add(a8, a9), TW.Add(a10, a11)), s3 = TW.Add(TW.Add(a12, a13), TW.Add(a14, a15));
        return TW.Sum(TW.Add(TW.Add(s0, s1), TW.Add(s2, s3)));
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

        public void Passes(int member, int passes, bool nonTemporal)
        {
            for (int p = 0; p < passes; p++) Pass(member, nonTemporal);
        }

        void Pass(int member, bool nonTemporal)
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
