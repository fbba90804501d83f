using System.Globalization;
using System.Text;
using System.Text.Json;

namespace NeuroCore.Bench.Peers;

/// <summary>
/// The report's top table: per (workload, threads) NeuroCore's fastest variant against TorchSharp's best form (its
/// fastest variant with either allocator, the <c>x_malloc_</c> rerun included), the speed ratio, issue 4's target and
/// whether it is met, and the figure as a fraction of this session's measured limits: the Vector512 FMA peak (P1) for
/// the GEMM-bound workloads (W1, W3's nominal GEMM work for the whole step only, not its phase probes, W5) and the 64 MiB triad bandwidth (P2, the better of plain
/// and non-temporal stores) for the memory-bound W2. A second table lists the limits themselves and D1-D3.
/// The same rows go into the report's JSON (<c>summary</c>), from which <see cref="Readme"/> writes README's table.
/// </summary>
internal static class Summary
{
    const string Alloc = "x_malloc_";

    /// <summary>One line of the top table.</summary>
    internal sealed record Row(string Workload, int Threads, string NcVariant, double NcMedianS, double NcRate, string Unit,
        string? TsVariant, double? TsMedianS, double? Ratio, string Target, string Met, double? Fraction, string FractionOf,
        double PeakRssMiB);

    /// <summary>
    /// Issue 4's targets: a minimum speed ratio, a minimum rate at 1 thread, a maximum peak RSS. A workload without an
    /// entry has no target. Thread count 0 = every thread count.
    /// </summary>
    static readonly (string Workload, int Threads, double MinRatio, double MinRate, double MaxRssMiB, string Text)[] Targets =
    [
        ("w1_gemm_1024x1024x1024", 0, 1.5, 0, 0, "≥ 1.5×"),
        ("w2_lif_fwd", 1, 2.3, 4.0, 0, "≥ 4 Gnup/s and ≥ 2.3×"),
        ("w3_snn_mlp_step", 0, 2.5, 0, 0, "≥ 2.5×"),
        ("w3_snn_mlp_step_alone", 0, 0, 0, 100, "peak RSS ≤ 100 MiB"),
        ("w4_sparse_dense_input", 0, 1.5, 0, 0, "≥ 1.5× torch.sparse"),
        ("w4_sparse_spike_input", 0, 5.0, 0, 0, "≥ 5× torch.sparse"),
        ("w5_conv_fwdbwd", 0, 1.0, 0, 0, "≥ 1.0×"),
    ];

    /// <summary>W4's targets are against torch.sparse, so its TorchSharp side is the sparse variants only (not dense_mm).</summary>
    static bool IsPeerForm(string workload, string variant) =>
        !workload.StartsWith("w4_", StringComparison.Ordinal) || variant.EndsWith("csr_mm", StringComparison.Ordinal)
        || variant.EndsWith("coo_mm", StringComparison.Ordinal);

    static string Base(string workload) => workload.StartsWith(Alloc, StringComparison.Ordinal) ? workload[Alloc.Length..] : workload;
    static string S(JsonElement e, string name) => e.GetProperty(name).GetString()!;
    static double D(JsonElement e, string name) => e.GetProperty(name).GetDouble();
    static int T(JsonElement e) => e.GetProperty("threads").GetInt32();

    /// <summary>Bytes W2 moves per neuron update: X read as fp32 plus the spike output in the variant's form.</summary>
    /// <remarks>fp32 spikes unless the variant's name says bit-packed (1/8 B) or byte (1 B); v [B,N] stays in cache.</remarks>
    internal static double W2BytesPerUpdate(string variant)
    {
        string v = variant.ToLowerInvariant();
        double spike = v.Contains("pack", StringComparison.Ordinal) || v.Contains("bit", StringComparison.Ordinal) ? 1.0 / 8
            : v.Contains("byte", StringComparison.Ordinal) ? 1.0 : 4.0;
        return 4.0 + spike;
    }

