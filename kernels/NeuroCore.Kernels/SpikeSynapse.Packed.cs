using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

// Bit-packed spikes: a 0/1 matrix [rows, cols] stored as [rows, W] ulong with W = ceil(cols / 64); column c of row r
// is bit c % 64 of word r·W + c / 64. Written by the packed Lif.ScanForward / Lif.Step, read here.
public static partial class SpikeSynapse
{
    /// <summary>Words per row of bit-packed spikes: <c>ceil(cols / 64)</c> (0 for 0 columns).</summary>
    /// <param name="cols">Columns (features) per row, ≥ 0.</param>
    /// <returns>The number of ulong words that hold one row.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cols"/> is negative.</exception>
    public static int PackedWords(int cols)
    {
        if (cols < 0) Throw.OutOfRange(nameof(cols), $"SpikeSynapse.PackedWords: cols must be non-negative, got {cols}.");
        return (int)(((uint)cols + 63u) >> 6);
    }

    /// <summary>
    /// Counts the events of bit-packed spikes [rows, cols] (see <see cref="PackedWords"/>): the set bits, the padding
    /// bits of each row's last word excluded.
    /// </summary>
    /// <param name="bits">Packed spikes [rows, ceil(cols/64)].</param>
    /// <param name="rows">Rows, ≥ 0.</param>
    /// <param name="cols">Columns, ≥ 0.</param>
    /// <returns>The number of events.</returns>
    /// <exception cref="ArgumentException">A count is negative or <paramref name="bits"/> is too short.</exception>
    public static long CountEvents(ReadOnlySpan<ulong> bits, int rows, int cols)
    {
        int words = CheckPacked("SpikeSynapse.CountEvents (packed)", bits.Length, rows, cols);
        ulong last = LastWordMask(cols);
        long count = 0;
        ref ulong br = ref MemoryMarshal.GetReference(bits);
        if (last == ulong.MaxValue)
        {
            // Every bit is a column: one pass over all the words.
            nuint n = (nuint)rows * (nuint)words;
            for (nuint i = 0; i < n; i++) count += BitOperations.PopCount(Unsafe.Add(ref br, i));
            return count;
        }
        for (nuint r = 0, row = 0; r < (nuint)rows; r++, row += (nuint)words)
        {
            nuint w = 0;
            for (; w + 1 < (nuint)words; w++) count += BitOperations.PopCount(Unsafe.Add(ref br, row + w));
            count += BitOperations.PopCount(Unsafe.Add(ref br, row + w) & last);
        }
        return count;
    }

    /// <summary>
    /// <see cref="Compact(ReadOnlySpan{float}, int, int, Span{int}, Span{int})"/> for bit-packed spikes: lists the set
    /// bits of each row in CSR form (columns in increasing order), ignoring the padding bits of a row's last word. The
    /// result equals <see cref="Compact(ReadOnlySpan{float}, int, int, Span{int}, Span{int})"/> of the unpacked 0/1
    /// matrix, so <see cref="Forward(ReadOnlySpan{int}, ReadOnlySpan{int}, int, ReadOnlySpan{float}, int, ReadOnlySpan{float}, Span{float}, int)"/>
    /// consumes the packed output of the previous layer's <see cref="Lif"/> scan directly.
    /// </summary>
    /// <param name="bits">Packed spikes [rows, ceil(cols/64)].</param>
    /// <param name="rows">Rows, ≥ 0.</param>
    /// <param name="cols">Columns (input features), ≥ 0.</param>
    /// <param name="rowStart">Destination for rows + 1 offsets.</param>
    /// <param name="indices">Destination for the column indices, at least nnz long (<see cref="CountEvents(ReadOnlySpan{ulong}, int, int)"/>, or rows·cols).</param>
    /// <returns>nnz, the number of events.</returns>
    /// <exception cref="ArgumentException">A count is negative, a span is too short, or <paramref name="indices"/> cannot hold every event (nothing is written then).</exception>
    public static int Compact(ReadOnlySpan<ulong> bits, int rows, int cols, Span<int> rowStart, Span<int> indices)
    {
        const string Op = "SpikeSynapse.Compact (packed)";
        int words = CheckPacked(Op, bits.Length, rows, cols);
        if (rowStart.Length < (long)rows + 1)
            Throw.Argument($"{Op}: rowStart holds {rowStart.Length} offsets, needs rows + 1 = {(long)rows + 1}.", nameof(rowStart));
        if (indices.Length < (long)rows * cols)
        {
            long nnz = CountEvents(bits, rows, cols);
            if (indices.Length < nnz)
                Throw.Argument($"{Op}: indices holds {indices.Length} entries but the spikes [{rows}, {cols}] have {nnz} events; size it with CountEvents(bits, rows, cols) (or rows·cols).", nameof(indices));
        }
        ulong last = LastWordMask(cols);
        ref ulong br = ref MemoryMarshal.GetReference(bits);
        ref int rs = ref MemoryMarshal.GetReference(rowStart);
        ref int ir = ref MemoryMarshal.GetReference(indices);
        int k = 0;
        for (int r = 0; r < rows; r++)
        {
            Unsafe.Add(ref rs, r) = k;
            ref ulong row = ref Unsafe.Add(ref br, (nint)r * words);
            for (int w = 0; w < words; w++)
                k = Emit(w == words - 1 ? Unsafe.Add(ref row, w) & last : Unsafe.Add(ref row, w), w * 64, ref ir, k);
        }
        Unsafe.Add(ref rs, rows) = k;
        return k;
    }

