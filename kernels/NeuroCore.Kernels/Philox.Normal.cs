using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

// Box–Muller with arithmetic-only logarithm and sine/cosine, so the scalar and every vector width perform the same
// IEEE operations in the same order and give bitwise-identical normals (MathF.Log/SinCos call the C runtime and the
// vector Log would differ in the last bit). The polynomials are accurate to a few float ulp:
//   ln k for an integer k ∈ [1, 2²⁴]: k = m·2^e with m ∈ [√½, √2), ln m = 2·atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.172,
//     atanh s = s·(1 + s²/3 + s⁴/5 + s⁶/7 + s⁸/9) (truncation ≤ s¹¹/11 ≈ 3e-10);
//   sin y, cos y for |y| ≤ π/4: Taylor to y⁹ and y¹⁰ (truncation ≤ 2e-9).
// The angle θ = q·π/2 + y takes its quadrant q from the top 2 bits of the second value and y ∈ [−π/4, π/4) from
// the next 22, so θ is uniform on the circle and the quadrant is applied exactly (a swap and two sign flips).
public static partial class Philox
{
    const float Ln2 = 0.693147180559945f, Sqrt2 = 1.41421356237f, HalfPi = 1.5707963267949f, TwoPow22Inv = 1f / 4194304f;
    const float L3 = 1f / 3f, L5 = 1f / 5f, L7 = 1f / 7f, L9 = 1f / 9f;
    const float S3 = -1f / 6f, S5 = 1f / 120f, S7 = -1f / 5040f, S9 = 1f / 362880f;
    const float C2 = -0.5f, C4 = 1f / 24f, C6 = -1f / 720f, C8 = 1f / 40320f, C10 = -1f / 3628800f;

