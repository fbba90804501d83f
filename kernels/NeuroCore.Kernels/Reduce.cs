using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NeuroCore.Kernels.Parallel;

namespace NeuroCore.Kernels;

/// <summary>
/// Reductions over flat spans and over the rows or columns of a row-major [rows, cols] matrix. Sums use
/// <see cref="TensorPrimitives"/>' vectorised accumulation, so the order of additions (and the last bits of the
/// result) depends on the vector width, while staying within float rounding of the scalar
/// <see cref="Reference.Sum"/>.
/// </summary>
public static class Reduce
{
    /// <summary>Effectively computes <c>Σ_i x[i]</c>; 0 for an empty span; NaN if any element is NaN.</summary>
    /// <param name="x">The values.</param>
    /// <returns>The sum.</returns>
    public static float Sum(ReadOnlySpan<float> x) => TensorPrimitives.Sum(x);

    /// <summary>
    /// <see cref="Sum(ReadOnlySpan{float})"/> on up to <paramref name="threads"/> threads: effectively computes
    /// <c>Σ_i x[i]</c> as the sums of fixed consecutive blocks (each as <see cref="Sum(ReadOnlySpan{float})"/> computes
    /// it) added in block order. The blocks depend on the length alone (65,536 elements, or more so that there are at
    /// most 256), so the result is bitwise the same for any thread count; up to one block it is exactly
    /// <see cref="Sum(ReadOnlySpan{float})"/>. A loss that sums a whole activation (a training step's y.sum()).
    /// </summary>
    /// <param name="x">The values.</param>
    /// <param name="threads">Threads to use, 1 to <see cref="FixedPartition.MaxThreads"/>.</param>
    /// <returns>The sum.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is out of range.</exception>
    public static float Sum(ReadOnlySpan<float> x, int threads) => Sum(x, threads, SumBlock);

    /// <summary>The threaded sum with an explicit smallest block (a multiple of 64); tests pass small blocks.</summary>
    internal static unsafe float Sum(ReadOnlySpan<float> x, int threads, int minBlock)
    {
        if (threads < 1 || threads > FixedPartition.MaxThreads)
            Throw.OutOfRange(nameof(threads), $"Reduce.Sum: threads must be between 1 and {FixedPartition.MaxThreads}, got {threads}.");
        if (x.Length <= minBlock) return TensorPrimitives.Sum(x);
        // At most MaxSumBlocks blocks, each a whole number of 64-element steps (every width's vectors fill it).
        long block = Math.Max(minBlock, ((x.Length + (long)MaxSumBlocks - 1) / MaxSumBlocks + 63) & ~63L);
        int blocks = (int)((x.Length + block - 1) / block);
        float* partials = stackalloc float[blocks];
        fixed (float* px = x)
        {
            var job = new SumJob { X = px, Partials = partials, Length = x.Length, Block = (int)block };
            FixedPartition.RunChunks(blocks, blocks, threads, in job);
        }
        float s = partials[0];
        for (int b = 1; b < blocks; b++) s += partials[b];
        return s;
    }

    /// <summary>Smallest block of the threaded <see cref="Sum(ReadOnlySpan{float}, int)"/>.</summary>
    const int SumBlock = 1 << 16;

    /// <summary>Most blocks of the threaded <see cref="Sum(ReadOnlySpan{float}, int)"/> (their partials live on the stack).</summary>
    const int MaxSumBlocks = 256;

    /// <summary>Sums of blocks [start, limit) into their partials.</summary>
    unsafe struct SumJob : IWorkerRangeBody
    {
        public float* X, Partials;
        public int Length, Block;

        public readonly void Invoke(int worker, int start, int limit)
        {
            for (int b = start; b < limit; b++)
            {
                long first = (long)b * Block, end = Math.Min(first + Block, Length);
                Partials[b] = TensorPrimitives.Sum(new ReadOnlySpan<float>(X + first, (int)(end - first)));
            }
        }
    }

    /// <summary>
    /// Effectively computes <c>max_i x[i]</c> with <see cref="MathF.Max(float, float)"/> semantics (NaN propagates,
    /// +0 &gt; −0); −∞ for an empty span, the identity of max.
    /// </summary>
    /// <param name="x">The values.</param>
    /// <returns>The largest value.</returns>
    public static float Max(ReadOnlySpan<float> x) => x.IsEmpty ? float.NegativeInfinity : TensorPrimitives.Max(x);

