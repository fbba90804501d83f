namespace NeuroCore.Bench.Peers;

/// <summary>The engine-independent data streams of WORKLOADS.md ("Data: SplitMix64 streams").</summary>
internal struct SplitMix64(ulong seed)
{
    ulong _state = seed;

    public ulong Next()
    {
        _state += 0x9E3779B97F4A7C15UL;
        ulong z = _state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0,1), exact: (next() >> 40)·2⁻²⁴.</summary>
    public float U() => (Next() >> 40) * (1f / 16777216f);

    /// <summary>Box-Muller, cosine branch, in double; u1 drawn first in (0,1], u2 in [0,1).</summary>
    public float N()
    {
        double u1 = ((Next() >> 11) + 1) * (1.0 / 9007199254740992.0);
        double u2 = (Next() >> 11) * (1.0 / 9007199254740992.0);
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
    }

    /// <summary>(2·U() − 1)·b in float.</summary>
    public float Sym(float b) => ((2f * U()) - 1f) * b;

    /// <summary>A fresh stream of <paramref name="count"/> values Sym(<paramref name="bound"/>) from <paramref name="seed"/>.</summary>
    public static float[] Symmetric(ulong seed, int count, float bound)
    {
        var g = new SplitMix64(seed);
        var a = new float[count];
        for (int i = 0; i < a.Length; i++) a[i] = g.Sym(bound);
        return a;
    }

    /// <summary>Sum of the values in double, for the result checks.</summary>
    public static double Sum(ReadOnlySpan<float> s)
    {
        double a = 0;
        foreach (var f in s) a += f;
        return a;
    }

    public static float[] Normal(ulong seed, int count)
    {
        var g = new SplitMix64(seed);
        var a = new float[count];
        for (int i = 0; i < a.Length; i++) a[i] = g.N();
        return a;
    }
}
