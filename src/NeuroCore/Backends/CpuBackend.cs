using NeuroCore.Kernels;

namespace NeuroCore.Backends;

/// <summary>
/// The default backend and the reference for all others: each operation switches its enum into the span kernels of
/// NeuroCore.Kernels (<c>Elementwise.Map&lt;ReluOp&gt;</c> and so on), so every generic instantiation is a closed,
/// AOT-visible call. Supports every <see cref="OpKind"/>.
/// </summary>
public sealed class CpuBackend : IBackend
{
    /// <summary>Creates the backend; <paramref name="threads"/> is passed to the multi-threaded kernels (GEMM).</summary>
    public CpuBackend(int threads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        Threads = threads;
    }

    /// <summary>Threads used by GEMM (results are bitwise identical for any count).</summary>
    public int Threads { get; }

    /// <inheritdoc/>
    public string Name => "cpu";

    /// <inheritdoc/>
    public bool Supports(OpKind op) => Enum.IsDefined(op);

    /// <inheritdoc/>
    public DeviceBuffer Allocate(int length) => new CpuBuffer(this, length);

    /// <inheritdoc/>
    public void CopyFromHost(ReadOnlySpan<float> source, DeviceBuffer destination)
    {
        var d = Own(destination, nameof(destination));
        Need(source.Length, d.Length, "CopyFromHost", nameof(destination));
        source.CopyTo(d);
    }

    /// <inheritdoc/>
    public void CopyToHost(DeviceBuffer source, Span<float> destination)
    {
        var s = Own(source, nameof(source));
        Need(destination.Length, s.Length, "CopyToHost", nameof(source));
        s[..destination.Length].CopyTo(destination);
    }

    /// <inheritdoc/>
    public void Map(UnaryOp op, DeviceBuffer x, DeviceBuffer y)
    {
        var xs = Own(x, nameof(x));
        var ys = Own(y, nameof(y));
        Need(xs.Length, ys.Length, "Map", nameof(y));
        switch (op)
        {
            case UnaryOp.Relu: Elementwise.Map<ReluOp>(xs, ys); break;
            case UnaryOp.Sigmoid: Elementwise.Map<SigmoidOp>(xs, ys); break;
            case UnaryOp.Tanh: Elementwise.Map<TanhOp>(xs, ys); break;
            case UnaryOp.Exp: Elementwise.Map<ExpOp>(xs, ys); break;
            case UnaryOp.Log: Elementwise.Map<LogOp>(xs, ys); break;
            default: throw new ArgumentOutOfRangeException(nameof(op), op, "CpuBackend.Map: unknown UnaryOp.");
        }
    }

    /// <inheritdoc/>
    public void Zip(BinaryOp op, DeviceBuffer x, DeviceBuffer y, DeviceBuffer z)
    {
        var xs = Own(x, nameof(x));
        var ys = Own(y, nameof(y));
        var zs = Own(z, nameof(z));
        Need(xs.Length, ys.Length, "Zip", nameof(y));
        Need(xs.Length, zs.Length, "Zip", nameof(z));
        ReadOnlySpan<float> a = xs[..xs.Length], b = ys[..xs.Length];
        Span<float> c = zs[..xs.Length];
        switch (op)
        {
            case BinaryOp.Add: Elementwise.Zip<AddOp>(a, b, c); break;
            case BinaryOp.Sub: Elementwise.Zip<SubOp>(a, b, c); break;
            case BinaryOp.Mul: Elementwise.Zip<MulOp>(a, b, c); break;
            case BinaryOp.Div: Elementwise.Zip<DivOp>(a, b, c); break;
            case BinaryOp.Max: Elementwise.Zip<MaxOp>(a, b, c); break;
            case BinaryOp.Min: Elementwise.Zip<MinOp>(a, b, c); break;
            case BinaryOp.ReluBackward: Elementwise.Zip<ReluBackwardOp>(a, b, c); break;
            case BinaryOp.SigmoidBackward: Elementwise.Zip<SigmoidBackwardOp>(a, b, c); break;
            case BinaryOp.TanhBackward: Elementwise.Zip<TanhBackwardOp>(a, b, c); break;
            default: throw new ArgumentOutOfRangeException(nameof(op), op, "CpuBackend.Zip: unknown BinaryOp.");
        }
    }

    /// <inheritdoc/>
    public void MatMul(in GemmArgs args, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c) =>
        Gemm.Sgemm(args.TransA, args.TransB, args.M, args.N, args.K, args.Alpha, Own(a, nameof(a)), args.Lda,
            Own(b, nameof(b)), args.Ldb, args.Beta, Own(c, nameof(c)), args.Ldc, Threads);

