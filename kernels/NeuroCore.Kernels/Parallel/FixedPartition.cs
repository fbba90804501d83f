using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace NeuroCore.Kernels.Parallel;

/// <summary>
/// A tiny persistent worker pool that runs a struct body over a fixed split of a range.
/// <para>
/// <see cref="Run{TBody}"/> cuts [0, count) into <c>threads</c> contiguous chunks, chunk c being
/// [count·c/threads, count·(c+1)/threads); <see cref="RunChunks{TBody}"/> cuts it into a given number of chunks,
/// usually more than the threads. The chunks are a pure function of the count and the chunk count, so a body that
/// writes disjoint outputs per item and computes each item the same way gives bitwise identical results for any
/// thread count (DESIGN.md decision 7). Which thread runs which chunk is not fixed: the calling thread and the
/// persistent background workers claim chunks in ascending order from a shared counter until none is left, so a thread
/// that is delayed (descheduled by another process, or slow to wake) leaves its chunks to the others instead of
/// stalling the call. A worker that wakes after every chunk is claimed does nothing, and the call does not wait for it.
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

    /// <summary>Set in <see cref="s_state"/> once the caller has finished claiming: no worker may join after it.</summary>
    const int Closed = 1 << 30;

    static readonly Lock s_growLock = new();
    static Worker[] s_workers = [];
    static int s_busy;

    // The current job, written by the caller before it opens the job (s_state = 0) and signals the workers.
    static void* s_body;
    static delegate*<void*, int, int, int, void> s_invoke;
    static int s_count;
    static int s_chunks;
    static int s_threads;
    // The next chunk to claim (claimed by Interlocked.Increment, so each chunk runs exactly once).
    static int s_next;
    // Workers inside the current job (low bits) and the Closed flag; Closed between jobs.
    static int s_state = Closed;
    static ExceptionDispatchInfo? s_error;
    // Released once per job by the last worker to leave a closed job. A SemaphoreSlim creates its lock object up front,
    // whereas a ManualResetEventSlim allocates one the first time a wait blocks, which would break "no allocation per call".
    static readonly SemaphoreSlim s_done = new(0);

    /// <summary>
    /// Runs <paramref name="body"/> over [0, <paramref name="count"/>) split into <paramref name="threads"/> fixed
    /// contiguous chunks (fewer when <paramref name="count"/> is smaller), on up to that many threads, and returns when
    /// every chunk is done. Effectively computes
    /// <c>for c in 0..threads-1: body.Invoke(count·c/threads, count·(c+1)/threads)</c>, the chunks in any order and
    /// concurrently. The first exception thrown by any chunk is rethrown on the caller after all chunks have finished.
    /// </summary>
    /// <typeparam name="TBody">The work, a struct implementing <see cref="IRangeBody"/>.</typeparam>
    /// <param name="count">Number of items, at least 0.</param>
    /// <param name="threads">Number of chunks and threads, 1 to <see cref="MaxThreads"/>.</param>
    /// <param name="body">The work; chunks run on copies that share its fields.</param>
    public static void Run<TBody>(int count, int threads, in TBody body) where TBody : struct, IRangeBody
    {
        CheckCount(count, "FixedPartition.Run");
        CheckThreads(threads, "FixedPartition.Run");
        int chunks = Math.Min(threads, count);
        if (chunks == 0) return;
        TBody local = body;
        Execute(count, chunks, chunks, Unsafe.AsPointer(ref local), &RangeTrampoline<TBody>);
    }

    /// <summary>
    /// Runs <paramref name="body"/> over [0, <paramref name="count"/>) cut into <paramref name="chunks"/> fixed
    /// contiguous chunks (fewer when <paramref name="count"/> is smaller), chunk c being
    /// [count·c/chunks, count·(c+1)/chunks), on up to <paramref name="threads"/> threads that claim the chunks in
    /// ascending order as they become free; returns when every chunk is done. Each chunk is told the index of the thread
    /// running it (0 = the caller), so per-thread scratch needs <paramref name="threads"/> slots however many chunks
    /// there are. The chunks do not depend on <paramref name="threads"/>, so a body that computes each chunk the same
    /// way gives bitwise identical results for any thread count, including per-chunk partial sums reduced afterwards in
    /// chunk order. The first exception thrown by any chunk is rethrown on the caller after all chunks have finished.
    /// </summary>
    /// <typeparam name="TBody">The work, a struct implementing <see cref="IWorkerRangeBody"/>.</typeparam>
    /// <param name="count">Number of items, at least 0.</param>
    /// <param name="chunks">Number of chunks, at least 1: more chunks than threads balance the load when a thread is
    /// delayed, at the cost of a claim (an atomic increment) and the body's per-chunk overhead each.</param>
    /// <param name="threads">Most threads to use, 1 to <see cref="MaxThreads"/>.</param>
    /// <param name="body">The work; chunks run on copies that share its fields.</param>
    public static void RunChunks<TBody>(int count, int chunks, int threads, in TBody body) where TBody : struct, IWorkerRangeBody
    {
        CheckCount(count, "FixedPartition.RunChunks");
        if (chunks < 1) Throw.OutOfRange(nameof(chunks), $"FixedPartition.RunChunks: chunks must be at least 1, got {chunks}.");
        CheckThreads(threads, "FixedPartition.RunChunks");
        chunks = Math.Min(chunks, count);
        if (chunks == 0) return;
        TBody local = body;
        Execute(count, chunks, Math.Min(threads, chunks), Unsafe.AsPointer(ref local), &WorkerTrampoline<TBody>);
    }

    /// <summary>Start of chunk <paramref name="t"/> of <paramref name="chunks"/> over [0, count).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ChunkStart(int count, int chunks, int t) => (int)((long)count * t / chunks);

    static void CheckCount(int count, string op)
    {
        if (count < 0) Throw.OutOfRange(nameof(count), $"{op}: count must be non-negative, got {count}.");
    }

    static void CheckThreads(int threads, string op)
    {
        if (threads < 1 || threads > MaxThreads)
            Throw.OutOfRange(nameof(threads), $"{op}: threads must be between 1 and {MaxThreads}, got {threads}.");
    }

    /// <summary>Runs the chunks of one call; <paramref name="body"/> lives on the caller's stack frame.</summary>
    static void Execute(int count, int chunks, int threads, void* body, delegate*<void*, int, int, int, void> invoke)
    {
        // Workers are created before the busy check, so the first call with a thread count allocates them even when
        // it has to run inline, and every later call allocates nothing.
        if (threads > 1) EnsureWorkers(threads - 1);
        if (threads == 1 || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            // One thread, or the pool is in use (nested/concurrent call): same chunks, run in order here.
            for (int c = 0; c < chunks; c++) invoke(body, 0, ChunkStart(count, chunks, c), ChunkStart(count, chunks, c + 1));
            return;
        }
        try
        {
            s_body = body;
            s_invoke = invoke;
            s_count = count;
            s_chunks = chunks;
            s_threads = threads;
            s_error = null;
            s_next = 0;
            // Opening the job publishes the fields above to any worker that joins it.
            Volatile.Write(ref s_state, 0);
            Worker[] workers = s_workers;
            for (int w = 0; w < threads - 1; w++) workers[w].Start();
            ClaimChunks(0);
            // No worker may join from now on; wait only for those inside the job (they may be running a chunk).
            if ((Interlocked.Or(ref s_state, Closed) & ~Closed) != 0) s_done.Wait();
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

    /// <summary>Claims and runs chunks of the current job until none is left; exceptions are kept for the caller.</summary>
    static void ClaimChunks(int worker)
    {
        void* body = s_body;
        var invoke = s_invoke;
        int count = s_count, chunks = s_chunks;
        int c;
        while ((c = Interlocked.Increment(ref s_next) - 1) < chunks)
        {
            try
            {
                invoke(body, worker, ChunkStart(count, chunks, c), ChunkStart(count, chunks, c + 1));
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref s_error, ExceptionDispatchInfo.Capture(e), null);
            }
        }
    }

    /// <summary>
    /// A woken worker joins the open job, if any and if its index is among the job's threads, claims chunks until none is
    /// left, and signals the caller when it is the last to leave a closed job. A worker woken late (its job already
    /// closed) touches nothing but <see cref="s_state"/>.
    /// </summary>
    static void Join(int worker)
    {
        int state;
        do
        {
            state = Volatile.Read(ref s_state);
            if ((state & Closed) != 0) return;
        }
        while (Interlocked.CompareExchange(ref s_state, state + 1, state) != state);
        // Joined: the job's fields are visible (written before the job was opened) and stay valid until we leave.
        if (worker < s_threads) ClaimChunks(worker);
        if (Interlocked.Decrement(ref s_state) == Closed) s_done.Release();
    }

    static void RangeTrampoline<TBody>(void* body, int worker, int start, int end) where TBody : struct, IRangeBody =>
        Unsafe.AsRef<TBody>(body).Invoke(start, end);

    static void WorkerTrampoline<TBody>(void* body, int worker, int start, int end) where TBody : struct, IWorkerRangeBody =>
        Unsafe.AsRef<TBody>(body).Invoke(worker, start, end);

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

    /// <summary>One persistent background thread, worker index <c>Index</c>, that joins each job it is started for.</summary>
    // The workers and their semaphores live as long as the process, so there is nothing to dispose.
#pragma warning disable CA1001
    sealed class Worker
    {
        readonly int _index;
        readonly SemaphoreSlim _go = new(0);

        public Worker(int index)
        {
            _index = index;
            var thread = new Thread(Loop, maxStackSize: 1 << 20) { IsBackground = true, Name = $"NeuroCore worker {index}" };
            thread.Start();
        }

        public void Start() => _go.Release();

        void Loop()
        {
            while (true)
            {
                _go.Wait();
                Join(_index);
            }
        }
    }
#pragma warning restore CA1001
}
