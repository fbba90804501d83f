using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuroCore.Kernels;

public static unsafe partial class Csr
{
    /// <summary>
    /// Matrix transpose, the layout change between row-major samples [rows, features] and the feature-major form the
    /// sparse product reads: effectively computes <c>destination[c·rows + r] = source[r·cols + c]</c>. 8×8 register
    /// blocks with AVX (inside 32×32 tiles that keep both sides in L1), scalar tiles otherwise; a pure copy, so every
    /// path gives the same result.
    /// </summary>
    /// <param name="source">[rows, cols], row-major.</param>
    /// <param name="rows">Rows, ≥ 0.</param>
    /// <param name="cols">Columns, ≥ 0.</param>
    /// <param name="destination">[cols, rows], overwritten; must not overlap the source.</param>
    /// <exception cref="ArgumentException">A count is negative, a span is too short, or the spans overlap.</exception>
    public static void Transpose(ReadOnlySpan<float> source, int rows, int cols, Span<float> destination)
    {
        const string Op = "Csr.Transpose";
        if (rows < 0 || cols < 0) Throw.Argument($"{Op}: rows and cols must be non-negative, got [{rows}, {cols}].");
        long size = (long)rows * cols;
        if (source.Length < size || destination.Length < size)
            Throw.Argument($"{Op}: source holds {source.Length} and destination {destination.Length} values; [{rows}, {cols}] needs {size} each.", nameof(destination));
        if (size == 0) return;
        if (destination[..(int)size].Overlaps(source[..(int)size]))
            Throw.Argument($"{Op}: the destination overlaps the source; pass a separate buffer.", nameof(destination));
        fixed (float* s = source, d = destination)
        {
            const int Tile = 32;
            for (int r0 = 0; r0 < rows; r0 += Tile)
            {
                int r1 = Math.Min(rows, r0 + Tile);
                for (int c0 = 0; c0 < cols; c0 += Tile)
                {
                    int c1 = Math.Min(cols, c0 + Tile);
                    int r = r0;
                    if (Avx.IsSupported)
                    {
                        for (; r + 8 <= r1; r += 8)
                        {
                            int c = c0;
                            for (; c + 8 <= c1; c += 8) Block8(s + (nint)r * cols + c, cols, d + (nint)c * rows + r, rows);
                            for (; c < c1; c++)
                                for (int q = r; q < r + 8; q++) d[(nint)c * rows + q] = s[(nint)q * cols + c];
                        }
                    }
                    for (; r < r1; r++)
                        for (int c = c0; c < c1; c++) d[(nint)c * rows + r] = s[(nint)r * cols + c];
                }
            }
        }
    }

    /// <summary>Transposes one 8×8 block: rows of <paramref name="s"/> (stride ss) become columns of <paramref name="d"/> (stride ds).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Block8(float* s, int ss, float* d, int ds)
    {
        Vector256<float> r0 = Avx.LoadVector256(s), r1 = Avx.LoadVector256(s + ss), r2 = Avx.LoadVector256(s + 2 * ss), r3 = Avx.LoadVector256(s + 3 * ss);
        Vector256<float> r4 = Avx.LoadVector256(s + 4 * ss), r5 = Avx.LoadVector256(s + 5 * ss), r6 = Avx.LoadVector256(s + 6 * ss), r7 = Avx.LoadVector256(s + 7 * ss);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5), t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE), u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE), u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(d + ds, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(d + 2 * ds, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(d + 3 * ds, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(d + 4 * ds, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(d + 5 * ds, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(d + 6 * ds, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(d + 7 * ds, Avx.Permute2x128(u3, u7, 0x31));
    }
}
