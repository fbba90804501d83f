using FsCheck.Xunit;
using NeuroCore.Kernels.Parallel;
using Xunit;

namespace NeuroCore.Kernels.Tests;

public class FixedPartitionTests
{
    /// <summary>Records, for every item, which chunk start covered it (and counts visits).</summary>
    struct RecordBody : IRangeBody
    {
        public int[] Owner;
        public int[] Visits;

        public readonly void Invoke(int start, int limit)
        {
            for (int i = start; i < limit; i++)
            {
                Owner[i] = start;
                Interlocked.Increment(ref Visits[i]);
            }
        }
    }

    [Property(MaxTest = 200)]
    public void Run_AnyCountAndThreads_CoversEachItemOnceWithTheFixedSplit(ushort countRaw, byte threadsRaw)
    {
        int count = countRaw % 2000, threads = 1 + threadsRaw % 8;
        int[] owner = new int[count + 1], visits = new int[count + 1];
        FixedPartition.Run(count, threads, new RecordBody { Owner = owner, Visits = visits });
        int chunks = Math.Min(threads, count);
        for (int t = 0; t < chunks; t++)
        {
            int start = FixedPartition.ChunkStart(count, chunks, t), limit = FixedPartition.ChunkStart(count, chunks, t + 1);
            Assert.Equal((long)count * t / chunks, start);
            for (int i = start; i < limit; i++)
            {
                Assert.Equal(1, visits[i]);
                Assert.Equal(start, owner[i]);
            }
        }
        Assert.Equal(0, visits[count]);
    }

    struct ThrowingBody : IRangeBody
    {
        public readonly void Invoke(int start, int limit)
        {
            if (start > 0) throw new InvalidOperationException($"chunk {start}");
        }
    }

    [Fact]
    public void Run_WorkerThrows_RethrowsOnCallerAndStaysUsable()
    {
        var e = Assert.Throws<InvalidOperationException>(() => FixedPartition.Run(10, 2, new ThrowingBody()));
        Assert.Equal("chunk 5", e.Message);
        Run_AnyCountAndThreads_CoversEachItemOnceWithTheFixedSplit(100, 1);
    }

    /// <summary>A body that itself calls <see cref="FixedPartition.Run"/>: the nested call must run inline.</summary>
    struct NestedBody : IRangeBody
    {
        public int[] Visits;

        public readonly void Invoke(int start, int limit) =>
            FixedPartition.Run(limit - start, 2, new OffsetBody { Visits = Visits, Offset = start });
    }

    struct OffsetBody : IRangeBody
    {
        public int[] Visits;
        public int Offset;

        public readonly void Invoke(int start, int limit)
        {
            for (int i = start; i < limit; i++) Interlocked.Increment(ref Visits[Offset + i]);
        }
    }

    [Fact]
    public void Run_NestedAndConcurrentCalls_CompleteEveryItemOnce()
    {
        int[] visits = new int[1000];
        FixedPartition.Run(1000, 2, new NestedBody { Visits = visits });
        Assert.All(visits, v => Assert.Equal(1, v));

        int[][] perThread = [new int[5000], new int[5000], new int[5000], new int[5000]];
        System.Threading.Tasks.Parallel.For(0, perThread.Length, t =>
        {
            for (int rep = 0; rep < 50; rep++)
                FixedPartition.Run(5000, 2, new OffsetBody { Visits = perThread[t] });
        });
        foreach (int[] v in perThread) Assert.All(v, x => Assert.Equal(50, x));
    }

    /// <summary>Records the chunk start and the worker of every item, and checks no worker runs two chunks at once.</summary>
    struct WorkerRecordBody : IWorkerRangeBody
    {
        public int[] Owner, Visits, Worker, Busy;
        public int Spin;

        public readonly void Invoke(int worker, int start, int limit)
        {
            if (Interlocked.Increment(ref Busy[worker]) != 1) throw new InvalidOperationException($"worker {worker} runs two chunks at once");
            for (int i = start; i < limit; i++)
            {
                Owner[i] = start;
                Worker[i] = worker;
                Interlocked.Increment(ref Visits[i]);
                Thread.SpinWait(Spin);
            }
            Interlocked.Decrement(ref Busy[worker]);
        }
    }

    [Property(MaxTest = 200)]
    public void RunChunks_AnyCountChunksAndThreads_CoversEachItemOnceInTheFixedChunksOnValidWorkers(ushort countRaw, byte chunksRaw, byte threadsRaw)
    {
        int count = countRaw % 2000, chunks = 1 + chunksRaw % 40, threads = 1 + threadsRaw % 6;
        int[] owner = new int[count + 1], visits = new int[count + 1], worker = new int[count + 1];
        FixedPartition.RunChunks(count, chunks, threads,
            new WorkerRecordBody { Owner = owner, Visits = visits, Worker = worker, Busy = new int[threads], Spin = 20 });
        int used = Math.Min(chunks, count);
        for (int c = 0; c < used; c++)
        {
            int start = FixedPartition.ChunkStart(count, used, c), limit = FixedPartition.ChunkStart(count, used, c + 1);
            for (int i = start; i < limit; i++)
            {
                Assert.Equal(1, visits[i]);
                Assert.Equal(start, owner[i]);
                Assert.InRange(worker[i], 0, threads - 1);
                Assert.Equal(worker[start], worker[i]);
            }
        }
        Assert.Equal(0, visits[count]);
    }

    /// <summary>Per-chunk partial sums in a per-worker scratch slot, written to the chunk's own partial.</summary>
    struct PartialSumBody : IWorkerRangeBody
    {
        public float[] Values, Scratch, Partials;
        public int Chunks, Count;

