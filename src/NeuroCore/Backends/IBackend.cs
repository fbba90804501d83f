namespace NeuroCore.Backends;

/// <summary>
/// The seam between the engine and a compute device: a closed set of primitive operations over
/// <see cref="DeviceBuffer"/>s, each selected by an enum (no generic virtual methods, so every instantiation is
/// visible to the AOT compiler). <see cref="CpuBackend"/> is the default and the reference; a device backend
/// implements what it can and reports the rest through <see cref="Supports"/> so callers fall back to the CPU.
/// Lengths are checked; a buffer from another backend is rejected.
/// </summary>
public interface IBackend
{
    /// <summary>A short name for logs ("cpu", "opencl:...").</summary>
    string Name { get; }

    /// <summary>True when this backend implements <paramref name="op"/>.</summary>
    bool Supports(OpKind op);

    /// <summary>Allocates a zero-filled buffer of <paramref name="length"/> elements.</summary>
    DeviceBuffer Allocate(int length);

    /// <summary>Copies <paramref name="source"/> into the start of <paramref name="destination"/>.</summary>
    void CopyFromHost(ReadOnlySpan<float> source, DeviceBuffer destination);

    /// <summary>Copies the first <c>destination.Length</c> elements of <paramref name="source"/> to the host.</summary>
    void CopyToHost(DeviceBuffer source, Span<float> destination);

    /// <summary><c>y[i] = op(x[i])</c> for the first <c>x.Length</c> elements (y may be x).</summary>
    void Map(UnaryOp op, DeviceBuffer x, DeviceBuffer y);

    /// <summary><c>z[i] = op(x[i], y[i])</c> for the first <c>x.Length</c> elements (z may alias x or y).</summary>
    void Zip(BinaryOp op, DeviceBuffer x, DeviceBuffer y, DeviceBuffer z);

    /// <summary>SGEMM: <c>C = α·op(A)·op(B) + β·C</c>, row-major, as described by <paramref name="args"/>.</summary>
    void MatMul(in GemmArgs args, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c);

    /// <summary>Reduces the row-major [<paramref name="rows"/>, <paramref name="cols"/>] matrix <paramref name="x"/> into <paramref name="destination"/> (overwritten).</summary>
    void Reduce(ReduceOp op, DeviceBuffer x, int rows, int cols, DeviceBuffer destination);

    /// <summary>Row-wise softmax (or log-softmax when <paramref name="log"/>) of a [rows, cols] matrix.</summary>
    void Softmax(bool log, DeviceBuffer x, int rows, int cols, DeviceBuffer y);

    /// <summary>Unfolds one image's windows into columns [C·kH·kW, outH·outW] (overwritten).</summary>
    void Im2Col(in ConvGeometry geometry, DeviceBuffer image, DeviceBuffer columns);

    /// <summary>Folds columns back into one image, adding into <paramref name="image"/>.</summary>
    void Col2Im(in ConvGeometry geometry, DeviceBuffer columns, DeviceBuffer image);

    /// <summary>
    /// One fused optimizer update over flat parameters <paramref name="p"/> and gradients <paramref name="g"/>, with
    /// state buffers <paramref name="state1"/> (SGD velocity or Adam m) and <paramref name="state2"/> (Adam v; SGD ignores it).
    /// </summary>
    void OptimizerStep(in OptimizerStepArgs args, DeviceBuffer p, DeviceBuffer g, DeviceBuffer state1, DeviceBuffer? state2);
}