    /// <summary>The measured P1 Vector512 peak (GFLOP/s) at <paramref name="threads"/>, or Vector256's without AVX-512.</summary>
    static double? Peak(List<JsonElement> rows, int threads)
    {
        foreach (string width in new[] { "vector512", "vector256" })
        {
            var r = rows.Where(e => S(e, "workload") == "p1_fma" && S(e, "variant") == width && T(e) == threads).ToList();
            if (r.Count > 0) return r.Max(e => D(e, "rate_med"));
        }
        return null;
    }

    /// <summary>The measured P2 64 MiB triad bandwidth (GB/s, the better store form) at <paramref name="threads"/>.</summary>
    static double? Bandwidth(List<JsonElement> rows, int threads)
    {
        var r = rows.Where(e => S(e, "workload") == "p2_triad_64MiB" && T(e) == threads).ToList();
        return r.Count > 0 ? r.Max(e => D(e, "rate_med")) : null;
    }

    public static List<Row> Build(List<JsonElement> rows)
    {
        var result = new List<Row>();
        var keys = rows.Where(e => S(e, "engine") == "neurocore").Select(e => (Base(S(e, "workload")), T(e))).Distinct()
            .OrderBy(k => k.Item1, StringComparer.Ordinal).ThenBy(k => k.Item2);
        foreach (var (wl, t) in keys)
        {
            var set = rows.Where(e => Base(S(e, "workload")) == wl && T(e) == t).ToList();
            var nc = set.Where(e => S(e, "engine") == "neurocore").MinBy(e => D(e, "median_s"));
            var peers = set.Where(e => S(e, "engine") == "torchsharp" && IsPeerForm(wl, S(e, "variant"))).ToList();
            var ts = peers.Count > 0 ? peers.MinBy(e => D(e, "median_s")) : default;
            double ncMed = D(nc, "median_s");
            double? tsMed = peers.Count == 0 ? null : D(ts, "median_s");
            string? tsVariant = tsMed is null ? null
                : S(ts, "variant") + (S(ts, "workload").StartsWith(Alloc, StringComparison.Ordinal) ? " (malloc keeping freed memory)" : "");
            double? ratio = tsMed / ncMed;
            double rate = D(nc, "rate_med");
            double rss = set.Where(e => S(e, "engine") == "neurocore").Max(e => D(e, "peak_rss_mib"));

            // Fraction of the limit measured in the same session.
            double? fraction = null;
            string of = "";
            if (wl.StartsWith("w2_", StringComparison.Ordinal))
            {
                if (Bandwidth(rows, t) is double bw)
                {
                    fraction = rate * W2BytesPerUpdate(S(nc, "variant")) / bw;
                    of = $"of triad ({W2BytesPerUpdate(S(nc, "variant")):0.###} B/update)";
                }
            }
            else if (S(nc, "unit") == "GFLOP" && !wl.StartsWith("w4_", StringComparison.Ordinal) && Peak(rows, t) is double peak
                && (!wl.StartsWith("w3_", StringComparison.Ordinal) || wl is "w3_snn_mlp_step" or "w3_snn_mlp_step_alone"))
            {
                fraction = rate / peak;
                of = wl.StartsWith("w3_", StringComparison.Ordinal) ? "of FMA peak (nominal GEMM work)" : "of FMA peak";
            }

            string target = "", met = "";
            foreach (var g in Targets.Where(g => g.Workload == wl && (g.Threads == 0 || g.Threads == t)))
            {
                target = g.Text;
                bool ok = (g.MinRatio == 0 || ratio >= g.MinRatio) && (g.MinRate == 0 || rate >= g.MinRate)
                    && (g.MaxRssMiB == 0 || rss <= g.MaxRssMiB);
                met = ok ? "met" : "missed";
            }
            result.Add(new Row(wl, t, S(nc, "variant"), ncMed, rate, S(nc, "unit"), tsVariant, tsMed, ratio, target, met,
                fraction, of, rss));
        }
        return result;
    }

