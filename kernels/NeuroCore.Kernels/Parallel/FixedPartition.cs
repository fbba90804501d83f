using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace NeuroCore.Kernels.Parallel;

/// <summary>
/// A tiny persistent worker pool that runs a struct body over a fixed split of a range.
/// <para>
/// <see cref="Run{TBody}"/> cuts [0, count) into <c>threads</c> contiguous chunks, chunk t being
/// [count·t/threads, count·(t+1)/threads); the calling thread runs chunk 0 and persistent background workers run the
/// others. The split is a pure function of (count, threads), so a body that writes disjoint outputs per item and
/// computes each item the same way gives bitwise identical results for any thread count (DESIGN.md decision 7).
/// </para>
/// <para>
/// No allocation per call: the body stays on the caller's stack and the workers reach it through a pointer and a
/// function pointer to a generic trampoline (no delegates, no closures, no reflection, so NativeAOT-safe). Workers are
/// created lazily, once, the first time a thread count needs them. When the pool is already busy (a concurrent or
/// nested call) the call runs all its chunks on the calling thread, in order, which yields the same results.
/// </para>
/// </summary>
public static unsafe class FixedPartition
{
    /// <summary>The most threads a call may ask for.</summary>
    public const int MaxThreads = 256;

    static readonly Lock s_growLock = new();
    static Worker[] s_workers = [];
    static int s_busy;

    // The current job, written by the caller before it signals the workers.
    static void* s_body;
    static delegate*<void*, int, int, void> s_invoke;
    static int s_count;
    static int s_threads;
    static int s_pending;
    static ExceptionDispatchInfo? s_error;
    // Released once per job by the last worker. A SemaphoreSlim creates its lock object up front, whereas a
    // ManualResetEventSlim allocates one the first time a wait blocks, which would break "no allocation per call".
    static readonly SemaphoreSlim s_done = new(0);

    /// <summary>
    /// Runs <paramref name="body"/> over [0, <paramref name="count"/>) split into <paramref name="threads"/> fixed
    /// contiguous chunks (fewer when <paramref name="count"/> is smaller), and returns when every chunk is done.
    /// Effectively computes <c>for t in 0..threads-1: body.Invoke(count·t/threads, count·(t+1)/threads)</c>.
    /// The first exception thrown by any chunk is rethrown on the caller after all chunks have finished.
    /// </summary>
    /// <typeparam name="TBody">The work, a struct implementing <see cref="IRangeBody"/>.</typeparam>
    /// <param name="count">Number of items, at least 0.</param>
    /// <param name="threads">Number of chunks and threads, 1 to <see cref="MaxThreads"/>.</param>
    /// <param name="body">The work; chunks run on copies that share its fields.</param>
    public static void Run<TBody>(int count, int threads, in TBody body) where TBody : struct, IRangeBody
    {
        if (count < 0) Throw.OutOfRange(nameof(count), $"FixedPartition.Run: count must be non-negative, got {count}.");
        if (threads < 1 || threads > MaxThreads)
            Throw.OutOfRange(nameof(threads), $"FixedPartition.Run: threads must be between 1 and {MaxThreads}, got {threads}.");
        int chunks = Math.Min(threads, count);
        if (chunks == 0) return;
        TBody local = body;
        // Workers are created before the busy check, so the first call with a thread count allocates them even when
        // it has to run inline, and every later call allocates nothing.
        if (chunks > 1) EnsureWorkers(chunks - 1);
        if (chunks == 1 || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            // Single chunk, or the pool is in use (nested/concurrent call): same split, run in order here.
            for (int t = 0; t < chunks; t++) local.Invoke(ChunkStart(count, chunks, t), ChunkStart(count, chunks, t + 1));
            return;
        }
        try
        {
            s_body = Unsafe.AsPointer(ref local);
            s_invoke = &Trampoline<TBody>;
            s_count = count;
            s_threads = chunks;
            s_error = null;
            Volatile.Write(ref s_pending, chunks - 1);
            Worker[] workers = s_workers;
            for (int w = 0; w < chunks - 1; w++) workers[w].Start();
            try
            {
                local.Invoke(0, ChunkStart(count, chunks, 1));
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref s_error, ExceptionDispatchInfo.Capture(e), null);
            }
            // The body lives on this stack frame: never return before every worker is done with it.
            s_done.Wait();
            s_body = null;
            ExceptionDispatchInfo? error = s_error;
            s_error = null;
            error?.Throw();
        }
        finally
        {
            Volatile.Write(ref s_busy, 0);
        }
    }

    /// <summary>Start of chunk <paramref name="t"/> of <paramref name="chunks"/> over [0, count).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ChunkStart(int count, int chunks, int t) => (int)((long)count * t / chunks);

    static void Trampoline<TBody>(void* body, int start, int end) where TBody : struct, IRangeBody =>
        Unsafe.AsRef<TBody>(body).Invoke(start, end);

    static void EnsureWorkers(int needed)
    {
        if (s_workers.Length >= needed) return;
        lock (s_growLock)
        {
            if (s_workers.Length >= needed) return;
            var grown = new Worker[needed];
            Array.Copy(s_workers, grown, s_workers.Length);
            for (int w = s_workers.Length; w < needed; w++) grown[w] = new Worker(w + 1);
            s_workers = grown;
        }
    }

    /// <summary>Runs the current job's chunk for one worker and signals the caller when the last one finishes.</summary>
    static void RunChunk(int chunk)
    {
        try
        {
            s_invoke(s_body, ChunkStart(s_count, s_threads, chunk), ChunkStart(s_count, s_threads, chunk + 1));
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref s_error, ExceptionDispatchInfo.Capture(e), null);
        }
        if (Interlocked.Decrement(ref s_pending) == 0) s_done.Release();
    }

    /// <summary>One persistent background thread that runs chunk <c>Chunk</c> of each job it is started for.</summary>
    // The workers and their semaphores live as long as the process, so there is nothing to dispose.
#pragma warning disable CA1001
    sealed class Worker
    {
        readonly int _chunk;
        readonly SemaphoreSlim _go = new(0);

        public Worker(int chunk)
        {
            _chunk = chunk;
            var thread = new Thread(Loop, maxStackSize: 1 << 20) { IsBackground = true, Name = $"NeuroCore worker {chunk}" };
            thread.Start();
        }

        public void Start() => _go.Release();

        void Loop()
        {
            while (true)
            {
                _go.Wait();
                RunChunk(_chunk);
            }
        }
    }
#pragma warning restore CA1001
}
