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

    [Fact]
    public void Run_BadArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FixedPartition.Run(-1, 1, new ThrowingBody()));
        Assert.Throws<ArgumentOutOfRangeException>(() => FixedPartition.Run(1, 0, new ThrowingBody()));
        Assert.Throws<ArgumentOutOfRangeException>(() => FixedPartition.Run(1, FixedPartition.MaxThreads + 1, new ThrowingBody()));
    }
}
