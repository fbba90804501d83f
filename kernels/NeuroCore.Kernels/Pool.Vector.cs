using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

// The common CNN pooling, 2×2 windows with stride 2 and no padding, vectorised along the output row: each vector of
// inputs holds whole windows in lane pairs, so a 32-bit rotate of each 64-bit half (no shuffle) brings a window's
// right column beside its left one, and narrowing 64-bit lanes to 32 bits gathers one result per window. The
// comparison order reproduces the scalar path exactly (same maxima, same argmax, same sums).
public static partial class Pool
{
    /// <summary>Vector prefix of one 2×2/stride-2 max row: 256-bit where accelerated, else 128-bit, else none.</summary>
    static int MaxRow2x2(ref float row0, int rowStart, int width, int outW, ref float y, ref int argmax) =>
        Vector256.IsHardwareAccelerated ? MaxRow2x2(ref row0, rowStart, width, outW, ref y, ref argmax, Vector256<float>.Zero) :
        Vector128.IsHardwareAccelerated ? MaxRow2x2(ref row0, rowStart, width, outW, ref y, ref argmax, Vector128<float>.Zero) : 0;

    /// <summary>Vector prefix of one 2×2/stride-2 average row.</summary>
    static int AvgRow2x2(ref float row0, int width, int outW, ref float y) =>
        Vector256.IsHardwareAccelerated ? AvgRow2x2(ref row0, width, outW, ref y, Vector256<float>.Zero) :
        Vector128.IsHardwareAccelerated ? AvgRow2x2(ref row0, width, outW, ref y, Vector128<float>.Zero) : 0;

