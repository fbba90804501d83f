using System.Globalization;
using System.Text;
using System.Text.Json;

namespace NeuroCore.Bench.Peers;

/// <summary>JSON lines written by each measuring process, and the merged Markdown + JSON report.</summary>
internal static class Report
{
    public static void WriteLine(Stream s, Figure f, double busyAtStartPct, double rssBeforeMiB, double peakRssMiB)
    {
        using (var w = new Utf8JsonWriter(s))
        {
            w.WriteStartObject();
            w.WriteString("kind", "figure");
            w.WriteString("workload", f.Workload);
            w.WriteString("engine", f.Engine);
            w.WriteString("variant", f.Variant);
            w.WriteNumber("threads", f.Threads);
            w.WriteString("unit", f.Unit);
            w.WriteNumber("work", f.Work);
            w.WriteNumber("median_s", f.MedianS);
            w.WriteNumber("min_s", f.MinS);
            w.WriteNumber("max_s", f.MaxS);
            w.WriteNumber("rate_med", f.Work / f.MedianS);
            w.WriteNumber("rate_max", f.Work / f.MinS);
            w.WriteNumber("inner", f.Inner);
            w.WriteNumber("reps", f.Reps);
            w.WriteNumber("attempts", f.Attempts);
            w.WriteNumber("foreign_cpu_pct", Math.Round(f.ForeignCpuPct, 1));
            w.WriteNumber("minflt_per_call", Math.Round(f.MinFltPerCall, 2));
            w.WriteNumber("own_sys_pct", Math.Round(f.OwnSysPct, 1));
            w.WriteNumber("runtime_threads_cpu_pct", Math.Round(f.RuntimeThreadsCpuPct, 1));
            w.WriteNumber("native_threads_cpu_pct", Math.Round(f.NativeThreadsCpuPct, 1));
            w.WriteNumber("settle_ms", Math.Round(f.SettleMs, 2));
            w.WriteNumber("settle_native_cpu_ms", Math.Round(f.SettleNativeCpuMs, 2));
            w.WriteNumber("busy_at_start_pct", Math.Round(busyAtStartPct, 1));
            w.WriteNumber("rss_before_data_mib", Math.Round(rssBeforeMiB, 1));
            w.WriteNumber("peak_rss_mib", Math.Round(peakRssMiB, 1));
            w.WriteEndObject();
        }
        s.WriteByte((byte)'\n');
    }

    public static void WriteCheck(Stream s, string name, string text)
    {
        using (var w = new Utf8JsonWriter(s))
        {
            w.WriteStartObject();
            w.WriteString("kind", "check");
            w.WriteString("name", name);
            w.WriteString("text", text);
            w.WriteEndObject();
        }
        s.WriteByte((byte)'\n');
    }

    sealed record Row(JsonElement E)
    {
        public string Workload => E.GetProperty("workload").GetString()!;
        public string Engine => E.GetProperty("engine").GetString()!;
        public string Variant => E.GetProperty("variant").GetString()!;
        public int Threads => E.GetProperty("threads").GetInt32();
        public double D(string name) => E.GetProperty(name).GetDouble();
    }

    public static int Write(string input, string mdPath, string jsonPath)
    {
        var rows = new List<Row>();
        var checks = new List<(string, string)>();
        foreach (var line in File.ReadLines(input))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            var e = JsonDocument.Parse(line).RootElement;
            if (e.GetProperty("kind").GetString() == "check")
                checks.Add((e.GetProperty("name").GetString()!, e.GetProperty("text").GetString()!));
            else rows.Add(new Row(e));
        }

