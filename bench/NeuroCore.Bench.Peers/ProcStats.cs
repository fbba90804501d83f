using System.Globalization;

namespace NeuroCore.Bench.Peers;

/// <summary>Readers of /proc for the noise guard, page faults, system time and peak RSS (Linux only).</summary>
internal static class ProcStats
{
    /// <summary>Clock ticks per second of /proc/stat and /proc/self/stat (USER_HZ, 100 on every Linux build we run on).</summary>
    public const double TicksPerSecond = 100.0;

    /// <summary>Busy ticks of the whole machine (all fields of the "cpu" line except idle and iowait).</summary>
    public static long MachineBusyTicks()
    {
        using var r = new StreamReader("/proc/stat");
        var f = r.ReadLine()!.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long busy = 0;
        for (int i = 1; i < f.Length && i <= 8; i++)
            if (i != 4 && i != 5) busy += long.Parse(f[i], CultureInfo.InvariantCulture);
        return busy;
    }

    /// <summary>This process's (minflt, utime, stime) from /proc/self/stat.</summary>
    public static (long MinFlt, long UTime, long STime) Self()
    {
        string s = File.ReadAllText("/proc/self/stat");
        var f = s[(s.LastIndexOf(')') + 2)..].Split(' ');
        // After "pid (comm) ": state=f[0], ..., minflt = field 10 → f[7], utime = 14 → f[11], stime = 15 → f[12].
        return (long.Parse(f[7], CultureInfo.InvariantCulture), long.Parse(f[11], CultureInfo.InvariantCulture),
            long.Parse(f[12], CultureInfo.InvariantCulture));
    }

    /// <summary>A "VmXXX:" value of /proc/self/status in MiB.</summary>
    public static double StatusMiB(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(key, StringComparison.Ordinal))
                return long.Parse(line[(key.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
        return double.NaN;
    }

    /// <summary>
    /// CPU time in ns of this process's threads other than the main thread (which runs the harness) and NeuroCore's
    /// pool workers (named "NeuroCore worker N", which the kernel shows cut to 15 characters), split into the .NET
    /// runtime's own threads (named ".NET ...") and the rest, which in a process with LibTorch loaded is its OpenMP
    /// (libgomp) pool. Read from /proc/self/task/*/schedstat (ns, not the 10 ms ticks of stat). A thread that exits
    /// between two reads drops out, so a difference of two reads can undercount, never overcount.
    /// </summary>
    public static (long Runtime, long Native) OtherThreadsCpuNs()
    {
        int main = Environment.ProcessId;
        long runtime = 0, native = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                if (int.Parse(Path.GetFileName(dir), CultureInfo.InvariantCulture) == main) continue;
                string comm = File.ReadAllText(Path.Combine(dir, "comm"));
                if (comm.StartsWith("NeuroCore", StringComparison.Ordinal)) continue;
                string stat = File.ReadAllText(Path.Combine(dir, "schedstat"));
                long ns = long.Parse(stat.AsSpan(0, stat.IndexOf(' ', StringComparison.Ordinal)), CultureInfo.InvariantCulture);
                if (comm.StartsWith(".NET", StringComparison.Ordinal)) runtime += ns;
                else native += ns;
            }
            catch (IOException)
            {
                // The thread exited while we read it.
            }
        }
        return (runtime, native);
    }
}