    static readonly CultureInfo Ic = CultureInfo.InvariantCulture;

    /// <summary>The NeuroCore figure as the table shows it: the rate for GEMM/LIF, the time for W3/W5, RSS for "alone".</summary>
    static string Figure(Row r) =>
        r.Workload.EndsWith("_alone", StringComparison.Ordinal) ? string.Create(Ic, $"{r.NcMedianS * 1e3:F1} ms, peak RSS {r.PeakRssMiB:F0} MiB")
        : r.Workload.StartsWith("w1_", StringComparison.Ordinal) || r.Workload.StartsWith("w2_", StringComparison.Ordinal)
            ? string.Create(Ic, $"{r.NcRate:F2} {r.Unit}/s ({r.NcMedianS * 1e3:F2} ms)")
            : string.Create(Ic, $"{r.NcMedianS * 1e3:F1} ms ({r.NcRate:F1} {r.Unit}/s)");

    /// <summary>The top table (Markdown), used by the report and by README.</summary>
    public static string Table(IEnumerable<Row> summary)
    {
        var md = new StringBuilder();
        md.AppendLine("| workload | threads | NeuroCore | TorchSharp best form | ratio | target | met? | fraction of limit |");
        md.AppendLine("|---|---:|---|---|---:|---|---|---|");
        foreach (var r in summary)
        {
            string ts = r.TsMedianS is double m ? string.Create(Ic, $"{r.TsVariant}: {m * 1e3:F2} ms") : "—";
            string ratio = r.Ratio is double x ? string.Create(Ic, $"{x:F2}×") : "—";
            string frac = r.Fraction is double f ? string.Create(Ic, $"{f * 100:F0} % {r.FractionOf}") : "—";
            md.AppendLine(Ic, $"| {r.Workload} | {r.Threads} | {r.NcVariant}: {Figure(r)} | {ts} | {ratio} | {r.Target} | {r.Met} | {frac} |");
        }
        return md.ToString();
    }

    /// <summary>The summary section of the report: the top table, then the limits and per-op probes measured.</summary>
    public static string Markdown(List<Row> summary, List<JsonElement> rows)
    {
        var md = new StringBuilder();
        md.AppendLine("## Summary");
        md.AppendLine();
        md.AppendLine("NeuroCore's fastest variant against TorchSharp's best form (its fastest variant with either allocator), speed");
        md.AppendLine("ratio = TorchSharp median ÷ NeuroCore median, issue 4's targets, and the NeuroCore figure as a fraction of the");
        md.AppendLine("limits measured in this session (P1 Vector512 FMA peak; P2 64 MiB triad, the better store form).");
        md.AppendLine();
        md.Append(Table(summary));
        var limits = rows.Where(e => S(e, "engine") == "machine" || S(e, "workload").StartsWith('d')).ToList();
        if (limits.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("Physical limits (P0-P3, plain C#) and TorchSharp's per-op overhead (D1-D3), medians:");
            md.AppendLine();
            md.AppendLine("| probe | variant | threads | figure |");
            md.AppendLine("|---|---|---:|---:|");
            foreach (var e in limits.OrderBy(e => S(e, "workload"), StringComparer.Ordinal).ThenBy(T))
            {
                string wl = S(e, "workload");
                double rate = D(e, "rate_med");
                string fig = wl switch
                {
                    "p0_clock" => string.Create(Ic, $"{rate:F2} GHz"),
                    "p3_first_touch" => string.Create(Ic, $"{1e6 / rate:F2} µs per page ({D(e, "minflt_per_call"):F0} faults per call)"),
                    _ when S(e, "unit") == "Mop" => string.Create(Ic, $"{1 / rate:F2} µs per op"),
                    _ => string.Create(Ic, $"{rate:F1} {S(e, "unit")}/s"),
                };
                md.AppendLine(Ic, $"| {wl} | {S(e, "variant")} | {T(e)} | {fig} |");
            }
        }
        return md.ToString();
    }

