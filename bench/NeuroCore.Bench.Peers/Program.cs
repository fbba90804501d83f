using System.Globalization;
using System.Text.Json;
using TorchSharp;

namespace NeuroCore.Bench.Peers;

/// <summary>
/// Side-by-side harness: NeuroCore against TorchSharp 0.107.0 on the workloads of WORKLOADS.md. Run it through
/// bench/peers-run.sh, which builds, patches libLibTorchSharp.so and starts one process per (workload, threads).
/// <code>
/// smoke                                      load TorchSharp and print torch.ones(2).sum()
/// run --workload p|d|w1|w2|w3|w4|w5 --threads N --out F   measure one pair, append JSON lines to F  [--quick] [--script] [--alone] [--step-only] [--no-settle] [--spin-probe]
///                                            (p: the physical limits P0-P3, never loads LibTorch; d: the D1-D3 probes)
/// report --in F --md F.md --json F.json      merge the JSON lines into the report (summary table first)
/// readme --json F.json --readme README.md    write the report's summary table between README's markers
/// </code>
/// </summary>
internal static class Program
{
    static int Main(string[] args)
    {
        try
        {
            return args.Length == 0 ? Usage() : args[0] switch
            {
                "smoke" => Smoke(),
                "run" => RunOne(args),
                "report" => Report.Write(Arg(args, "--in"), Arg(args, "--md"), Arg(args, "--json")),
                "readme" => Summary.Readme(Arg(args, "--json"), Arg(args, "--readme")),
                _ => Usage(),
            };
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine("peers: " + e.Message);
            return 1;
        }
    }

    static int Usage()
    {
        Console.Error.WriteLine("usage: smoke | run --workload p|d|w1|w2|w3|w4|w5 --threads N --out FILE [--quick] [--script] [--alone] [--step-only] [--no-settle] [--spin-probe] | report --in FILE --md FILE --json FILE | readme --json FILE --readme README.md");
        return 2;
    }

    static string Arg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        if (i < 0 || i + 1 >= args.Length) throw new InvalidOperationException($"missing {name} VALUE");
        return args[i + 1];
    }

    static int Smoke()
    {
        using var ones = torch.ones(2);
        using var sum = ones.sum();
        float s = sum.item<float>();
        Console.WriteLine($"TorchSharp {typeof(torch).Assembly.GetName().Version} loaded: torch.ones(2).sum() = {s}; " +
            $"threads {torch.get_num_threads()}");
        return s == 2f ? 0 : 1;
    }

    static int RunOne(string[] args)
    {
        string workload = Arg(args, "--workload");
        int threads = int.Parse(Arg(args, "--threads"), CultureInfo.InvariantCulture);
        string outPath = Arg(args, "--out");
        bool quick = args.Contains("--quick");
        int reps = quick ? 7 : 9;
        double quiet = Harness.WaitForQuiet(quick ? 10 : 60);
        double rssBefore = ProcStats.StatusMiB("VmRSS:");

        Harness.SettleEnabled = !args.Contains("--no-settle");
        bool alone = args.Contains("--alone") || workload == "p";
        if (!alone) torch.set_num_threads(threads); // --alone: LibTorch is never loaded, so the peak RSS is NeuroCore's

        var checks = new Dictionary<string, string>();
        var figures = workload switch
        {
            "p" => PLimits.Run(threads, reps, checks),
            "d" => DProbes.Run(threads, reps, checks),
            "w1" => [.. W1Gemm.Run(threads, reps, checks, 128, 784, 512), .. W1Gemm.Run(threads, reps, checks, 512, 512, 512),
                .. W1Gemm.Run(threads, reps, checks)],
            "w2" => W2Lif.Run(threads, reps, checks, args.Contains("--script")),
            "w3" => W3SnnMlp.Run(threads, reps, checks, alone, args.Contains("--step-only"), args.Contains("--spin-probe")),
            "w4" => W4Sparse.Run(threads, reps, checks),
            "w5" => W5Conv.Run(threads, reps, checks),
            _ => throw new InvalidOperationException($"unknown workload '{workload}' (p, d, w1, w2, w3, w4, w5)"),
        };
        double peak = ProcStats.StatusMiB("VmHWM:");
        // The x_malloc_ repeat (WORKLOADS.md "Allocator"): the same work with glibc told to keep freed memory.
        string tag = Environment.GetEnvironmentVariable("MALLOC_MMAP_MAX_") == "0" ? "x_malloc_" : "";
        figures = figures.ConvertAll(f => f with { Workload = tag + f.Workload });

        using var stream = new FileStream(outPath, FileMode.Append);
        foreach (var f in figures)
        {
            Report.WriteLine(stream, f, quiet, rssBefore, peak);
            Console.WriteLine($"{f.Workload} t={f.Threads} {f.Engine,-10} {f.Variant,-16} median {f.MedianS * 1e3,9:F3} ms " +
                $"{f.Work / f.MedianS,8:F2} {f.Unit}/s  (min {f.MinS * 1e3:F3}, max {f.MaxS * 1e3:F3} ms, foreign {f.ForeignCpuPct:F0} %, " +
                $"other threads: runtime {f.RuntimeThreadsCpuPct:F1} %, native {f.NativeThreadsCpuPct:F1} %; " +
                $"settle {f.SettleMs:F1} ms, native CPU in it {f.SettleNativeCpuMs:F2} ms)");
        }
        foreach (var (k, v) in checks)
        {
            Report.WriteCheck(stream, tag + k, v);
            Console.WriteLine($"check {k}: {v}");
        }
        Console.WriteLine($"peak RSS {peak:F0} MiB (before data {rssBefore:F0} MiB); machine busy {quiet:F0} % at start");
        return 0;
    }
}
