namespace NeuroCore.Backends;

/// <summary>
/// A float32 buffer owned by a backend (host memory for <see cref="CpuBackend"/>, device memory for a GPU backend).
/// Move data in and out with <see cref="IBackend.CopyFromHost"/> and <see cref="IBackend.CopyToHost"/>.
/// </summary>
public abstract class DeviceBuffer : IDisposable
{
    /// <summary>Creates a buffer of <paramref name="length"/> elements owned by <paramref name="backend"/>.</summary>
    protected DeviceBuffer(IBackend backend, int length)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Backend = backend;
        Length = length;
    }

    /// <summary>The backend that owns this buffer; only it may use the buffer.</summary>
    public IBackend Backend { get; }

    /// <summary>The number of float32 elements.</summary>
    public int Length { get; }

    /// <summary>True once disposed.</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>Releases the buffer's memory.</summary>
    public void Dispose()
    {
        if (IsDisposed) return;
        IsDisposed = true;
        Release();
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees backend memory (called once, from <see cref="Dispose"/>).</summary>
    protected abstract void Release();
}