    public static void WriteJson(Utf8JsonWriter w, Row r)
    {
        w.WriteStartObject();
        w.WriteString("workload", r.Workload);
        w.WriteNumber("threads", r.Threads);
        w.WriteString("neurocore_variant", r.NcVariant);
        w.WriteNumber("neurocore_median_s", r.NcMedianS);
        w.WriteNumber("neurocore_rate", r.NcRate);
        w.WriteString("unit", r.Unit);
        if (r.TsVariant is not null) w.WriteString("torchsharp_variant", r.TsVariant);
        if (r.TsMedianS is double m) w.WriteNumber("torchsharp_median_s", m);
        if (r.Ratio is double x) w.WriteNumber("ratio", Math.Round(x, 3));
        w.WriteString("target", r.Target);
        w.WriteString("met", r.Met);
        if (r.Fraction is double f) w.WriteNumber("fraction", Math.Round(f, 3));
        w.WriteString("fraction_of", r.FractionOf);
        w.WriteNumber("peak_rss_mib", r.PeakRssMiB);
        w.WriteEndObject();
    }

    static Row ReadJson(JsonElement e)
    {
        static string? Str(JsonElement e, string n) => e.TryGetProperty(n, out var p) ? p.GetString() : null;
        static double? Num(JsonElement e, string n) => e.TryGetProperty(n, out var p) ? p.GetDouble() : null;
        return new Row(S(e, "workload"), T(e), S(e, "neurocore_variant"), D(e, "neurocore_median_s"), D(e, "neurocore_rate"),
            S(e, "unit"), Str(e, "torchsharp_variant"), Num(e, "torchsharp_median_s"), Num(e, "ratio"), S(e, "target"),
            S(e, "met"), Num(e, "fraction"), S(e, "fraction_of"), D(e, "peak_rss_mib"));
    }

    /// <summary>README's markers; the text between them is replaced by <see cref="Readme"/>.</summary>
    public const string Begin = "<!-- peers-summary:begin (generated by bench/peers-readme.sh; do not edit by hand) -->";
    public const string End = "<!-- peers-summary:end -->";

    /// <summary>
    /// Writes the report JSON's summary table between README's markers: the machine line, the source file, the table.
    /// Fails with a clear message when the markers are missing or the JSON has no summary.
    /// </summary>
    public static int Readme(string jsonPath, string readmePath)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(jsonPath));
        if (!doc.RootElement.TryGetProperty("summary", out var arr) || arr.GetArrayLength() == 0)
            throw new InvalidOperationException($"readme: {jsonPath} has no \"summary\" rows (write it with `report` first).");
        var rows = arr.EnumerateArray().Select(ReadJson).ToList();
        string text = File.ReadAllText(readmePath);
        int b = text.IndexOf(Begin, StringComparison.Ordinal), e = text.IndexOf(End, StringComparison.Ordinal);
        if (b < 0 || e < b)
            throw new InvalidOperationException($"readme: {readmePath} lacks the markers; add the lines\n{Begin}\n{End}\nwhere the table goes.");
        string md = Path.ChangeExtension(jsonPath, ".md");
        var block = new StringBuilder();
        block.AppendLine(Begin);
        block.AppendLine();
        block.AppendLine(Ic, $"Side by side with TorchSharp 0.107.0, from [{Path.GetFileName(md)}](bench/results/{Path.GetFileName(md)}) " +
            $"(`bench/peers-run.sh`). Machine: {doc.RootElement.GetProperty("machine").GetString()}.");
        block.AppendLine();
        block.Append(Table(rows));
        block.AppendLine();
        File.WriteAllText(readmePath, text[..b] + block + text[e..]);
        Console.WriteLine($"wrote the summary of {jsonPath} into {readmePath} ({rows.Count} rows)");
        return 0;
    }
}