        public readonly void Invoke(int worker, int start, int limit)
        {
            for (int c = 0; c < Chunks; c++)
                if (FixedPartition.ChunkStart(Count, Chunks, c) == start)
                {
                    Scratch[worker] = 0f;
                    for (int i = start; i < limit; i++) Scratch[worker] += Values[i];
                    Partials[c] = Scratch[worker];
                }
        }
    }

    [Fact]
    public void RunChunks_PartialsReducedInChunkOrder_BitwiseEqualForAnyThreadCount()
    {
        var rng = new Random(3);
        var values = new float[10007];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(rng.NextDouble() * 1e3 - 5e2);
        float Sum(int threads)
        {
            var partials = new float[64];
            FixedPartition.RunChunks(values.Length, 64, threads,
                new PartialSumBody { Values = values, Scratch = new float[threads], Partials = partials, Chunks = 64, Count = values.Length });
            float total = 0f;
            foreach (float x in partials) total += x;
            return total;
        }
        float one = Sum(1);
        for (int threads = 2; threads <= 5; threads++)
            for (int rep = 0; rep < 20; rep++) Assert.Equal(one, Sum(threads));
    }

    /// <summary>A body whose chunk 0 is slow: the other threads must take the remaining chunks meanwhile.</summary>
    struct SlowFirstChunkBody : IWorkerRangeBody
    {
        public int[] Worker;

        public readonly void Invoke(int worker, int start, int limit)
        {
            if (start == 0) Thread.Sleep(200);
            for (int i = start; i < limit; i++) Worker[i] = worker;
        }
    }

    [Fact]
    public void RunChunks_OneThreadDelayed_TheOthersTakeItsShare()
    {
        // Whichever thread claims chunk 0 sleeps in it; a static split would leave that thread half the chunks, here the
        // other thread takes all the rest.
        var worker = new int[16];
        FixedPartition.RunChunks(16, 16, 2, new SlowFirstChunkBody { Worker = worker });
        int other = 1 - worker[0];
        Assert.All(worker[1..], w => Assert.Equal(other, w));
    }

    struct ThrowingWorkerBody : IWorkerRangeBody
    {
        public readonly void Invoke(int worker, int start, int limit)
        {
            if (start == 7) throw new InvalidOperationException($"chunk {start}");
        }
    }

    [Fact]
    public void RunChunks_ChunkThrows_RethrowsOnCallerAndStaysUsable()
    {
        var e = Assert.Throws<InvalidOperationException>(() => FixedPartition.RunChunks(10, 10, 3, new ThrowingWorkerBody()));
        Assert.Equal("chunk 7", e.Message);
        RunChunks_AnyCountChunksAndThreads_CoversEachItemOnceInTheFixedChunksOnValidWorkers(500, 7, 3);
    }

    [Fact]
    public void RunChunks_SteadyState_AllocatesNothing()
    {
        int[] owner = new int[1000], visits = new int[1000], worker = new int[1000], busy = new int[2];
        var body = new WorkerRecordBody { Owner = owner, Visits = visits, Worker = worker, Busy = busy };
        LifTests.AssertSteadyStateAllocatesNothing(() => FixedPartition.RunChunks(1000, 16, 2, body), "FixedPartition.RunChunks at 2 threads");
    }

    [Fact]
    public void Run_ShortCallsBetweenIdleGaps_CorrectAndAllocationFree()
    {
        // Gaps from none to 1 ms: workers caught busy, about to park and parked.
        long step = System.Diagnostics.Stopwatch.Frequency / 20_000; // 50 µs
        long[] gaps = [0, step / 4, step * 2, step * 20];
        int[] owner = new int[64], visits = new int[64];
        var body = new RecordBody { Owner = owner, Visits = visits };
        for (int call = 0; call < 400; call++)
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            while (System.Diagnostics.Stopwatch.GetTimestamp() - start < gaps[call % gaps.Length]) Thread.SpinWait(10);
            int count = 1 + call % 64;
            Array.Clear(visits);
            FixedPartition.Run(count, 2, body);
            for (int i = 0; i < visits.Length; i++) Assert.Equal(i < count ? 1 : 0, visits[i]);
        }
        LifTests.AssertSteadyStateAllocatesNothing(() =>
        {
            for (int call = 0; call < 50; call++) FixedPartition.Run(64, 2, body);
        }, "short FixedPartition.Run calls at 2 threads");
    }

    [Fact]
    public void RunChunks_BadArguments_Throw()
    {
        var body = new WorkerRecordBody();
        Assert.Throws<ArgumentOutOfRangeException>(() => FixedPartition.RunChunks(-1, 1, 1, body));
        Assert.Throws<ArgumentOutOfRangeException>(() => FixedPartition.RunChunks(1, 0, 1, body));
        Assert.Throws<ArgumentOutOfRangeException>(() => FixedPartition.RunChunks(1, 1, 0, body));
        Assert.Throws<ArgumentOutOfRangeException>(() => FixedPartition.RunChunks(1, 1, FixedPartition.MaxThreads + 1, body));
    }

    [Fact]
    public void Run_BadArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FixedPartition.Run(-1, 1, new ThrowingBody()));
        Assert.Throws<ArgumentOutOfRangeException>(() => FixedPartition.Run(1, 0, new ThrowingBody()));
        Assert.Throws<ArgumentOutOfRangeException>(() => FixedPartition.Run(1, FixedPartition.MaxThreads + 1, new ThrowingBody()));
    }
}
