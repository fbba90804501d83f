using NeuroCore.Kernels.Parallel;

namespace NeuroCore.Kernels;

// The threaded overloads of the elementwise driver: the span is cut into fixed blocks of ThreadBlock elements that the
// threads claim in ascending order (FixedPartition.RunChunks). ThreadBlock is a multiple of every width's two-vector
// step, so each block but the last runs whole vectors only and the last ends with the same scalar tail as one call
// over the whole span: every element is computed exactly as the single-threaded call computes it, for any thread count.
public static partial class Elementwise
{
    /// <summary>Elements per unit of the thread split (64 KiB of floats).</summary>
    internal const int ThreadBlock = 16384;

    /// <summary>Below this many elements the threaded overloads run on the calling thread (a wake-up costs more).</summary>
    const long ThreadThreshold = 1L << 16;

    /// <summary>
    /// <see cref="Map{TOp}(ReadOnlySpan{float}, Span{float})"/> on up to <paramref name="threads"/> threads: effectively
    /// computes <c>y[i] = TOp.Invoke(x[i])</c>, bitwise what the single-threaded call gives, for any thread count
    /// (one thread below 65,536 elements). For the large activations of a training step, whose single-threaded pass
    /// would leave the other threads idle.
    /// </summary>
    /// <typeparam name="TOp">The operator, e.g. <see cref="ReluOp"/>.</typeparam>
    /// <param name="x">The input.</param>
    /// <param name="y">The destination (may be <paramref name="x"/> itself); at least as long as <paramref name="x"/>.</param>
    /// <param name="threads">Threads to use, 1 to <see cref="FixedPartition.MaxThreads"/>.</param>
    /// <exception cref="ArgumentException">The destination is too short or overlaps the input partially.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is out of range.</exception>
    public static void Map<TOp>(ReadOnlySpan<float> x, Span<float> y, int threads) where TOp : struct, IUnaryOp =>
        Map<TOp>(x, y, threads, ThreadThreshold);

    /// <summary>The threaded map with an explicit size below which one thread is used; tests pass 0.</summary>
    internal static unsafe void Map<TOp>(ReadOnlySpan<float> x, Span<float> y, int threads, long parallelThreshold) where TOp : struct, IUnaryOp
    {
        CheckThreads(threads, "Elementwise.Map");
        if (threads == 1 || x.Length < parallelThreshold || x.Length <= ThreadBlock)
        {
            Map<TOp>(x, y);
            return;
        }
        if (y.Length < x.Length) Throw.DestinationTooShort(nameof(y));
        CheckOverlap(x, y);
        fixed (float* px = x, py = y)
        {
            var job = new MapJob<TOp> { X = px, Y = py, Length = x.Length };
            int blocks = Blocks(x.Length);
            FixedPartition.RunChunks(blocks, blocks, threads, in job);
        }
    }