    /// <summary>The Box–Muller pair of two raw values (see <see cref="Normal"/>): (r·cos θ, r·sin θ).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (float Cos, float Sin) BoxMuller(uint b0, uint b1)
    {
        float k = (int)((b0 >> 8) + 1);
        int bits = BitConverter.SingleToInt32Bits(k);
        int e = (bits >> 23) - (127 + 24);
        float m = BitConverter.Int32BitsToSingle((bits & 0x7FFFFF) | 0x3F800000);
        if (m > Sqrt2)
        {
            m *= 0.5f;
            e += 1;
        }
        float s = (m - 1f) / (m + 1f), s2 = s * s;
        float lnm = 2f * s * (1f + s2 * (L3 + s2 * (L5 + s2 * (L7 + s2 * L9))));
        float r = MathF.Sqrt(-2f * (e * Ln2 + lnm));
        float y = ((int)((b1 >> 8) & 0x3FFFFFu) * TwoPow22Inv - 0.5f) * HalfPi;
        float y2 = y * y;
        float sin = y * (1f + y2 * (S3 + y2 * (S5 + y2 * (S7 + y2 * S9))));
        float cos = 1f + y2 * (C2 + y2 * (C4 + y2 * (C6 + y2 * (C8 + y2 * C10))));
        bool swap = (b1 & 0x40000000u) != 0;
        float cosT = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(swap ? sin : cos) ^ (int)(((b1 << 1) ^ b1) & 0x80000000u));
        float sinT = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(swap ? cos : sin) ^ (int)(b1 & 0x80000000u));
        return (r * cosT, r * sinT);
    }

    /// <summary>Turns raw values into normals in place, pair by pair (the span starts at an even flat index, even length).</summary>
    static void NormalPairs(Span<uint> bits)
    {
        ref uint br = ref MemoryMarshal.GetReference(bits);
        ref float zr = ref Unsafe.As<uint, float>(ref br);
        nuint i = 0, n = (nuint)bits.Length;
        if (Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16)
                NormalPairs(Vector512.LoadUnsafe(ref br, i)).StoreUnsafe(ref zr, i);
        else if (Vector256.IsHardwareAccelerated)
            for (; i + 8 <= n; i += 8)
                NormalPairs(Vector256.LoadUnsafe(ref br, i)).StoreUnsafe(ref zr, i);
        else if (Vector128.IsHardwareAccelerated)
            for (; i + 4 <= n; i += 4)
                NormalPairs(Vector128.LoadUnsafe(ref br, i)).StoreUnsafe(ref zr, i);
        for (; i + 1 < n; i += 2)
        {
            (float z0, float z1) = BoxMuller(Unsafe.Add(ref br, i), Unsafe.Add(ref br, i + 1));
            Unsafe.Add(ref zr, i) = z0;
            Unsafe.Add(ref zr, i + 1) = z1;
        }
    }

    /// <summary>Normal pairs at one width, whatever is accelerated (tests compare every width in one process).</summary>
    internal static void NormalPairsAtWidth(int width, Span<uint> bits)
    {
        ref uint br = ref MemoryMarshal.GetReference(bits);
        ref float zr = ref Unsafe.As<uint, float>(ref br);
        int lanes = width / 32;
        for (nuint i = 0; i + (nuint)lanes <= (nuint)bits.Length; i += (nuint)lanes)
        {
            if (width == 512) NormalPairs(Vector512.LoadUnsafe(ref br, i)).StoreUnsafe(ref zr, i);
            else if (width == 256) NormalPairs(Vector256.LoadUnsafe(ref br, i)).StoreUnsafe(ref zr, i);
            else NormalPairs(Vector128.LoadUnsafe(ref br, i)).StoreUnsafe(ref zr, i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector128<float> NormalPairs(Vector128<uint> b)
    {
        Vector128<float> k = Vector128.ConvertToSingle((Vector128.ShiftRightLogical(b, 8) + Vector128.Create(1u)).AsInt32());
        Vector128<int> bits = k.AsInt32();
        Vector128<int> e = Vector128.ShiftRightArithmetic(bits, 23) - Vector128.Create(127 + 24);
        Vector128<float> m = ((bits & Vector128.Create(0x7FFFFF)) | Vector128.Create(0x3F800000)).AsSingle();
        Vector128<float> big = Vector128.GreaterThan(m, Vector128.Create(Sqrt2));
        m = Vector128.ConditionalSelect(big, m * Vector128.Create(0.5f), m);
        e -= big.AsInt32();
        Vector128<float> s = (m - Vector128<float>.One) / (m + Vector128<float>.One), s2 = s * s;
        Vector128<float> lnm = Vector128.Create(2f) * s * (Vector128<float>.One + s2 * (Vector128.Create(L3) + s2 * (Vector128.Create(L5) + s2 * (Vector128.Create(L7) + s2 * Vector128.Create(L9)))));
        Vector128<float> r = Vector128.Sqrt(Vector128.Create(-2f) * (Vector128.ConvertToSingle(e) * Vector128.Create(Ln2) + lnm));
        Vector128<float> y = (Vector128.ConvertToSingle((Vector128.ShiftRightLogical(b, 8) & Vector128.Create(0x3FFFFFu)).AsInt32()) * Vector128.Create(TwoPow22Inv) - Vector128.Create(0.5f)) * Vector128.Create(HalfPi);
        Vector128<float> y2 = y * y;
        Vector128<float> sin = y * (Vector128<float>.One + y2 * (Vector128.Create(S3) + y2 * (Vector128.Create(S5) + y2 * (Vector128.Create(S7) + y2 * Vector128.Create(S9)))));
        Vector128<float> cos = Vector128<float>.One + y2 * (Vector128.Create(C2) + y2 * (Vector128.Create(C4) + y2 * (Vector128.Create(C6) + y2 * (Vector128.Create(C8) + y2 * Vector128.Create(C10)))));
        Vector128<float> swap = Vector128.Equals(b & Vector128.Create(0x40000000u), Vector128.Create(0x40000000u)).AsSingle();
        Vector128<float> cosT = Vector128.ConditionalSelect(swap, sin, cos) ^ (((b << 1) ^ b) & Vector128.Create(0x80000000u)).AsSingle();
        Vector128<float> sinT = Vector128.ConditionalSelect(swap, cos, sin) ^ (b & Vector128.Create(0x80000000u)).AsSingle();
        Vector128<float> evenLanes = Vector128.Create(0xFFFFFFFFUL).AsSingle();
        return Vector128.ConditionalSelect(evenLanes, r, SwapPairs(r)) * Vector128.ConditionalSelect(evenLanes, SwapPairs(cosT), sinT);
    }

    // Exchanges lanes 2i and 2i+1: a 32-bit rotate of each 64-bit half, no shuffle needed.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector128<float> SwapPairs(Vector128<float> x) =>
        (Vector128.ShiftLeft(x.AsUInt64(), 32) | Vector128.ShiftRightLogical(x.AsUInt64(), 32)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<float> NormalPairs(Vector256<uint> b)
    {
        Vector256<float> k = Vector256.ConvertToSingle((Vector256.ShiftRightLogical(b, 8) + Vector256.Create(1u)).AsInt32());
        Vector256<int> bits = k.AsInt32();
        Vector256<int> e = Vector256.ShiftRightArithmetic(bits, 23) - Vector256.Create(127 + 24);
        Vector256<float> m = ((bits & Vector256.Create(0x7FFFFF)) | Vector256.Create(0x3F800000)).AsSingle();
        Vector256<float> big = Vector256.GreaterThan(m, Vector256.Create(Sqrt2));
        m = Vector256.ConditionalSelect(big, m * Vector256.Create(0.5f), m);
        e -= big.AsInt32();
        Vector256<float> s = (m - Vector256<float>.One) / (m + Vector256<float>.One), s2 = s * s;
        Vector256<float> lnm = Vector256.Create(2f) * s * (Vector256<float>.One + s2 * (Vector256.Create(L3) + s2 * (Vector256.Create(L5) + s2 * (Vector256.Create(L7) + s2 * Vector256.Create(L9)))));
        Vector256<float> r = Vector256.Sqrt(Vector256.Create(-2f) * (Vector256.ConvertToSingle(e) * Vector256.Create(Ln2) + lnm));
        Vector256<float> y = (Vector256.ConvertToSingle((Vector256.ShiftRightLogical(b, 8) & Vector256.Create(0x3FFFFFu)).AsInt32()) * Vector256.Create(TwoPow22Inv) - Vector256.Create(0.5f)) * Vector256.Create(HalfPi);
        Vector256<float> y2 = y * y;
        Vector256<float> sin = y * (Vector256<float>.One + y2 * (Vector256.Create(S3) + y2 * (Vector256.Create(S5) + y2 * (Vector256.Create(S7) + y2 * Vector256.Create(S9)))));
        Vector256<float> cos = Vector256<float>.One + y2 * (Vector256.Create(C2) + y2 * (Vector256.Create(C4) + y2 * (Vector256.Create(C6) + y2 * (Vector256.Create(C8) + y2 * Vector256.Create(C10)))));
        Vector256<float> swap = Vector256.Equals(b & Vector256.Create(0x40000000u), Vector256.Create(0x40000000u)).AsSingle();
        Vector256<float> cosT = Vector256.ConditionalSelect(swap, sin, cos) ^ (((b << 1) ^ b) & Vector256.Create(0x80000000u)).AsSingle();
        Vector256<float> sinT = Vector256.ConditionalSelect(swap, cos, sin) ^ (b & Vector256.Create(0x80000000u)).AsSingle();
        Vector256<float> evenLanes = Vector256.Create(0xFFFFFFFFUL).AsSingle();
        return Vector256.ConditionalSelect(evenLanes, r, SwapPairs(r)) * Vector256.ConditionalSelect(evenLanes, SwapPairs(cosT), sinT);
    }

    // Exchanges lanes 2i and 2i+1: a 32-bit rotate of each 64-bit half, no shuffle needed.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<float> SwapPairs(Vector256<float> x) =>
        (Vector256.ShiftLeft(x.AsUInt64(), 32) | Vector256.ShiftRightLogical(x.AsUInt64(), 32)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector512<float> NormalPairs(Vector512<uint> b)
    {
        Vector512<float> k = Vector512.ConvertToSingle((Vector512.ShiftRightLogical(b, 8) + Vector512.Create(1u)).AsInt32());
        Vector512<int> bits = k.AsInt32();
        Vector512<int> e = Vector512.ShiftRightArithmetic(bits, 23) - Vector512.Create(127 + 24);
        Vector512<float> m = ((bits & Vector512.Create(0x7FFFFF)) | Vector512.Create(0x3F800000)).AsSingle();
        Vector512<float> big = Vector512.GreaterThan(m, Vector512.Create(Sqrt2));
        m = Vector512.ConditionalSelect(big, m * Vector512.Create(0.5f), m);
        e -= big.AsInt32();
        Vector512<float> s = (m - Vector512<float>.One) / (m + Vector512<float>.One), s2 = s * s;
        Vector512<float> lnm = Vector512.Create(2f) * s * (Vector512<float>.One + s2 * (Vector512.Create(L3) + s2 * (Vector512.Create(L5) + s2 * (Vector512.Create(L7) + s2 * Vector512.Create(L9)))));
        Vector512<float> r = Vector512.Sqrt(Vector512.Create(-2f) * (Vector512.ConvertToSingle(e) * Vector512.Create(Ln2) + lnm));
        Vector512<float> y = (Vector512.ConvertToSingle((Vector512.ShiftRightLogical(b, 8) & Vector512.Create(0x3FFFFFu)).AsInt32()) * Vector512.Create(TwoPow22Inv) - Vector512.Create(0.5f)) * Vector512.Create(HalfPi);
        Vector512<float> y2 = y * y;
        Vector512<float> sin = y * (Vector512<float>.One + y2 * (Vector512.Create(S3) + y2 * (Vector512.Create(S5) + y2 * (Vector512.Create(S7) + y2 * Vector512.Create(S9)))));
        Vector512<float> cos = Vector512<float>.One + y2 * (Vector512.Create(C2) + y2 * (Vector512.Create(C4) + y2 * (Vector512.Create(C6) + y2 * (Vector512.Create(C8) + y2 * Vector512.Create(C10)))));
        Vector512<float> swap = Vector512.Equals(b & Vector512.Create(0x40000000u), Vector512.Create(0x40000000u)).AsSingle();
        Vector512<float> cosT = Vector512.ConditionalSelect(swap, sin, cos) ^ (((b << 1) ^ b) & Vector512.Create(0x80000000u)).AsSingle();
        Vector512<float> sinT = Vector512.ConditionalSelect(swap, cos, sin) ^ (b & Vector512.Create(0x80000000u)).AsSingle();
        Vector512<float> evenLanes = Vector512.Create(0xFFFFFFFFUL).AsSingle();
        return Vector512.ConditionalSelect(evenLanes, r, SwapPairs(r)) * Vector512.ConditionalSelect(evenLanes, SwapPairs(cosT), sinT);
    }

    // Exchanges lanes 2i and 2i+1: a 32-bit rotate of each 64-bit half, no shuffle needed.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector512<float> SwapPairs(Vector512<float> x) =>
        (Vector512.ShiftLeft(x.AsUInt64(), 32) | Vector512.ShiftRightLogical(x.AsUInt64(), 32)).AsSingle();
}