    /// <inheritdoc/>
    public void Reduce(ReduceOp op, DeviceBuffer x, int rows, int cols, DeviceBuffer destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        var xs = Own(x, nameof(x));
        var d = Own(destination, nameof(destination));
        long size = (long)rows * cols;
        if (size > xs.Length)
            throw new ArgumentException($"CpuBackend.Reduce: [{rows}, {cols}] needs {size} elements; x has {xs.Length}.", nameof(x));
        ReadOnlySpan<float> m = xs[..(int)size];
        switch (op)
        {
            case ReduceOp.SumRows: Need(rows, d.Length, "Reduce", nameof(destination)); Kernels.Reduce.SumRows(m, rows, cols, d); break;
            case ReduceOp.SumColumns: Need(cols, d.Length, "Reduce", nameof(destination)); Kernels.Reduce.SumColumns(m, rows, cols, d); break;
            case ReduceOp.SumAll: Need(1, d.Length, "Reduce", nameof(destination)); d[0] = Kernels.Reduce.Sum(m); break;
            case ReduceOp.MaxAll: Need(1, d.Length, "Reduce", nameof(destination)); d[0] = Kernels.Reduce.Max(m); break;
            default: throw new ArgumentOutOfRangeException(nameof(op), op, "CpuBackend.Reduce: unknown ReduceOp.");
        }
    }

    /// <inheritdoc/>
    public void Softmax(bool log, DeviceBuffer x, int rows, int cols, DeviceBuffer y)
    {
        var xs = Own(x, nameof(x));
        var ys = Own(y, nameof(y));
        if (log) Kernels.Softmax.LogForward(xs, rows, cols, ys);
        else Kernels.Softmax.Forward(xs, rows, cols, ys);
    }

    /// <inheritdoc/>
    public void Im2Col(in ConvGeometry geometry, DeviceBuffer image, DeviceBuffer columns)
    {
        var g = geometry;
        Conv.Im2Col(Own(image, nameof(image)), g.Channels, g.Height, g.Width, g.KernelH, g.KernelW, g.StrideH, g.StrideW, g.PadH, g.PadW, Own(columns, nameof(columns)));
    }

    /// <inheritdoc/>
    public void Col2Im(in ConvGeometry geometry, DeviceBuffer columns, DeviceBuffer image)
    {
        var g = geometry;
        Conv.Col2Im(Own(columns, nameof(columns)), g.Channels, g.Height, g.Width, g.KernelH, g.KernelW, g.StrideH, g.StrideW, g.PadH, g.PadW, Own(image, nameof(image)));
    }

    /// <inheritdoc/>
    public void OptimizerStep(in OptimizerStepArgs args, DeviceBuffer p, DeviceBuffer g, DeviceBuffer state1, DeviceBuffer? state2)
    {
        var ps = Own(p, nameof(p));
        var gs = Own(g, nameof(g));
        var s1 = Own(state1, nameof(state1));
        switch (args.Kind)
        {
            case OptimizerKind.Sgd:
                Optim.SgdMomentum(ps, gs, s1, args.LearningRate, args.Momentum, args.Dampening, args.WeightDecay, args.Nesterov, firstStep: args.Step <= 1);
                break;
            case OptimizerKind.Adam:
                Optim.Adam(ps, gs, s1, Own(state2, nameof(state2)), args.LearningRate, args.Beta1, args.Beta2, args.Eps, args.WeightDecay, args.Step);
                break;
            case OptimizerKind.AdamW:
                Optim.AdamW(ps, gs, s1, Own(state2, nameof(state2)), args.LearningRate, args.Beta1, args.Beta2, args.Eps, args.WeightDecay, args.Step);
                break;
            default: throw new ArgumentOutOfRangeException(nameof(args), args.Kind, "CpuBackend.OptimizerStep: unknown OptimizerKind.");
        }
    }

    Span<float> Own(DeviceBuffer? buffer, string name)
    {
        ArgumentNullException.ThrowIfNull(buffer, name);
        if (buffer is not CpuBuffer cpu || !ReferenceEquals(buffer.Backend, this))
            throw new ArgumentException($"CpuBackend: buffer '{name}' belongs to backend '{buffer.Backend.Name}', not this CpuBackend; copy it through the host first.", name);
        return cpu.Span;
    }

    static void Need(int needed, int available, string op, string name)
    {
        if (available < needed)
            throw new ArgumentException($"CpuBackend.{op}: buffer '{name}' holds {available} elements; {needed} are needed.", name);
    }
}