    /// <summary>Sum of each row: effectively computes <c>dst[r] = Σ_c x[r·cols + c]</c> (overwrites dst).</summary>
    /// <param name="x">The matrix, row-major [rows, cols].</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="cols">Number of columns.</param>
    /// <param name="dst">The row sums, length at least <paramref name="rows"/>.</param>
    /// <exception cref="ArgumentException">A span is shorter than the shape requires, or a dimension is negative.</exception>
    public static void SumRows(ReadOnlySpan<float> x, int rows, int cols, Span<float> dst)
    {
        CheckMatrix("Reduce.SumRows", x.Length, rows, cols);
        if (dst.Length < rows) Throw.LengthMismatch("Reduce.SumRows: dst must hold one value per row", rows, dst.Length);
        for (int r = 0; r < rows; r++)
            dst[r] = TensorPrimitives.Sum(x.Slice(r * cols, cols));
    }

    /// <summary>
    /// Sum of each column: effectively computes <c>dst[c] = Σ_r x[r·cols + c]</c> (overwrites dst), adding rows in
    /// ascending order, so each column's sum is bitwise the same as the scalar reference's.
    /// </summary>
    /// <param name="x">The matrix, row-major [rows, cols].</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="cols">Number of columns.</param>
    /// <param name="dst">The column sums, length at least <paramref name="cols"/>.</param>
    /// <exception cref="ArgumentException">A span is shorter than the shape requires, or a dimension is negative.</exception>
    public static void SumColumns(ReadOnlySpan<float> x, int rows, int cols, Span<float> dst) => SumColumns(x, rows, cols, dst, 1);

    /// <summary>
    /// <see cref="SumColumns(ReadOnlySpan{float}, int, int, Span{float})"/> on up to <paramref name="threads"/> threads,
    /// which take blocks of columns (a linear layer's bias gradient over a [T·B, out] output gradient). Every column is
    /// still summed over the rows in ascending order in one register, so the result is bitwise the same for any thread
    /// count and equal to the scalar reference's.
    /// </summary>
    /// <param name="x">The matrix, row-major [rows, cols].</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="cols">Number of columns.</param>
    /// <param name="dst">The column sums, length at least <paramref name="cols"/>.</param>
    /// <param name="threads">Threads to use, 1 to <see cref="FixedPartition.MaxThreads"/>.</param>
    /// <exception cref="ArgumentException">A span is shorter than the shape requires, or a dimension is negative.</exception>
    public static void SumColumns(ReadOnlySpan<float> x, int rows, int cols, Span<float> dst, int threads) =>
        SumColumns(x, rows, cols, dst, threads, ColumnParallelThreshold);

    /// <summary>The threaded column sums with an explicit size below which one thread is used; tests pass 0.</summary>
    internal static unsafe void SumColumns(ReadOnlySpan<float> x, int rows, int cols, Span<float> dst, int threads, long parallelThreshold)
    {
        CheckMatrix("Reduce.SumColumns", x.Length, rows, cols);
        if (dst.Length < cols) Throw.LengthMismatch("Reduce.SumColumns: dst must hold one value per column", cols, dst.Length);
        if (threads < 1 || threads > FixedPartition.MaxThreads)
            Throw.OutOfRange(nameof(threads), $"Reduce.SumColumns: threads must be between 1 and {FixedPartition.MaxThreads}, got {threads}.");
        if (rows == 0)
        {
            dst[..cols].Clear();
            return;
        }
        fixed (float* px = x, pd = dst)
        {
            var job = new ColumnSumJob { X = px, D = pd, Rows = (nuint)rows, Cols = cols };
            int blocks = (cols + ColumnBlock - 1) / ColumnBlock;
            FixedPartition.Run(blocks, (long)rows * cols < parallelThreshold ? 1 : threads, in job);
        }
    }

    /// <summary>Columns per unit of the thread split of <see cref="SumColumns(ReadOnlySpan{float}, int, int, Span{float}, int)"/>.</summary>
    const int ColumnBlock = 64;

    /// <summary>Below this many elements the column sums stay on one thread (a wake-up costs more).</summary>
    const long ColumnParallelThreshold = 1L << 16;

    /// <summary>Column sums over column blocks [start, limit).</summary>
    unsafe struct ColumnSumJob : IRangeBody
    {
        public float* X, D;
        public nuint Rows;
        public int Cols;

