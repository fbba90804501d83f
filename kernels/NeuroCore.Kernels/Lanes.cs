using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

/// <summary>
/// One lane width as a type (float itself for the scalar tail), so a kernel loop is written once and specialised per
/// width: every call is static on a struct type argument and inlined (the public <c>ISimdVector</c> interface is not
/// available). The operations are exactly the IEEE float operations of the scalar formula, so every width gives bitwise
/// the same results; the only fused operation is <see cref="ILanes{TV}.FusedMultiplyAdd"/>, whose twin is
/// <see cref="MathF.FusedMultiplyAdd"/>. Used by the LIF, ALIF and CE-LIF time loops, the SpikeSynapse row
/// accumulations, the CSR kernels and the packed-input CSR product (<c>BroadcastBits</c>, <c>LaneBits</c>,
/// <c>SelectWhereSet</c>: a weight or +0 selected by one sample bit per lane).
/// </summary>
internal interface ILanes<TV> where TV : struct
{
    /// <summary>Floats per value.</summary>
    static abstract nuint Count { get; }

    /// <summary>All lanes zero.</summary>
    static abstract TV Zero { get; }

    /// <summary>Loads Count floats at source[offset].</summary>
    static abstract TV Load(ref float source, nuint offset);

    /// <summary>Stores Count floats at destination[offset].</summary>
    static abstract void Store(TV value, ref float destination, nuint offset);

    /// <summary>All lanes <paramref name="x"/>.</summary>
    static abstract TV Splat(float x);

    /// <summary>a + b.</summary>
    static abstract TV Add(TV a, TV b);

    /// <summary>a − b.</summary>
    static abstract TV Sub(TV a, TV b);

    /// <summary>a · b.</summary>
    static abstract TV Mul(TV a, TV b);

    /// <summary>a · b + addend rounded once (FMA; a software fallback keeps the single rounding where FMA is missing).</summary>
    static abstract TV FusedMultiplyAdd(TV a, TV b, TV addend);

    /// <summary>−a.</summary>
    static abstract TV Neg(TV a);

    /// <summary>1 where a ≥ b, else 0 (NaN compares false).</summary>
    static abstract TV GreaterOrEqualOne(TV a, TV b);

    /// <summary>a where a ≥ floor, else floor (NaN gives floor).</summary>
    static abstract TV Floor(TV a, TV floor);

    /// <summary>Bit i (least significant first, Count bits) set where lane i has a ≥ b (NaN compares false): the packed spikes.</summary>
    static abstract ulong GreaterOrEqualBits(TV a, TV b);

    /// <summary>The surrogate derivative at x.</summary>
    static abstract TV Grad<TSurrogate>(in TSurrogate sg, TV x) where TSurrogate : struct, ISurrogate;

    /// <summary>The 32 bits of <paramref name="word"/> in every lane (as float bit patterns; only for <see cref="SelectWhereSet"/>).</summary>
    static abstract TV BroadcastBits(uint word);

    /// <summary>Lane l holds the single bit <c>1 &lt;&lt; (l + shift)</c> (as a float bit pattern); shift + Count ≤ 32.</summary>
    static abstract TV LaneBits(int shift);

    /// <summary>w in the lanes where <c>bits &amp; laneBits</c> is non-zero, +0 elsewhere (one bit per lane selects).</summary>
    static abstract TV SelectWhereSet(TV w, TV bits, TV laneBits);
}

/// <summary>Helpers over any lane width.</summary>
internal static class LaneBlocks
{
    /// <summary>Stores eight vectors back to back: a0 at destination[offset], a1 at offset + Count, …</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store8<TW, TV>(TV a0, TV a1, TV a2, TV a3, TV a4, TV a5, TV a6, TV a7, ref float destination, nuint offset)
        where TW : struct, ILanes<TV> where TV : struct
    {
        nuint c = TW.Count;
        TW.Store(a0, ref destination, offset);
        TW.Store(a1, ref destination, offset + c);
        TW.Store(a2, ref destination, offset + 2 * c);
        TW.Store(a3, ref destination, offset + 3 * c);
        TW.Store(a4, ref destination, offset + 4 * c);
        TW.Store(a5, ref destination, offset + 5 * c);
        TW.Store(a6, ref destination, offset + 6 * c);
        TW.Store(a7, ref destination, offset + 7 * c);
    }
}

