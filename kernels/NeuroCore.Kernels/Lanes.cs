using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

/// <summary>
/// One lane width as a type (float itself for the scalar tail), so a kernel loop is written once and specialised per
/// width: every call is static on a struct type argument and inlined (the public <c>ISimdVector</c> interface is not
/// available). The operations are exactly the IEEE float operations of the scalar formula (no FMA), so every width gives
/// bitwise the same results. Used by the LIF, ALIF and CE-LIF time loops and the SpikeSynapse row accumulations.
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Neg(float a) => -a;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float GreaterOrEqualOne(float a, float b) => a >= b ? 1f : 0f;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Floor(float a, float floor) => a >= floor ? a : floor;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ulong GreaterOrEqualBits(float a, float b) => a >= b ? 1UL : 0UL;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Grad<TSurrogate>(in TSurrogate sg, float x) where TSurrogate : struct, ISurrogate => sg.Grad(x);
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Neg(Vector128<float> a) => -a;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> GreaterOrEqualOne(Vector128<float> a, Vector128<float> b) => Vector128.GreaterThanOrEqual(a, b) & Vector128<float>.One;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Floor(Vector128<float> a, Vector128<float> floor) => Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(a, floor), a, floor);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong GreaterOrEqualBits(Vector128<float> a, Vector128<float> b) => Vector128.GreaterThanOrEqual(a, b).ExtractMostSignificantBits();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Grad<TSurrogate>(in TSurrogate sg, Vector128<float> x) where TSurrogate : struct, ISurrogate => sg.Grad(x);
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Neg(Vector256<float> a) => -a;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> GreaterOrEqualOne(Vector256<float> a, Vector256<float> b) => Vector256.GreaterThanOrEqual(a, b) & Vector256<float>.One;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Floor(Vector256<float> a, Vector256<float> floor) => Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(a, floor), a, floor);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong GreaterOrEqualBits(Vector256<float> a, Vector256<float> b) => Vector256.GreaterThanOrEqual(a, b).ExtractMostSignificantBits();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Grad<TSurrogate>(in TSurrogate sg, Vector256<float> x) where TSurrogate : struct, ISurrogate => sg.Grad(x);
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Neg(Vector512<float> a) => -a;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> GreaterOrEqualOne(Vector512<float> a, Vector512<float> b) => Vector512.GreaterThanOrEqual(a, b) & Vector512<float>.One;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Floor(Vector512<float> a, Vector512<float> floor) => Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(a, floor), a, floor);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong GreaterOrEqualBits(Vector512<float> a, Vector512<float> b) => Vector512.GreaterThanOrEqual(a, b).ExtractMostSignificantBits();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Grad<TSurrogate>(in TSurrogate sg, Vector512<float> x) where TSurrogate : struct, ISurrogate => sg.Grad(x);
}
