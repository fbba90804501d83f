namespace NeuroCore.Bench.Peers;

/// <summary>
/// A fixed team of threads for the physical-limit probes: the calling thread is member 0, the others are persistent
/// background threads. <see cref="Run"/> releases every member at one barrier and returns when the last one has
/// finished, so a timed call measures the wall time from a common start until all are done (WORKLOADS.md P1/P2).
/// </summary>
internal sealed class Gang : IDisposable
{
    readonly Barrier _start, _end;
    readonly Thread[] _workers;
    Action<int>? _body;
    volatile bool _stop;

    public Gang(int threads)
    {
        if (threads < 1) throw new InvalidOperationException($"Gang: threads must be >= 1 (got {threads}).");
        Size = threads;
        _start = new Barrier(threads);
        _end = new Barrier(threads);
        _workers = new Thread[threads - 1];
        for (int i = 0; i < _workers.Length; i++)
        {
            int index = i + 1;
            _workers[i] = new Thread(() => Loop(index)) { IsBackground = true, Name = $"gang-{index}" };
            _workers[i].Start();
        }
    }

    /// <summary>Members of the team, the calling thread included.</summary>
    public int Size { get; }

    /// <summary>Runs <paramref name="body"/>(member index) on every member at once and waits for all of them.</summary>
    public void Run(Action<int> body)
    {
        _body = body;
        _start.SignalAndWait();
        body(0);
        _end.SignalAndWait();
    }

    void Loop(int index)
    {
        while (true)
        {
            _start.SignalAndWait();
            if (_stop) return;
            _body!(index);
            _end.SignalAndWait();
        }
    }

    public void Dispose()
    {
        _stop = true;
        if (_workers.Length > 0) _start.SignalAndWait();
        foreach (var w in _workers) w.Join();
        _start.Dispose();
        _end.Dispose();
    }
}