/// <summary>One float (the scalar tail).</summary>
internal readonly struct Lanes1 : ILanes<float>
{
    public static nuint Count => 1;
    public static float Zero => 0f;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Load(ref float source, nuint offset) => Unsafe.Add(ref source, offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(float value, ref float destination, nuint offset) => Unsafe.Add(ref destination, offset) = value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Splat(float x) => x;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Add(float a, float b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sub(float a, float b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Mul(float a, float b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float FusedMultiplyAdd(float a, float b, float addend) => MathF.FusedMultiplyAdd(a, b, addend);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Neg(float a) => -a;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float GreaterOrEqualOne(float a, float b) => a >= b ? 1f : 0f;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Floor(float a, float floor) => a >= floor ? a : floor;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ulong GreaterOrEqualBits(float a, float b) => a >= b ? 1UL : 0UL;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Grad<TSurrogate>(in TSurrogate sg, float x) where TSurrogate : struct, ISurrogate => sg.Grad(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float BroadcastBits(uint word) => BitConverter.UInt32BitsToSingle(word);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float LaneBits(int shift) => BitConverter.UInt32BitsToSingle(1u << shift);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SelectWhereSet(float w, float bits, float laneBits) =>
        (BitConverter.SingleToUInt32Bits(bits) & BitConverter.SingleToUInt32Bits(laneBits)) != 0 ? w : 0f;
}

/// <summary>Vector128 of float.</summary>
internal readonly struct Lanes128 : ILanes<Vector128<float>>
{
    public static nuint Count => (nuint)Vector128<float>.Count;
    public static Vector128<float> Zero => Vector128<float>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Load(ref float source, nuint offset) => Vector128.LoadUnsafe(ref source, offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector128<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Splat(float x) => Vector128.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Sub(Vector128<float> a, Vector128<float> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Mul(Vector128<float> a, Vector128<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> FusedMultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> addend) => Vector128.FusedMultiplyAdd(a, b, addend);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Neg(Vector128<float> a) => -a;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> GreaterOrEqualOne(Vector128<float> a, Vector128<float> b) => Vector128.GreaterThanOrEqual(a, b) & Vector128<float>.One;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Floor(Vector128<float> a, Vector128<float> floor) => Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(a, floor), a, floor);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong GreaterOrEqualBits(Vector128<float> a, Vector128<float> b) => Vector128.GreaterThanOrEqual(a, b).ExtractMostSignificantBits();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Grad<TSurrogate>(in TSurrogate sg, Vector128<float> x) where TSurrogate : struct, ISurrogate => sg.Grad(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> BroadcastBits(uint word) => Vector128.Create(word).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LaneBits(int shift) => Vector128.ShiftLeft(Vector128.Create(1u, 2u, 4u, 8u), shift).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SelectWhereSet(Vector128<float> w, Vector128<float> bits, Vector128<float> laneBits)
    {
        var lane = laneBits.AsUInt32();
        return w & Vector128.Equals(bits.AsUInt32() & lane, lane).AsSingle();
    }
}

/// <summary>Vector256 of float.</summary>
internal readonly struct Lanes256 : ILanes<Vector256<float>>
{
    public static nuint Count => (nuint)Vector256<float>.Count;
    public static Vector256<float> Zero => Vector256<float>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Load(ref float source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector256<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Splat(float x) => Vector256.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Sub(Vector256<float> a, Vector256<float> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Mul(Vector256<float> a, Vector256<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> FusedMultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> addend) => Vector256.FusedMultiplyAdd(a, b, addend);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Neg(Vector256<float> a) => -a;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> GreaterOrEqualOne(Vector256<float> a, Vector256<float> b) => Vector256.GreaterThanOrEqual(a, b) & Vector256<float>.One;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Floor(Vector256<float> a, Vector256<float> floor) => Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(a, floor), a, floor);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong GreaterOrEqualBits(Vector256<float> a, Vector256<float> b) => Vector256.GreaterThanOrEqual(a, b).ExtractMostSignificantBits();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Grad<TSurrogate>(in TSurrogate sg, Vector256<float> x) where TSurrogate : struct, ISurrogate => sg.Grad(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> BroadcastBits(uint word) => Vector256.Create(word).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LaneBits(int shift) => Vector256.ShiftLeft(Vector256.Create(1u, 2u, 4u, 8u, 16u, 32u, 64u, 128u), shift).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SelectWhereSet(Vector256<float> w, Vector256<float> bits, Vector256<float> laneBits)
    {
        var lane = laneBits.AsUInt32();
        return w & Vector256.Equals(bits.AsUInt32() & lane, lane).AsSingle();
    }
}

/// <summary>Vector512 of float.</summary>
internal readonly struct Lanes512 : ILanes<Vector512<float>>
{
    public static nuint Count => (nuint)Vector512<float>.Count;
    public static Vector512<float> Zero => Vector512<float>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Load(ref float source, nuint offset) => Vector512.LoadUnsafe(ref source, offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector512<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Splat(float x) => Vector512.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Sub(Vector512<float> a, Vector512<float> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Mul(Vector512<float> a, Vector512<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> FusedMultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> addend) => Vector512.FusedMultiplyAdd(a, b, addend);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Neg(Vector512<float> a) => -a;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> GreaterOrEqualOne(Vector512<float> a, Vector512<float> b) => Vector512.GreaterThanOrEqual(a, b) & Vector512<float>.One;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Floor(Vector512<float> a, Vector512<float> floor) => Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(a, floor), a, floor);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong GreaterOrEqualBits(Vector512<float> a, Vector512<float> b) => Vector512.GreaterThanOrEqual(a, b).ExtractMostSignificantBits();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Grad<TSurrogate>(in TSurrogate sg, Vector512<float> x) where TSurrogate : struct, ISurrogate => sg.Grad(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> BroadcastBits(uint word) => Vector512.Create(word).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LaneBits(int shift) => Vector512.ShiftLeft(Vector512.Create(1u, 2u, 4u, 8u, 16u, 32u, 64u, 128u, 256u, 512u, 1024u, 2048u, 4096u, 8192u, 16384u, 32768u), shift).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SelectWhereSet(Vector512<float> w, Vector512<float> bits, Vector512<float> laneBits)
    {
        var lane = laneBits.AsUInt32();
        return w & Vector512.Equals(bits.AsUInt32() & lane, lane).AsSingle();
    }
}
