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
}
