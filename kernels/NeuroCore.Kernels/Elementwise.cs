using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

/// <summary>
/// The one elementwise driver: runs an operator struct over spans at the widest accelerated vector width
/// (Vector512, else Vector256, else Vector128), then finishes the tail with the same operator's scalar form.
/// The operator is a generic struct argument, so each instantiation is specialised and fully inlined
/// (the compile-time replacement for runtime code generation).
/// </summary>
public static partial class Elementwise
{
    /// <summary>
    /// Applies a unary operator: effectively computes <c>y[i] = TOp.Invoke(x[i])</c> for i in [0, x.Length).
    /// <paramref name="y"/> may be the very same span as <paramref name="x"/> (in place) but may not overlap it
    /// partially.
    /// </summary>
    /// <typeparam name="TOp">The operator, e.g. <see cref="ReluOp"/>.</typeparam>
    /// <param name="x">The input.</param>
    /// <param name="y">The destination; at least as long as <paramref name="x"/>. Elements past x.Length are untouched.</param>
    /// <exception cref="ArgumentException">The destination is too short or overlaps the input partially.</exception>
    public static void Map<TOp>(ReadOnlySpan<float> x, Span<float> y) where TOp : struct, IUnaryOp
    {
        if (y.Length < x.Length) Throw.DestinationTooShort(nameof(y));
        CheckOverlap(x, y);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        nuint i = 0, n = (nuint)x.Length;
        // Two vectors per iteration keep both load ports busy without bloating the code; the single-vector
        // loop after it takes what is left at that width before the scalar tail.
        if (Vector512.IsHardwareAccelerated)
        {
            nuint w = (nuint)Vector512<float>.Count;
            for (; i + 2 * w <= n; i += 2 * w)
            {
                Vector512<float> a = TOp.Invoke(Vector512.LoadUnsafe(ref xr, i));
                Vector512<float> b = TOp.Invoke(Vector512.LoadUnsafe(ref xr, i + w));
                a.StoreUnsafe(ref yr, i);
                b.StoreUnsafe(ref yr, i + w);
            }
            for (; i + w <= n; i += w)
                TOp.Invoke(Vector512.LoadUnsafe(ref xr, i)).StoreUnsafe(ref yr, i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            nuint w = (nuint)Vector256<float>.Count;
            for (; i + 2 * w <= n; i += 2 * w)
            {
                Vector256<float> a = TOp.Invoke(Vector256.LoadUnsafe(ref xr, i));
                Vector256<float> b = TOp.Invoke(Vector256.LoadUnsafe(ref xr, i + w));
                a.StoreUnsafe(ref yr, i);
                b.StoreUnsafe(ref yr, i + w);
            }
            for (; i + w <= n; i += w)
                TOp.Invoke(Vector256.LoadUnsafe(ref xr, i)).StoreUnsafe(ref yr, i);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            nuint w = (nuint)Vector128<float>.Count;
            for (; i + w <= n; i += w)
                TOp.Invoke(Vector128.LoadUnsafe(ref xr, i)).StoreUnsafe(ref yr, i);
        }
        for (; i < n; i++)
            Unsafe.Add(ref yr, i) = TOp.Invoke(Unsafe.Add(ref xr, i));
    }

    /// <summary>
    /// Applies a binary operator: effectively computes <c>z[i] = TOp.Invoke(x[i], y[i])</c> for i in [0, x.Length).
    /// <paramref name="z"/> may be the very same span as <paramref name="x"/> or <paramref name="y"/> (in place), and
    /// <paramref name="y"/> may be <paramref name="x"/>; partial overlaps are rejected.
    /// </summary>
    /// <typeparam name="TOp">The operator, e.g. <see cref="AddOp"/>.</typeparam>
    /// <param name="x">The first operand.</param>
    /// <param name="y">The second operand; same length as <paramref name="x"/>.</param>
    /// <param name="z">The destination; at least as long as <paramref name="x"/>.</param>
    /// <exception cref="ArgumentException">Operand lengths differ, the destination is too short, or a partial overlap.</exception>
    public static void Zip<TOp>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> z) where TOp : struct, IBinaryOp
    {
        if (y.Length != x.Length) Throw.LengthMismatch("Elementwise.Zip: operand y must match x", x.Length, y.Length);
        if (z.Length < x.Length) Throw.DestinationTooShort(nameof(z));
        CheckOverlap(x, z);
        CheckOverlap(y, z);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float zr = ref MemoryMarshal.GetReference(z);
        nuint i = 0, n = (nuint)x.Length;
        if (Vector512.IsHardwareAccelerated)
        {
            nuint w = (nuint)Vector512<float>.Count;
            for (; i + 2 * w <= n; i += 2 * w)
            {
                Vector512<float> a = TOp.Invoke(Vector512.LoadUnsafe(ref xr, i), Vector512.LoadUnsafe(ref yr, i));
                Vector512<float> b = TOp.Invoke(Vector512.LoadUnsafe(ref xr, i + w), Vector512.LoadUnsafe(ref yr, i + w));
                a.StoreUnsafe(ref zr, i);
                b.StoreUnsafe(ref zr, i + w);
            }
            for (; i + w <= n; i += w)
                TOp.Invoke(Vector512.LoadUnsafe(ref xr, i), Vector512.LoadUnsafe(ref yr, i)).StoreUnsafe(ref zr, i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            nuint w = (nuint)Vector256<float>.Count;
            for (; i + 2 * w <= n; i += 2 * w)
            {
                Vector256<float> a = TOp.Invoke(Vector256.LoadUnsafe(ref xr, i), Vector256.LoadUnsafe(ref yr, i));
                Vector256<float> b = TOp.Invoke(Vector256.LoadUnsafe(ref xr, i + w), Vector256.LoadUnsafe(ref yr, i + w));
                a.StoreUnsafe(ref zr, i);
                b.StoreUnsafe(ref zr, i + w);
            }
            for (; i + w <= n; i += w)
                TOp.Invoke(Vector256.LoadUnsafe(ref xr, i), Vector256.LoadUnsafe(ref yr, i)).StoreUnsafe(ref zr, i);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            nuint w = (nuint)Vector128<float>.Count;
            for (; i + w <= n; i += w)
                TOp.Invoke(Vector128.LoadUnsafe(ref xr, i), Vector128.LoadUnsafe(ref yr, i)).StoreUnsafe(ref zr, i);
        }
        for (; i < n; i++)
            Unsafe.Add(ref zr, i) = TOp.Invoke(Unsafe.Add(ref xr, i), Unsafe.Add(ref yr, i));
    }

    /// <summary>Rejects a destination that overlaps an input other than exactly (same start).</summary>
    static void CheckOverlap(ReadOnlySpan<float> input, Span<float> destination)
    {
        if (input.Overlaps(destination, out int offset) && offset != 0)
            Throw.PartialOverlap();
    }
}