    /// <summary>
    /// Packs a 0/1 matrix [rows, cols]: bit c % 64 of <c>bits[r·W + c / 64]</c> is set where
    /// <c>spikes[r·cols + c] != 0</c> (the event rule of <see cref="Compact(ReadOnlySpan{float}, int, int, Span{int}, Span{int})"/>);
    /// padding bits are 0.
    /// </summary>
    /// <param name="spikes">The input [rows, cols].</param>
    /// <param name="rows">Rows, ≥ 0.</param>
    /// <param name="cols">Columns, ≥ 0.</param>
    /// <param name="bits">Destination [rows, ceil(cols/64)] words, overwritten.</param>
    /// <exception cref="ArgumentException">A count is negative or a span is too short.</exception>
    public static void Pack(ReadOnlySpan<float> spikes, int rows, int cols, Span<ulong> bits)
    {
        int words = CheckDenseAndPacked("SpikeSynapse.Pack", spikes.Length, bits.Length, rows, cols);
        ref float xr = ref MemoryMarshal.GetReference(spikes);
        ref ulong br = ref MemoryMarshal.GetReference(bits);
        for (nint r = 0; r < rows; r++)
        {
            ref float row = ref Unsafe.Add(ref xr, r * cols);
            ulong other = 0;
            for (int w = 0; w < words; w++)
            {
                int c0 = w * 64;
                Unsafe.Add(ref br, r * words + w) = PackWord(ref Unsafe.Add(ref row, c0), (nuint)Math.Min(64, cols - c0), ref other);
            }
        }
    }

    /// <summary>
    /// Checks and packs in one pass: returns false at the first row holding a value that is not exactly 0 or 1 (NaN and
    /// any other value fail, ±0 passes; <paramref name="bits"/> then holds partial results), else packs like
    /// <see cref="Pack"/>, sets <paramref name="events"/> to the number of ones and returns true. A layer calls it to
    /// decide, from one read of its input, whether the 0/1 paths (<see cref="SpikeGemm"/>, the event path) apply and at
    /// what density.
    /// </summary>
    /// <param name="spikes">The input [rows, cols].</param>
    /// <param name="rows">Rows, ≥ 0.</param>
    /// <param name="cols">Columns, ≥ 0.</param>
    /// <param name="bits">Destination [rows, ceil(cols/64)] words, overwritten; padding bits are 0.</param>
    /// <param name="events">The number of ones when the input is 0/1, else the ones counted before the failing row.</param>
    /// <returns>True when every value is exactly ±0 or 1.</returns>
    /// <exception cref="ArgumentException">A count is negative or a span is too short.</exception>
    public static bool TryPackBinary(ReadOnlySpan<float> spikes, int rows, int cols, Span<ulong> bits, out long events)
    {
        int words = CheckDenseAndPacked("SpikeSynapse.TryPackBinary", spikes.Length, bits.Length, rows, cols);
        ref float xr = ref MemoryMarshal.GetReference(spikes);
        ref ulong br = ref MemoryMarshal.GetReference(bits);
        events = 0;
        for (nint r = 0; r < rows; r++)
        {
            ref float row = ref Unsafe.Add(ref xr, r * cols);
            ulong other = 0;
            for (int w = 0; w < words; w++)
            {
                int c0 = w * 64;
                ulong word = PackWord(ref Unsafe.Add(ref row, c0), (nuint)Math.Min(64, cols - c0), ref other);
                Unsafe.Add(ref br, r * words + w) = word;
                events += BitOperations.PopCount(word);
            }
            if (other != 0) return false;
        }
        return true;
    }

    /// <summary>Unpacks bit-packed spikes [rows, cols] into floats: <c>spikes[r·cols + c]</c> = 1 where the bit is set, else 0.</summary>
    /// <param name="bits">Packed spikes [rows, ceil(cols/64)]; padding bits are ignored.</param>
    /// <param name="rows">Rows, ≥ 0.</param>
    /// <param name="cols">Columns, ≥ 0.</param>
    /// <param name="spikes">Destination [rows, cols], overwritten.</param>
    /// <exception cref="ArgumentException">A count is negative or a span is too short.</exception>
    public static void Unpack(ReadOnlySpan<ulong> bits, int rows, int cols, Span<float> spikes)
    {
        int words = CheckDenseAndPacked("SpikeSynapse.Unpack", spikes.Length, bits.Length, rows, cols);
        ref float xr = ref MemoryMarshal.GetReference(spikes);
        ref ulong br = ref MemoryMarshal.GetReference(bits);
        for (nint r = 0; r < rows; r++)
            for (int w = 0; w < words; w++)
            {
                int c0 = w * 64;
                UnpackWord(Unsafe.Add(ref br, r * words + w), ref Unsafe.Add(ref xr, r * cols + c0), (nuint)Math.Min(64, cols - c0));
            }
    }