        var ic = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        var ratios = new List<(string Workload, int Threads, string Nc, string Torch, double Ratio)>();
        md.AppendLine(ic, $"# NeuroCore vs TorchSharp 0.107.0, side by side ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC)");
        md.AppendLine();
        md.AppendLine("Machine: " + Machine());
        md.AppendLine();
        var summary = Summary.Build(rows.Select(r => r.E).ToList());
        md.Append(Summary.Markdown(summary, rows.Select(r => r.E).ToList()));
        md.AppendLine();
        md.AppendLine("Per call: median, min and max over the repetitions (each repetition = `inner` calls, variants alternated");
        md.AppendLine("A B A B in one process). Rate = work / median (`_med`) and work / min (`_max`). Peak RSS is the process's");
        md.AppendLine("VmHWM and covers both engines (they share the process).");
        foreach (var wl in rows.Select(r => r.Workload).Distinct())
        {
            md.AppendLine();
            md.AppendLine("## " + wl);
            md.AppendLine();
            md.AppendLine("| threads | engine | variant | median ms | min ms | max ms | rate_med | rate_max | inner×reps | foreign CPU % | minflt/call | own sys % | peak RSS MiB |");
            md.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var r in rows.Where(r => r.Workload == wl).OrderBy(r => r.Threads))
                md.AppendLine(ic, $"| {r.Threads} | {r.Engine} | {r.Variant} | {r.D("median_s") * 1e3:F3} | {r.D("min_s") * 1e3:F3} | " +
                    $"{r.D("max_s") * 1e3:F3} | {r.D("rate_med"):F2} {r.E.GetProperty("unit").GetString()}/s | {r.D("rate_max"):F2} | " +
                    $"{r.D("inner")}×{r.D("reps")} | {r.D("foreign_cpu_pct"):F1} | {r.D("minflt_per_call"):F1} | {r.D("own_sys_pct"):F1} | {r.D("peak_rss_mib"):F0} |");
            if (!rows.Any(r => r.Workload == wl && r.Engine == "neurocore") || !rows.Any(r => r.Workload == wl && r.Engine == "torchsharp"))
                continue; // limits and per-op probes: one engine, no ratio
            md.AppendLine();
            md.AppendLine("Speed ratio NeuroCore ÷ TorchSharp (TorchSharp median ÷ NeuroCore median; > 1 means NeuroCore is faster):");
            md.AppendLine();
            md.AppendLine("| threads | NeuroCore variant | TorchSharp variant | ratio |");
            md.AppendLine("|---|---|---|---:|");
            foreach (var t in rows.Where(r => r.Workload == wl).Select(r => r.Threads).Distinct().Order())
            {
                var set = rows.Where(r => r.Workload == wl && r.Threads == t).ToList();
                foreach (var nc in set.Where(r => r.Engine == "neurocore"))
                    foreach (var ts in set.Where(r => r.Engine == "torchsharp"))
                    {
                        double ratio = ts.D("median_s") / nc.D("median_s");
                        ratios.Add((wl, t, nc.Variant, ts.Variant, ratio));
                        md.AppendLine(ic, $"| {t} | {nc.Variant} | {ts.Variant} | {ratio:F2}× |");
                    }
            }
        }
        md.AppendLine();
        md.AppendLine("## Result checks (made before timing)");
        md.AppendLine();
        foreach (var (k, v) in checks) md.AppendLine(ic, $"- {k}: {v}");
        File.WriteAllText(mdPath, md.ToString());

        using (var fs = File.Create(jsonPath))
        using (var w = new Utf8JsonWriter(fs, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("machine", Machine());
            w.WriteStartArray("summary");
            foreach (var r in summary) Summary.WriteJson(w, r);
            w.WriteEndArray();
            w.WriteStartArray("figures");
            foreach (var r in rows) r.E.WriteTo(w);
            w.WriteEndArray();
            w.WriteStartArray("ratios");
            foreach (var (wl, t, nc, ts, ratio) in ratios)
            {
                w.WriteStartObject();
                w.WriteString("workload", wl);
                w.WriteNumber("threads", t);
                w.WriteString("neurocore", nc);
                w.WriteString("torchsharp", ts);
                w.WriteNumber("ratio", Math.Round(ratio, 3));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("checks");
            foreach (var (k, v) in checks) w.WriteString(k, v);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        Console.WriteLine($"wrote {mdPath} and {jsonPath}");
        return 0;
    }

    internal static string Machine()
    {
        string cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?
            .Split(':', 2)[1].Trim() ?? "unknown CPU";
        string mem = File.ReadLines("/proc/meminfo").First().Split(':', 2)[1].Trim();
        string os = File.Exists("/etc/debian_version") ? "Debian " + File.ReadAllText("/etc/debian_version").Trim() : "Linux";
        return $"{Environment.ProcessorCount} cores of {cpu}, {mem} RAM, {os}, .NET {Environment.Version}, " +
            $"AVX-512 {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}";
    }
}
