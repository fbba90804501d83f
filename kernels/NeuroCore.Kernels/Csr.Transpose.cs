using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuroCore.Kernels;

public static unsafe partial class Csr
{
    /// <summary>
    /// Matrix transpose, the layout change between row-major samples [rows, features] and the feature-major form the
    /// sparse product reads: effectively computes <c>destination[c·rows + r] = source[r·cols + c]</c>. 8×8 register
    /// blocks with AVX in strips of 8 destination rows, scalar 16×16 tiles otherwise; a pure copy, so every
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
            int c = 0;
            if (Avx.IsSupported)
            {
                // Strips of 8 destination rows, walked along the source rows: the 8 lines written and the 8 read stay in
                // L1 even when a stride is a multiple of 4 KiB (larger tiles then map 32+ lines to one cache set).
                for (; c + 8 <= cols; c += 8)
                {
                    int r = 0;
                    for (; r + 8 <= rows; r += 8) Block8(s + (nint)r * cols + c, cols, d + (nint)c * rows + r, rows);
                    for (; r < rows; r++)
                        for (int q = c; q < c + 8; q++) d[(nint)q * rows + r] = s[(nint)r * cols + q];
                }
            }
            const int Tile = 16;
            for (int c0 = c; c0 < cols; c0 += Tile)
            {
                int c1 = Math.Min(cols, c0 + Tile);
                for (int r0 = 0; r0 < rows; r0 += Tile)
                {
                    int r1 = Math.Min(rows, r0 + Tile);
                    for (int r = r0; r < r1; r++)
                        for (int q = c0; q < c1; q++) d[(nint)q * rows + r] = s[(nint)r * cols + q];
                }
            }
        }
    }

    /// <summary>
    /// Bit-packed spikes [rows, ceil(cols/64)] (the <see cref="SpikeSynapse.PackedWords"/> layout) to feature-major floats:
    /// effectively computes <c>destination[c·rows + r] = bit c of row r ? 1 : 0</c>, i.e. the transpose of
    /// <see cref="SpikeSynapse.Unpack"/>, by clearing the destination and writing a 1 per set bit (padding bits ignored).
    /// </summary>
    /// <param name="bits">Packed spikes [rows, ceil(cols/64)].</param>
    /// <param name="rows">Rows, ≥ 0.</param>
    /// <param name="cols">Columns, ≥ 0.</param>
    /// <param name="destination">[cols, rows] floats, overwritten.</param>
    /// <exception cref="ArgumentException">A count is negative or a span is too short.</exception>
    public static void UnpackTransposed(ReadOnlySpan<ulong> bits, int rows, int cols, Span<float> destination)
    {
        const string Op = "Csr.UnpackTransposed";
        if (rows < 0 || cols < 0) Throw.Argument($"{Op}: rows and cols must be non-negative, got [{rows}, {cols}].");
        int words = SpikeSynapse.PackedWords(cols);
        if (bits.Length < (long)rows * words || destination.Length < (long)rows * cols)
            Throw.Argument($"{Op}: bits holds {bits.Length} words (needs [{rows}, {words}]) and destination {destination.Length} values (needs [{cols}, {rows}]).", nameof(destination));
        destination[..(rows * cols)].Clear();
        ulong last = (cols & 63) == 0 ? ulong.MaxValue : (1UL << (cols & 63)) - 1;
        for (int r = 0; r < rows; r++)
            for (int w = 0; w < words; w++)
            {
                ulong b = bits[r * words + w];
                if (w == words - 1) b &= last;
                while (b != 0)
                {
                    destination[(w * 64 + System.Numerics.BitOperations.TrailingZeroCount(b)) * rows + r] = 1f;
                    b &= b - 1;
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