    /// <summary>
    /// <see cref="Zip{TOp}(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> on up to
    /// <paramref name="threads"/> threads: effectively computes <c>z[i] = TOp.Invoke(x[i], y[i])</c>, bitwise what the
    /// single-threaded call gives, for any thread count (one thread below 65,536 elements).
    /// </summary>
    /// <typeparam name="TOp">The operator, e.g. <see cref="ReluBackwardOp"/>.</typeparam>
    /// <param name="x">The first operand.</param>
    /// <param name="y">The second operand; same length as <paramref name="x"/>.</param>
    /// <param name="z">The destination (may be <paramref name="x"/> or <paramref name="y"/>); at least as long as <paramref name="x"/>.</param>
    /// <param name="threads">Threads to use, 1 to <see cref="FixedPartition.MaxThreads"/>.</param>
    /// <exception cref="ArgumentException">Operand lengths differ, the destination is too short, or a partial overlap.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is out of range.</exception>
    public static void Zip<TOp>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> z, int threads) where TOp : struct, IBinaryOp =>
        Zip<TOp>(x, y, z, threads, ThreadThreshold);

    /// <summary>The threaded zip with an explicit size below which one thread is used; tests pass 0.</summary>
    internal static unsafe void Zip<TOp>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> z, int threads, long parallelThreshold)
        where TOp : struct, IBinaryOp
    {
        CheckThreads(threads, "Elementwise.Zip");
        if (threads == 1 || x.Length < parallelThreshold || x.Length <= ThreadBlock)
        {
            Zip<TOp>(x, y, z);
            return;
        }
        if (y.Length != x.Length) Throw.LengthMismatch("Elementwise.Zip: operand y must match x", x.Length, y.Length);
        if (z.Length < x.Length) Throw.DestinationTooShort(nameof(z));
        CheckOverlap(x, z);
        CheckOverlap(y, z);
        fixed (float* px = x, py = y, pz = z)
        {
            var job = new ZipJob<TOp> { X = px, Y = py, Z = pz, Length = x.Length };
            int blocks = Blocks(x.Length);
            FixedPartition.RunChunks(blocks, blocks, threads, in job);
        }
    }

    /// <summary>
    /// Sets every element of <paramref name="y"/> to <paramref name="value"/> on up to <paramref name="threads"/>
    /// threads (one thread below 65,536 elements): the seed of a gradient such as dL/dx = 1 for every x of a sum.
    /// </summary>
    /// <param name="y">The destination.</param>
    /// <param name="value">The value written.</param>
    /// <param name="threads">Threads to use, 1 to <see cref="FixedPartition.MaxThreads"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is out of range.</exception>
    public static void Fill(Span<float> y, float value, int threads) => Fill(y, value, threads, ThreadThreshold);

    /// <summary>The threaded fill with an explicit size below which one thread is used; tests pass 0.</summary>
    internal static unsafe void Fill(Span<float> y, float value, int threads, long parallelThreshold)
    {
        CheckThreads(threads, "Elementwise.Fill");
        if (threads == 1 || y.Length < parallelThreshold || y.Length <= ThreadBlock)
        {
            y.Fill(value);
            return;
        }
        fixed (float* py = y)
        {
            var job = new FillJob { Y = py, Length = y.Length, Value = value };
            int blocks = Blocks(y.Length);
            FixedPartition.RunChunks(blocks, blocks, threads, in job);
        }
    }

    static int Blocks(int length) => (int)(((long)length + ThreadBlock - 1) / ThreadBlock);

    static void CheckThreads(int threads, string op)
    {
        if (threads < 1 || threads > FixedPartition.MaxThreads)
            Throw.OutOfRange(nameof(threads), $"{op}: threads must be between 1 and {FixedPartition.MaxThreads}, got {threads}.");
    }

    /// <summary>Elements [first, end) of blocks [start, limit), clipped to the span's length.</summary>
    static (int First, int Count) Range(int start, int limit, int length)
    {
        long first = (long)start * ThreadBlock, end = Math.Min((long)limit * ThreadBlock, length);
        return ((int)first, (int)(end - first));
    }

    unsafe struct MapJob<TOp> : IWorkerRangeBody where TOp : struct, IUnaryOp
    {
        public float* X, Y;
        public int Length;

        public readonly void Invoke(int worker, int start, int limit)
        {
            var (first, count) = Range(start, limit, Length);
            Map<TOp>(new ReadOnlySpan<float>(X + first, count), new Span<float>(Y + first, count));
        }
    }

    unsafe struct ZipJob<TOp> : IWorkerRangeBody where TOp : struct, IBinaryOp
    {
        public float* X, Y, Z;
        public int Length;

        public readonly void Invoke(int worker, int start, int limit)
        {
            var (first, count) = Range(start, limit, Length);
            Zip<TOp>(new ReadOnlySpan<float>(X + first, count), new ReadOnlySpan<float>(Y + first, count), new Span<float>(Z + first, count));
        }
    }

    unsafe struct FillJob : IWorkerRangeBody
    {
        public float* Y;
        public int Length;
        public float Value;

        public readonly void Invoke(int worker, int start, int limit)
        {
            var (first, count) = Range(start, limit, Length);
            new Span<float>(Y + first, count).Fill(Value);
        }
    }
}
