namespace NeuroCore.Kernels;

/// <summary>
/// Sequential reader of one Philox stream, for code that draws one value at a time (shuffles, initialisers).
/// It walks the same flat indices as <see cref="Philox"/>: the n-th <see cref="NextUInt"/> of
/// <c>new PhiloxGenerator(seed, stream)</c> is <c>Philox.Bits(seed, stream, n, ...)</c>'s value, and the n-th
/// <see cref="NextFloat"/> equals <c>Philox.Uniform(seed, stream, n, ...)</c>'s. A mutable struct: pass it by
/// <c>ref</c>, since a copy continues independently from the same position.
/// </summary>
public struct PhiloxGenerator
{
    readonly ulong _seed, _stream;
    ulong _index;
    uint _r0, _r1, _r2, _r3;
    bool _blockLoaded;
    float _spareNormal;
    bool _hasSpareNormal;

    /// <summary>Starts reading stream <paramref name="stream"/> of <paramref name="seed"/> at flat index <paramref name="index"/>.</summary>
    /// <param name="seed">The key.</param>
    /// <param name="stream">The stream.</param>
    /// <param name="index">The first flat index to read (0 by default).</param>
    public PhiloxGenerator(ulong seed, ulong stream, ulong index = 0)
    {
        _seed = seed;
        _stream = stream;
        _index = index;
    }

    /// <summary>The flat index the next raw value comes from.</summary>
    public readonly ulong Position => _index;

    /// <summary>The next raw 32-bit value.</summary>
    /// <returns>A uniformly distributed uint.</returns>
    public uint NextUInt()
    {
        ulong a = _index++;
        int lane = (int)(a & 3);
        if (lane == 0 || !_blockLoaded)
        {
            Philox.BlockAt(_seed, _stream, a >> 2, out _r0, out _r1, out _r2, out _r3);
            _blockLoaded = true;
        }
        return lane switch { 0 => _r0, 1 => _r1, 2 => _r2, _ => _r3 };
    }

    /// <summary>The next uniform float in [0, 1), a multiple of 2⁻²⁴ (see <see cref="Philox.Uniform"/>).</summary>
    /// <returns>A value in [0, 1).</returns>
    public float NextFloat() => Philox.ToUniform(NextUInt());

    /// <summary>
    /// The next standard normal value by Box–Muller over an aligned pair of raw values (see <see cref="Philox.Normal"/>):
    /// the first call of a pair returns the cosine branch and keeps the sine branch for the next call.
    /// </summary>
    /// <returns>A standard normal value.</returns>
    public float NextNormal()
    {
        if (_hasSpareNormal)
        {
            _hasSpareNormal = false;
            return _spareNormal;
        }
        if ((_index & 1) != 0) _index++; // pairs start at even indices, as in Philox.Normal
        uint b0 = NextUInt();
        uint b1 = NextUInt();
        (float z0, float z1) = Philox.BoxMuller(b0, b1);
        _spareNormal = z1;
        _hasSpareNormal = true;
        return z0;
    }

    /// <summary>
    /// A uniformly distributed integer in [0, maxExclusive), without modulo bias (Lemire's multiply-and-reject:
    /// the rare draws that would favour small values are redrawn).
    /// </summary>
    /// <param name="maxExclusive">The exclusive upper bound, at least 1.</param>
    /// <returns>An integer in [0, maxExclusive).</returns>
    /// <exception cref="ArgumentOutOfRangeException">maxExclusive &lt; 1.</exception>
    public int NextInt(int maxExclusive)
    {
        if (maxExclusive < 1) Throw.OutOfRange(nameof(maxExclusive), $"PhiloxGenerator.NextInt: the bound must be at least 1, got {maxExclusive}.");
        uint range = (uint)maxExclusive;
        ulong m = (ulong)NextUInt() * range;
        uint low = (uint)m;
        if (low < range)
        {
            uint threshold = (0u - range) % range; // 2^32 mod range: the count of values that would be over-represented
            while (low < threshold)
            {
                m = (ulong)NextUInt() * range;
                low = (uint)m;
            }
        }
        return (int)(m >> 32);
    }
}
