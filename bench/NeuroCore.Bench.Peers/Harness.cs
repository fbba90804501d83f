using System.Diagnostics;

namespace NeuroCore.Bench.Peers;

/// <summary>
/// One timed body of a workload: an engine and a variant of it (e.g. TorchSharp "inplace"). <paramref name="Prepare"/>,
/// when given, runs untimed before every call (W3's parameter reset and fresh optimizer); it requires inner = 1.
/// </summary>
internal sealed record Variant(string Engine, string Name, Action Body, Action? Prepare = null);

/// <summary>
/// The figures of one variant at one thread count (WORKLOADS.md "Reported figures").
/// <c>RuntimeThreadsCpuPct</c> and <c>NativeThreadsCpuPct</c> are the CPU time of this process's other threads during
/// the variant's timed calls, in % of their wall time: the .NET runtime's own threads, and the rest but the main thread
/// and NeuroCore's pool workers (LibTorch's OpenMP pool); see <see cref="ProcStats.OtherThreadsCpuNs"/>.
/// <c>SettleMs</c> and <c>SettleNativeCpuMs</c> are the mean untimed settle wait before a repetition and the native
/// threads' CPU time during it (see <c>Harness.Settle</c>).
/// </summary>
internal sealed record Figure(string Workload, string Engine, string Variant, int Threads, double Work, string Unit,
    double MedianS, double MinS, double MaxS, int Inner, int Reps, int Attempts, double ForeignCpuPct,
    double MinFltPerCall, double OwnSysPct, double RuntimeThreadsCpuPct, double NativeThreadsCpuPct, double SettleMs,
    double SettleNativeCpuMs);

/// <summary>
/// The timing protocol of WORKLOADS.md: warm-up (≥ 0.5 s and ≥ 30 calls, then a second ≥ 0.5 s round over all variants
/// so that every one runs optimized code), calibration of <c>inner</c>, then the
/// repetitions of all variants alternately (A B A B ...) in this one process, two GCs and a settle wait for the peer's
/// thread pool between repetitions, and the
/// noise guard (foreign CPU time from /proc/stat; a set above 30 % of one core runs again, up to 3 more times,
/// and the quietest set is kept).
/// </summary>
internal static class Harness
{
    public const double NoiseLimitPct = 30.0;
    public const int ExtraAttempts = 3;

    /// <summary>
    /// Whether every repetition waits, untimed, for this process's native threads (LibTorch's OpenMP pool) to go idle
    /// before it starts (see <see cref="Settle"/>); <c>run --no-settle</c> turns it off to reproduce the old protocol.
    /// </summary>
    public static bool SettleEnabled { get; set; } = true;

    /// <summary>The longest settle wait, ms: a pool still busy after it is left running (and shows in the figures).</summary>
    const double SettleMaxMs = 300;

    /// <summary>The settle wait ends after this many consecutive 1 ms windows in which the native threads used less
    /// than <see cref="SettleIdleNs"/> of CPU.</summary>
    const int SettleIdleWindows = 3;

    const long SettleIdleNs = 50_000;

    /// <summary>
    /// Waits until this process's native threads (other than the main thread, NeuroCore's pool and the runtime's own
    /// threads: in practice LibTorch's libgomp workers) have used less than 50 µs of CPU in each of 3 consecutive
    /// 1 ms windows, or <see cref="SettleMaxMs"/> has passed. libgomp's idle workers spin (GOMP_SPINCOUNT iterations,
    /// 300,000 by default when OMP_WAIT_POLICY is unset) before they sleep, so right after a TorchSharp repetition one of
    /// them can still hold a core when the next repetition starts. The same wait runs before every repetition of every
    /// variant; it only lets the peer's pool finish what it does after its own call has returned. Returns the wait in
    /// ms and the native threads' CPU time during it in ms.
    /// </summary>
    static (double WaitMs, double NativeCpuMs) Settle()
    {
        long start = Stopwatch.GetTimestamp();
        long first = ProcStats.OtherThreadsCpuNs().Native, last = first;
        int idle = 0;
        while (idle < SettleIdleWindows && Stopwatch.GetElapsedTime(start).TotalMilliseconds < SettleMaxMs)
        {
            Thread.Sleep(1);
            long now = ProcStats.OtherThreadsCpuNs().Native;
            idle = now - last < SettleIdleNs ? idle + 1 : 0;
            last = now;
        }
        return (Stopwatch.GetElapsedTime(start).TotalMilliseconds, (last - first) / 1e6);
    }