    /// <summary>Max of 2×2 stride-2 windows over one output row at Vector128 width; returns how many outputs it wrote.</summary>
    static int MaxRow2x2(ref float row0, int rowStart, int width, int outW, ref float y, ref int argmax, Vector128<float> _)
    {
        int lanes = Vector128<float>.Count;
        if (outW < lanes) return 0;
        ref float row1 = ref Unsafe.Add(ref row0, width);
        for (int ox = 0; ; ox = Math.Min(ox + lanes, outW - lanes))
        {
            int c = 2 * ox;
            var (b0, i0) = MaxStep128(ref row0, ref row1, c, rowStart, width);
            var (b1, i1) = MaxStep128(ref row0, ref row1, c + lanes, rowStart, width);
            // Even lanes hold the results: narrowing 64-bit lanes to 32 bits keeps exactly those, in order.
            Vector128.Narrow(b0.AsUInt64(), b1.AsUInt64()).AsSingle().StoreUnsafe(ref y, (nuint)ox);
            Vector128.Narrow(i0.AsUInt64(), i1.AsUInt64()).AsInt32().StoreUnsafe(ref argmax, (nuint)ox);
            // The last vector overlaps the previous one instead of leaving a scalar tail (outputs are pure).
            if (ox + lanes >= outW) return outW;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static (Vector128<float> Best, Vector128<int> Index) MaxStep128(ref float row0, ref float row1, int c, int rowStart, int width)
    {
        Vector128<int> col = Vector128.Create(rowStart + c) + Vector128<int>.Indices;
        Vector128<float> a0 = Vector128.LoadUnsafe(ref row0, (nuint)c), a1 = Vector128.LoadUnsafe(ref row1, (nuint)c);
        // Row-major first maximum: left vs right within each row, then row 0 vs row 1 (earlier wins ties).
        Vector128<float> t0 = Takes(a0, SwapPairs(a0)), t1 = Takes(a1, SwapPairs(a1));
        Vector128<float> m0 = Vector128.ConditionalSelect(t0, SwapPairs(a0), a0), m1 = Vector128.ConditionalSelect(t1, SwapPairs(a1), a1);
        Vector128<int> j0 = col - t0.AsInt32(), j1 = col + Vector128.Create(width) - t1.AsInt32();
        Vector128<float> t = Takes(m0, m1);
        return (Vector128.ConditionalSelect(t, m1, m0), Vector128.ConditionalSelect(t.AsInt32(), j1, j0));
    }

    /// <summary>Lanes where candidate replaces best: larger, or the first NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector128<float> Takes(Vector128<float> best, Vector128<float> candidate) =>
        Vector128.GreaterThan(candidate, best) | Vector128.AndNot(Vector128.Equals(best, best), Vector128.Equals(candidate, candidate));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector128<float> SwapPairs(Vector128<float> x) =>
        (Vector128.ShiftLeft(x.AsUInt64(), 32) | Vector128.ShiftRightLogical(x.AsUInt64(), 32)).AsSingle();

    /// <summary>Mean of 2×2 stride-2 windows over one output row at Vector128 width; returns how many outputs it wrote.</summary>
    static int AvgRow2x2(ref float row0, int width, int outW, ref float y, Vector128<float> _)
    {
        int lanes = Vector128<float>.Count;
        if (outW < lanes) return 0;
        ref float row1 = ref Unsafe.Add(ref row0, width);
        for (int ox = 0; ; ox = Math.Min(ox + lanes, outW - lanes))
        {
            int c = 2 * ox;
            Vector128<float> s0 = AvgStep128(ref row0, ref row1, c), s1 = AvgStep128(ref row0, ref row1, c + lanes);
            Vector128.Narrow(s0.AsUInt64(), s1.AsUInt64()).AsSingle().StoreUnsafe(ref y, (nuint)ox);
            if (ox + lanes >= outW) return outW;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector128<float> AvgStep128(ref float row0, ref float row1, int c)
    {
        Vector128<float> a0 = Vector128.LoadUnsafe(ref row0, (nuint)c), a1 = Vector128.LoadUnsafe(ref row1, (nuint)c);
        // The reference's order: ((((0 + x00) + x01) + x10) + x11)·¼ (the leading 0 turns −0 into +0, as it does there).
        return (Vector128<float>.Zero + a0 + SwapPairs(a0) + a1 + SwapPairs(a1)) * Vector128.Create(0.25f);
    }

    /// <summary>Max of 2×2 stride-2 windows over one output row at Vector256 width; returns how many outputs it wrote.</summary>
    static int MaxRow2x2(ref float row0, int rowStart, int width, int outW, ref float y, ref int argmax, Vector256<float> _)
    {
        int lanes = Vector256<float>.Count;
        if (outW < lanes) return 0;
        ref float row1 = ref Unsafe.Add(ref row0, width);
        for (int ox = 0; ; ox = Math.Min(ox + lanes, outW - lanes))
        {
            int c = 2 * ox;
            var (b0, i0) = MaxStep256(ref row0, ref row1, c, rowStart, width);
            var (b1, i1) = MaxStep256(ref row0, ref row1, c + lanes, rowStart, width);
            // Even lanes hold the results: narrowing 64-bit lanes to 32 bits keeps exactly those, in order.
            Vector256.Narrow(b0.AsUInt64(), b1.AsUInt64()).AsSingle().StoreUnsafe(ref y, (nuint)ox);
            Vector256.Narrow(i0.AsUInt64(), i1.AsUInt64()).AsInt32().StoreUnsafe(ref argmax, (nuint)ox);
            // The last vector overlaps the previous one instead of leaving a scalar tail (outputs are pure).
            if (ox + lanes >= outW) return outW;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static (Vector256<float> Best, Vector256<int> Index) MaxStep256(ref float row0, ref float row1, int c, int rowStart, int width)
    {
        Vector256<int> col = Vector256.Create(rowStart + c) + Vector256<int>.Indices;
        Vector256<float> a0 = Vector256.LoadUnsafe(ref row0, (nuint)c), a1 = Vector256.LoadUnsafe(ref row1, (nuint)c);
        // Row-major first maximum: left vs right within each row, then row 0 vs row 1 (earlier wins ties).
        Vector256<float> t0 = Takes(a0, SwapPairs(a0)), t1 = Takes(a1, SwapPairs(a1));
        Vector256<float> m0 = Vector256.ConditionalSelect(t0, SwapPairs(a0), a0), m1 = Vector256.ConditionalSelect(t1, SwapPairs(a1), a1);
        Vector256<int> j0 = col - t0.AsInt32(), j1 = col + Vector256.Create(width) - t1.AsInt32();
        Vector256<float> t = Takes(m0, m1);
        return (Vector256.ConditionalSelect(t, m1, m0), Vector256.ConditionalSelect(t.AsInt32(), j1, j0));
    }

    /// <summary>Lanes where candidate replaces best: larger, or the first NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<float> Takes(Vector256<float> best, Vector256<float> candidate) =>
        Vector256.GreaterThan(candidate, best) | Vector256.AndNot(Vector256.Equals(best, best), Vector256.Equals(candidate, candidate));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<float> SwapPairs(Vector256<float> x) =>
        (Vector256.ShiftLeft(x.AsUInt64(), 32) | Vector256.ShiftRightLogical(x.AsUInt64(), 32)).AsSingle();

    /// <summary>Mean of 2×2 stride-2 windows over one output row at Vector256 width; returns how many outputs it wrote.</summary>
    static int AvgRow2x2(ref float row0, int width, int outW, ref float y, Vector256<float> _)
    {
        int lanes = Vector256<float>.Count;
        if (outW < lanes) return 0;
        ref float row1 = ref Unsafe.Add(ref row0, width);
        for (int ox = 0; ; ox = Math.Min(ox + lanes, outW - lanes))
        {
            int c = 2 * ox;
            Vector256<float> s0 = AvgStep256(ref row0, ref row1, c), s1 = AvgStep256(ref row0, ref row1, c + lanes);
            Vector256.Narrow(s0.AsUInt64(), s1.AsUInt64()).AsSingle().StoreUnsafe(ref y, (nuint)ox);
            if (ox + lanes >= outW) return outW;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<float> AvgStep256(ref float row0, ref float row1, int c)
    {
        Vector256<float> a0 = Vector256.LoadUnsafe(ref row0, (nuint)c), a1 = Vector256.LoadUnsafe(ref row1, (nuint)c);
        // The reference's order: ((((0 + x00) + x01) + x10) + x11)·¼ (the leading 0 turns −0 into +0, as it does there).
        return (Vector256<float>.Zero + a0 + SwapPairs(a0) + a1 + SwapPairs(a1)) * Vector256.Create(0.25f);
    }
}