        public readonly void Invoke(int start, int limit)
        {
            nuint c0 = (nuint)start * ColumnBlock, c1 = (nuint)Math.Min(limit * ColumnBlock, Cols);
            ref float x = ref Unsafe.AsRef<float>(X);
            ref float d = ref Unsafe.AsRef<float>(D);
            if (Vector512.IsHardwareAccelerated) c0 = SumColumnsBlock<Vector512<float>, Lanes512>(ref x, Rows, (nuint)Cols, c0, c1, ref d);
            else if (Vector256.IsHardwareAccelerated) c0 = SumColumnsBlock<Vector256<float>, Lanes256>(ref x, Rows, (nuint)Cols, c0, c1, ref d);
            else if (Vector128.IsHardwareAccelerated) c0 = SumColumnsBlock<Vector128<float>, Lanes128>(ref x, Rows, (nuint)Cols, c0, c1, ref d);
            SumColumnsBlock<float, Lanes1>(ref x, Rows, (nuint)Cols, c0, c1, ref d);
        }
    }

    /// <summary>
    /// Sums columns [c0, c1) four values of width TL at a time (four independent add chains down the rows, in
    /// registers), then what is left one value at a time; returns the first column not done (a tail narrower than one
    /// value). Row 0 is loaded, not added to 0, so −0 columns stay −0 as in the reference.
    /// </summary>
    static nuint SumColumnsBlock<TV, TL>(ref float x, nuint rows, nuint cols, nuint c0, nuint c1, ref float d)
        where TV : struct where TL : struct, ILanes<TV>
    {
        nuint w = TL.Count, c = c0;
        for (; c + 4 * w <= c1; c += 4 * w)
        {
            TV s0 = TL.Load(ref x, c), s1 = TL.Load(ref x, c + w), s2 = TL.Load(ref x, c + 2 * w), s3 = TL.Load(ref x, c + 3 * w);
            for (nuint r = 1, at = cols + c; r < rows; r++, at += cols)
            {
                s0 = TL.Add(s0, TL.Load(ref x, at));
                s1 = TL.Add(s1, TL.Load(ref x, at + w));
                s2 = TL.Add(s2, TL.Load(ref x, at + 2 * w));
                s3 = TL.Add(s3, TL.Load(ref x, at + 3 * w));
            }
            TL.Store(s0, ref d, c);
            TL.Store(s1, ref d, c + w);
            TL.Store(s2, ref d, c + 2 * w);
            TL.Store(s3, ref d, c + 3 * w);
        }
        for (; c + w <= c1; c += w)
        {
            TV s = TL.Load(ref x, c);
            for (nuint r = 1, at = cols + c; r < rows; r++, at += cols) s = TL.Add(s, TL.Load(ref x, at));
            TL.Store(s, ref d, c);
        }
        return c;
    }

    /// <summary>
    /// Index of the largest element of each row: effectively computes <c>dst[r] = argmax_c x[r·cols + c]</c>,
    /// the first index on ties; a NaN counts as larger than everything (the first NaN wins), as in PyTorch.
    /// </summary>
    /// <param name="x">The matrix, row-major [rows, cols].</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="cols">Number of columns; at least 1 when rows &gt; 0.</param>
    /// <param name="dst">The indices, length at least <paramref name="rows"/>.</param>
    /// <exception cref="ArgumentException">A span is too short, or rows &gt; 0 with no columns.</exception>
    public static void ArgMaxRows(ReadOnlySpan<float> x, int rows, int cols, Span<int> dst)
    {
        CheckMatrix("Reduce.ArgMaxRows", x.Length, rows, cols);
        if (rows > 0 && cols == 0) Throw.Argument("Reduce.ArgMaxRows: rows have no columns, so there is no argmax; pass cols >= 1.", nameof(cols));
        if (dst.Length < rows) Throw.LengthMismatch("Reduce.ArgMaxRows: dst must hold one index per row", rows, dst.Length);
        for (int r = 0; r < rows; r++)
            dst[r] = TensorPrimitives.IndexOfMax(x.Slice(r * cols, cols));
    }

    /// <summary>Validates a [rows, cols] span; the message is built only on failure, so checks never allocate.</summary>
    internal static void CheckMatrix(string op, int length, int rows, int cols, string span = "input")
    {
        if (rows < 0 || cols < 0) Throw.Argument($"{op}: rows ({rows}) and cols ({cols}) must be non-negative.");
        if ((long)rows * cols > length)
            Throw.Argument($"{op}: a [{rows}, {cols}] matrix needs {(long)rows * cols} elements but the {span} span has {length}; check rows and cols.");
    }
}
