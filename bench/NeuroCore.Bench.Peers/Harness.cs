using System.Diagnostics;

namespace NeuroCore.Bench.Peers;

/// <summary>
/// One timed body of a workload: an engine and a variant of it (e.g. TorchSharp "inplace"). <paramref name="Prepare"/>,
/// when given, runs untimed before every call (W3's parameter reset and fresh optimizer); it requires inner = 1.
/// </summary>
internal sealed record Variant(string Engine, string Name, Action Body, Action? Prepare = null);

/// <summary>The figures of one variant at one thread count (WORKLOADS.md "Reported figures").</summary>
internal sealed record Figure(string Workload, string Engine, string Variant, int Threads, double Work, string Unit,
    double MedianS, double MinS, double MaxS, int Inner, int Reps, int Attempts, double ForeignCpuPct,
    double MinFltPerCall, double OwnSysPct);

/// <summary>
/// The timing protocol of WORKLOADS.md: warm-up (≥ 0.5 s and ≥ 3 calls, then a second ≥ 0.5 s round over all variants
/// so that every one runs optimized code), calibration of <c>inner</c>, then the
/// repetitions of all variants alternately (A B A B ...) in this one process, two GCs between repetitions, and the
/// noise guard (foreign CPU time from /proc/stat; a set above 30 % of one core runs again, up to 3 more times,
/// and the quietest set is kept).
/// </summary>
internal static class Harness
{
    public const double NoiseLimitPct = 30.0;
    public const int ExtraAttempts = 3;

    public static List<Figure> Measure(string workload, int threads, double work, string unit,
        IReadOnlyList<Variant> variants, int reps, double calibrationSeconds, bool innerOne = false)
    {
        var inner = new int[variants.Count];
        var firstRound = new double[variants.Count];
        // Warm-up in two rounds. The first runs each variant ≥ 0.5 s and ≥ 3 calls (WORKLOADS.md). Tiered compilation
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
                while (calls < 3 || sw.Elapsed.TotalSeconds < 0.5)
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
                (double)best.MinFlt[v] / (reps * inner[v]), best.OwnSysPct));
        }
        return figures;
    }

    sealed record Set(double[][] PerCall, long[] MinFlt, double ForeignPct, double OwnSysPct);

    static Set RunSet(IReadOnlyList<Variant> variants, int[] inner, int reps)
    {
        var perCall = new double[variants.Count][];
        for (int v = 0; v < perCall.Length; v++) perCall[v] = new double[reps];
        var minflt = new long[variants.Count];

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
                long t0 = Stopwatch.GetTimestamp();
                for (int i = 0; i < inner[v]; i++) body();
                long t1 = Stopwatch.GetTimestamp();
                perCall[v][r] = (t1 - t0) / (double)Stopwatch.Frequency / inner[v];
                minflt[v] += ProcStats.Self().MinFlt - f0;
            }
        double seconds = wall.Elapsed.TotalSeconds;
        long busy1 = ProcStats.MachineBusyTicks();
        var self1 = ProcStats.Self();
        long own = (self1.UTime - self0.UTime) + (self1.STime - self0.STime);
        double foreign = Math.Max(0, busy1 - busy0 - own) / ProcStats.TicksPerSecond / seconds * 100.0;
        double sys = (self1.STime - self0.STime) / ProcStats.TicksPerSecond / seconds * 100.0;
        return new Set(perCall, minflt, foreign, sys);
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