    public static List<Figure> Measure(string workload, int threads, double work, string unit,
        IReadOnlyList<Variant> variants, int reps, double calibrationSeconds, bool innerOne = false)
    {
        var inner = new int[variants.Count];
        var firstRound = new double[variants.Count];
        // Warm-up in two rounds. The first runs each variant ≥ 0.5 s and ≥ 30 calls (WORKLOADS.md asks ≥ 3; 30 is the
        // call count after which tiered compilation promotes a method, so a slow step such as W3's gets there). Tiered compilation
        // promotes a method to optimized (tier-1) code in the background only after a call-counting delay, and any new
        // tier-0 JIT work (the next variant's first calls) restarts that delay, so a variant can leave its first round
        // still on tier-0 or instrumented code (a scratch probe saw a 4.1 ms median for a body that runs 0.58 ms
        // optimized). The second round runs every variant again for ≥ 0.5 s after all their code exists; its per-call
        // time calibrates inner. Same for both engines.
        for (int round = 0; round < 2; round++)
            for (int v = 0; v < variants.Count; v++)
            {
                var sw = Stopwatch.StartNew();
                int calls = 0;
                while (calls < (round == 0 ? 30 : 3) || sw.Elapsed.TotalSeconds < 0.5)
                {
                    variants[v].Prepare?.Invoke();
                    variants[v].Body();
                    calls++;
                }
                double perCall = sw.Elapsed.TotalSeconds / calls;
                if (round == 0)
                {
                    firstRound[v] = perCall;
                    continue;
                }
                if (variants[v].Prepare is not null && !innerOne) throw new InvalidOperationException("Variant.Prepare needs inner = 1.");
                inner[v] = innerOne ? 1 : Math.Max(1, (int)Math.Ceiling(calibrationSeconds / perCall));
                Console.Error.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"  {workload} t={threads} warm-up {variants[v].Engine} {variants[v].Name}: {firstRound[v] * 1e3:F3} ms/call in round 1, {perCall * 1e3:F3} in round 2"));
            }

        Set? best = null;
        int attempts = 0;
        for (int a = 0; a <= ExtraAttempts; a++)
        {
            attempts++;
            var set = RunSet(variants, inner, reps);
            if (best is null || set.ForeignPct < best.ForeignPct) best = set;
            Console.Error.WriteLine($"  {workload} t={threads} set {a + 1}: foreign CPU {set.ForeignPct:F1} % of one core");
            if (set.ForeignPct <= NoiseLimitPct) break;
        }

        var figures = new List<Figure>();
        for (int v = 0; v < variants.Count; v++)
        {
            var times = best!.PerCall[v];
            Array.Sort(times);
            figures.Add(new Figure(workload, variants[v].Engine, variants[v].Name, threads, work, unit,
                times[times.Length / 2], times[0], times[^1], inner[v], reps, attempts, best.ForeignPct,
                (double)best.MinFlt[v] / (reps * inner[v]), best.OwnSysPct, best.RuntimeNs[v] / 1e7 / best.TimedS[v], best.NativeNs[v] / 1e7 / best.TimedS[v],
                best.SettleMs[v] / reps, best.SettleNativeMs[v] / reps));
        }
        return figures;
    }

    sealed record Set(double[][] PerCall, long[] MinFlt, double ForeignPct, double OwnSysPct, long[] RuntimeNs, long[] NativeNs, double[] TimedS,
        double[] SettleMs, double[] SettleNativeMs);

    static Set RunSet(IReadOnlyList<Variant> variants, int[] inner, int reps)
    {
        var perCall = new double[variants.Count][];
        for (int v = 0; v < perCall.Length; v++) perCall[v] = new double[reps];
        var minflt = new long[variants.Count];
        var runtimeNs = new long[variants.Count];
        var nativeNs = new long[variants.Count];
        var settleMs = new double[variants.Count];
        var settleNativeMs = new double[variants.Count];
        var timedS = new double[variants.Count];

        long busy0 = ProcStats.MachineBusyTicks();
        var self0 = ProcStats.Self();
        var wall = Stopwatch.StartNew();
        for (int r = 0; r < reps; r++)
            for (int v = 0; v < variants.Count; v++)
            {
                long f0 = ProcStats.Self().MinFlt;
                variants[v].Prepare?.Invoke();
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                var body = variants[v].Body;
                if (SettleEnabled)
                {
                    var (waitMs, nativeMs) = Settle();
                    settleMs[v] += waitMs;
                    settleNativeMs[v] += nativeMs;
                }
                var (rt0, nt0) = ProcStats.OtherThreadsCpuNs();
                long t0 = Stopwatch.GetTimestamp();
                for (int i = 0; i < inner[v]; i++) body();
                long t1 = Stopwatch.GetTimestamp();
                var (rt1, nt1) = ProcStats.OtherThreadsCpuNs();
                runtimeNs[v] += rt1 - rt0;
                nativeNs[v] += nt1 - nt0;
                timedS[v] += (t1 - t0) / (double)Stopwatch.Frequency;
                perCall[v][r] = (t1 - t0) / (double)Stopwatch.Frequency / inner[v];
                minflt[v] += ProcStats.Self().MinFlt - f0;
            }
        double seconds = wall.Elapsed.TotalSeconds;
        long busy1 = ProcStats.MachineBusyTicks();
        var self1 = ProcStats.Self();
        long own = (self1.UTime - self0.UTime) + (self1.STime - self0.STime);
        double foreign = Math.Max(0, busy1 - busy0 - own) / ProcStats.TicksPerSecond / seconds * 100.0;
        double sys = (self1.STime - self0.STime) / ProcStats.TicksPerSecond / seconds * 100.0;
        return new Set(perCall, minflt, foreign, sys, runtimeNs, nativeNs, timedS, settleMs, settleNativeMs);
    }

    /// <summary>
    /// Waits until the machine has been at most 10 % busy (of all its cores) for 2 s, or gives up after
    /// <paramref name="maxWaitSeconds"/>; returns the busy fraction of the last 2 s window in percent.
    /// </summary>
    public static double WaitForQuiet(double maxWaitSeconds)
    {
        var sw = Stopwatch.StartNew();
        double pct;
        do
        {
            long b0 = ProcStats.MachineBusyTicks();
            Thread.Sleep(2000);
            long b1 = ProcStats.MachineBusyTicks();
            pct = (b1 - b0) / ProcStats.TicksPerSecond / 2.0 / Environment.ProcessorCount * 100.0;
            if (pct <= 10.0) break;
        }
        while (sw.Elapsed.TotalSeconds < maxWaitSeconds);
        return pct;
    }
}
