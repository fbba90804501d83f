namespace NeuroCore.Backends;

/// <summary>A <see cref="CpuBackend"/> buffer: a plain managed array.</summary>
public sealed class CpuBuffer : DeviceBuffer
{
    float[] _array;

    internal CpuBuffer(CpuBackend backend, int length) : base(backend, length) => _array = length == 0 ? [] : new float[length];

    /// <summary>The elements (host memory, so no copy is needed on the CPU).</summary>
    public Span<float> Span
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            return _array.AsSpan(0, Length);
        }
    }

    /// <inheritdoc/>
    protected override void Release() => _array = [];
}
