namespace NeuroCore.Kernels;

public static partial class Reference
{
    /// <summary>
    /// Scalar twin of <see cref="Philox.Block(ReadOnlySpan{uint}, ReadOnlySpan{uint}, Span{uint})"/>, written from the
    /// paper: 10 rounds of <c>(c0,c1,c2,c3) → (hi(M1·c2)⊕c1⊕k0, lo(M1·c2), hi(M0·c0)⊕c3⊕k1, lo(M0·c0))</c>, bumping
    /// <c>k0 += 0x9E3779B9, k1 += 0xBB67AE85</c> before every round after the first.
    /// </summary>
    /// <param name="counter">4 counter words.</param>
    /// <param name="key">2 key words.</param>
    /// <param name="result">4 output words.</param>
    public static void PhiloxBlock(ReadOnlySpan<uint> counter, ReadOnlySpan<uint> key, Span<uint> result)
    {
        uint c0 = counter[0], c1 = counter[1], c2 = counter[2], c3 = counter[3], k0 = key[0], k1 = key[1];
        for (int round = 0; round < 10; round++)
        {
            if (round > 0) { k0 += 0x9E3779B9; k1 += 0xBB67AE85; }
            ulong a = 0xD2511F53UL; // the multipliers are restated here, not shared, so a typo in Philox cannot hide
            ulong b = 0xCD9E8D57UL;
            ulong p0 = a * c0, p1 = b * c2;
            (c0, c1, c2, c3) = ((uint)(p1 >> 32) ^ c1 ^ k0, (uint)p1, (uint)(p0 >> 32) ^ c3 ^ k1, (uint)p0);
        }
        result[0] = c0; result[1] = c1; result[2] = c2; result[3] = c3;
    }

    /// <summary>Scalar twin of <see cref="Philox.Bits"/>: value j = word j mod 4 of the block with counter (j/4, stream), key seed.</summary>
    /// <param name="seed">Key.</param>
    /// <param name="stream">Stream.</param>
    /// <param name="index">Flat index of dst[0].</param>
    /// <param name="dst">Destination.</param>
    public static void PhiloxBits(ulong seed, ulong stream, ulong index, Span<uint> dst)
    {
        Span<uint> counter = stackalloc uint[4], key = stackalloc uint[2], result = stackalloc uint[4];
        key[0] = (uint)seed; key[1] = (uint)(seed >> 32);
        for (int i = 0; i < dst.Length; i++)
        {
            ulong j = index + (ulong)i, block = j / 4;
            counter[0] = (uint)block; counter[1] = (uint)(block >> 32); counter[2] = (uint)stream; counter[3] = (uint)(stream >> 32);
            PhiloxBlock(counter, key, result);
            dst[i] = result[(int)(j % 4)];
        }
    }

    /// <summary>Scalar twin of <see cref="Philox.Uniform"/>: <c>dst[i] = (bits(index + i) &gt;&gt; 8) / 2²⁴</c>.</summary>
    /// <param name="seed">Key.</param>
    /// <param name="stream">Stream.</param>
    /// <param name="index">Flat index of dst[0].</param>
    /// <param name="dst">Destination.</param>
    public static void PhiloxUniform(ulong seed, ulong stream, ulong index, Span<float> dst)
    {
        Span<uint> one = stackalloc uint[1];
        for (int i = 0; i < dst.Length; i++)
        {
            PhiloxBits(seed, stream, index + (ulong)i, one);
            dst[i] = (one[0] >> 8) / 16777216f;
        }
    }

    /// <summary>
    /// Scalar twin of <see cref="Philox.Normal"/>, in double with the library's Log, Cos and Sin (so it checks the
    /// kernel's polynomials, to float rounding): for the pair (2q, 2q+1) holding index + i,
    /// <c>r = √(−2 ln(((b(2q) &gt;&gt; 8) + 1)/2²⁴))</c>, <c>θ = (b(2q+1) &gt;&gt; 30)·π/2 + (((b(2q+1) &gt;&gt; 8) mod 2²²)/2²² − ½)·π/2</c>,
    /// and dst[i] = r·cos θ for the even member, r·sin θ for the odd one.
    /// </summary>
    /// <param name="seed">Key.</param>
    /// <param name="stream">Stream.</param>
    /// <param name="index">Flat index of dst[0].</param>
    /// <param name="dst">Destination.</param>
    public static void PhiloxNormal(ulong seed, ulong stream, ulong index, Span<float> dst)
    {
        Span<uint> pair = stackalloc uint[2];
        for (int i = 0; i < dst.Length; i++)
        {
            ulong j = index + (ulong)i;
            PhiloxBits(seed, stream, j & ~1UL, pair);
            double u = ((pair[0] >> 8) + 1) / 16777216.0;
            double theta = (pair[1] >> 30) * (Math.PI / 2) + (((pair[1] >> 8) & 0x3FFFFF) / 4194304.0 - 0.5) * (Math.PI / 2);
            double r = Math.Sqrt(-2 * Math.Log(u));
            dst[i] = (float)((j & 1) == 0 ? r * Math.Cos(theta) : r * Math.Sin(theta));
        }
    }

    /// <summary>Scalar twin of <see cref="Philox.Bernoulli"/>: <c>dst[i] = uniform(index + i) &lt; p[i] ? 1 : 0</c>.</summary>
    /// <param name="seed">Key.</param>
    /// <param name="stream">Stream.</param>
    /// <param name="index">Flat index of dst[0].</param>
    /// <param name="p">Probabilities.</param>
    /// <param name="dst">Destination.</param>
    public static void PhiloxBernoulli(ulong seed, ulong stream, ulong index, ReadOnlySpan<float> p, Span<float> dst)
    {
        Span<float> u = stackalloc float[1];
        for (int i = 0; i < p.Length; i++)
        {
            PhiloxUniform(seed, stream, index + (ulong)i, u);
            dst[i] = u[0] < p[i] ? 1f : 0f;
        }
    }
}