    /// <summary>
    /// The bits of up to 64 values from <paramref name="x"/>: bit k set where x[k] != 0; bits are also ORed into
    /// <paramref name="other"/> where x[k] is neither ±0 nor 1 (NaN counts as other).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static ulong PackWord(ref float x, nuint count, ref ulong other)
    {
        ulong bits = 0, bad = 0;
        nuint k = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; k + (nuint)Vector512<float>.Count <= count; k += (nuint)Vector512<float>.Count)
            {
                Vector512<float> v = Vector512.LoadUnsafe(ref x, k);
                Vector512<float> zero = Vector512.Equals(v, Vector512<float>.Zero);
                bits |= (~zero.ExtractMostSignificantBits() & 0xFFFFUL) << (int)k;
                bad |= ~(zero | Vector512.Equals(v, Vector512<float>.One)).ExtractMostSignificantBits() & 0xFFFFUL;
            }
        else if (Vector256.IsHardwareAccelerated)
            for (; k + (nuint)Vector256<float>.Count <= count; k += (nuint)Vector256<float>.Count)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref x, k);
                Vector256<float> zero = Vector256.Equals(v, Vector256<float>.Zero);
                bits |= (ulong)(~zero.ExtractMostSignificantBits() & 0xFFu) << (int)k;
                bad |= ~(zero | Vector256.Equals(v, Vector256<float>.One)).ExtractMostSignificantBits() & 0xFFu;
            }
        else if (Vector128.IsHardwareAccelerated)
            for (; k + (nuint)Vector128<float>.Count <= count; k += (nuint)Vector128<float>.Count)
            {
                Vector128<float> v = Vector128.LoadUnsafe(ref x, k);
                Vector128<float> zero = Vector128.Equals(v, Vector128<float>.Zero);
                bits |= (ulong)(~zero.ExtractMostSignificantBits() & 0xFu) << (int)k;
                bad |= ~(zero | Vector128.Equals(v, Vector128<float>.One)).ExtractMostSignificantBits() & 0xFu;
            }
        for (; k < count; k++)
        {
            float v = Unsafe.Add(ref x, k);
            if (v != 0f) bits |= 1UL << (int)k;
            if (v != 0f && v != 1f) bad = 1;
        }
        other |= bad;
        return bits;
    }

    /// <summary>Writes 1 or 0 for the low <paramref name="count"/> bits of <paramref name="bits"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void UnpackWord(ulong bits, ref float x, nuint count)
    {
        nuint k = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // Lane l tests bit l of the current byte of the word.
            Vector256<uint> lanes = Vector256.Create(1u, 2u, 4u, 8u, 16u, 32u, 64u, 128u);
            for (; k + 8 <= count; k += 8)
            {
                Vector256<uint> m = Vector256.Equals(Vector256.Create((uint)(bits >> (int)k)) & lanes, lanes);
                (m.AsSingle() & Vector256<float>.One).StoreUnsafe(ref x, k);
            }
        }
        for (; k < count; k++) Unsafe.Add(ref x, k) = (bits >> (int)k & 1UL) != 0 ? 1f : 0f;
    }

    /// <summary>The valid bits of a row's last word.</summary>
    static ulong LastWordMask(int cols) => (cols & 63) == 0 ? ulong.MaxValue : (1UL << (cols & 63)) - 1;

    /// <summary>Checks [rows, cols], the packed span's and the float span's lengths; returns the words per row.</summary>
    static int CheckDenseAndPacked(string op, int denseLength, int packedLength, int rows, int cols)
    {
        int words = CheckPacked(op, packedLength, rows, cols);
        if (denseLength < (long)rows * cols)
            Throw.Argument($"{op}: spikes holds {denseLength} values, shorter than [rows, cols] = [{rows}, {cols}].", "spikes");
        return words;
    }

    /// <summary>Checks [rows, cols] and the packed span's length; returns the words per row.</summary>
    static int CheckPacked(string op, int length, int rows, int cols)
    {
        if (rows < 0 || cols < 0)
            Throw.Argument($"{op}: rows and cols must be non-negative, got [{rows}, {cols}].");
        int words = PackedWords(cols);
        if (length < (long)rows * words)
            Throw.Argument($"{op}: the packed spikes hold {length} words, shorter than [rows, ceil(cols/64)] = [{rows}, {words}] ({(long)rows * words}); pass the whole packed buffer.", "bits");
        return words;
    }
}
