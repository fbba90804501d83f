using System.Globalization;
using NeuroCore.Autodiff;
using NeuroCore.Kernels;

namespace NeuroCore.Snn;

/// <summary>
/// The event-driven fully connected product <c>y = x·Wᵀ + b</c> for a 0/1 input x [rows, in], as one tape entry:
/// the forward adds the rows of Wᵀ [in, out] selected by each row's events (<see cref="SpikeSynapse.Forward"/>); the
/// backward gives <c>∂x = ∂y·W</c> (GEMM), <c>∂W</c> from <see cref="SpikeSynapse.WeightGrad"/> over the same events,
/// and <c>∂b</c> = column sums of ∂y. Equal to <see cref="Ops.Linear"/> on 0/1 input up to rounding order.
/// </summary>
public sealed class SpikeLinear : ICustomBackward
{
    static readonly SpikeLinear Instance = new();

    SpikeLinear()
    {
    }

    /// <summary>True when every value of <paramref name="x"/> is exactly 0 or 1.</summary>
    public static bool IsBinary(ReadOnlySpan<float> x)
    {
        foreach (float v in x)
            if (v != 0f && v != 1f) return false;
        return true;
    }

    /// <summary>The event-driven <c>x·Wᵀ + b</c> of a 0/1 input <paramref name="x"/> [rows, in].</summary>
    /// <param name="tape">The tape.</param>
    /// <param name="x">0/1 input [rows, in] (any rank; leading axes are rows).</param>
    /// <param name="weight">W [out, in].</param>
    /// <param name="bias">b [out], or null.</param>
    /// <param name="layer">The calling layer's name, for error messages.</param>
    /// <exception cref="ArgumentException">The shapes do not match, or x holds a value other than 0 and 1.</exception>
    public static Tensor Forward(Tape tape, Tensor x, Tensor weight, Tensor? bias, string layer = "SpikeLinear")
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Shape.Rank != 2 || x.Shape.Rank < 1 || x.Shape[-1] != weight.Shape[1])
            throw new ArgumentException($"{layer}: input {x.Shape} and weight {weight.Shape} do not match; the weight must be [out, in] with in = the input's last dimension.", nameof(x));
        int inF = weight.Shape[1], outF = weight.Shape[0];
        if (bias is not null && (bias.Shape.Rank != 1 || bias.Shape[0] != outF))
            throw new ArgumentException($"{layer}: bias {bias.Shape} does not match weight {weight.Shape}; expected [{outF}].", nameof(bias));
        var xs = x.Span;
        if (!IsBinary(xs))
            throw new ArgumentException($"{layer}: the event path needs a 0/1 spike input, but input {x.Shape} holds other values; use the dense path (SynapsePath.Dense or Auto).", nameof(x));
        int rows = x.Shape.SizeOf(0, x.Shape.Rank - 1);
        int nnz = SpikeSynapse.CountEvents(xs);
        int[] ints = tape.AllocateInts(rows + 1 + nnz);
        var rowStart = ints.AsSpan(0, rows + 1);
        var indices = ints.AsSpan(rows + 1, nnz);
        SpikeSynapse.Compact(xs, rows, inF, rowStart, indices);
        var wt = tape.Allocate(new Shape(inF, outF));
        Transpose(weight.Span, outF, inF, wt.Span);
        var y = tape.Allocate(x.Shape.With(-1, outF));
        SpikeSynapse.Forward(rowStart, indices, rows, wt.Span, outF, bias is null ? default : bias.Span, y.Span, tape.Threads);
        if (tape.ShouldRecord(x, weight, bias))
            tape.Record(new TapeEntry { Op = OpCode.Custom, Custom = Instance, Output = y, A = x, B = weight, C = bias, Ints = ints, I0 = rows, I1 = nnz });
        return y;
    }

    /// <inheritdoc/>
    public void Backward(Tape tape, in TapeEntry entry)
    {
        var x = entry.A!;
        var w = entry.B!;
        int rows = entry.I0, nnz = entry.I1, inF = w.Shape[1], outF = w.Shape[0];
        var dy = tape.GradOf(entry.Output)!.Span;
        if (tape.NeedsGrad(x))
        {
            var dx = tape.GradAccumulator(x, out float beta);
            Gemm.Sgemm(false, false, rows, inF, outF, 1f, dy, outF, w.Span, inF, beta, dx, inF, tape.Threads);
        }
        if (tape.NeedsGrad(w))
        {
            var rowStart = entry.Ints.AsSpan(0, rows + 1);
            var indices = entry.Ints.AsSpan(rows + 1, nnz);
            var gwt = tape.AllocateZeros(new Shape(inF, outF));
            SpikeSynapse.WeightGrad(rowStart, indices, rows, dy, outF, gwt.Span, tape.Threads);
            var writer = tape.BeginGrad(w);
            Transpose(gwt.Span, inF, outF, writer.Span);
            writer.Commit();
        }
        if (entry.C is { } bias && tape.NeedsGrad(bias))
        {
            var db = tape.BeginGrad(bias);
            Reduce.SumColumns(dy, rows, outF, db.Span);
            db.Commit();
        }
    }

    /// <summary>dst[c, r] = src[r, c] for src [rows, cols], in 32×32 blocks.</summary>
    internal static void Transpose(ReadOnlySpan<float> src, int rows, int cols, Span<float> dst)
    {
        if (src.Length < rows * cols || dst.Length < rows * cols)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"SpikeLinear.Transpose: {rows}×{cols} does not fit."), nameof(src));
        const int Block = 32;
        for (int r0 = 0; r0 < rows; r0 += Block)
        {
            int r1 = Math.Min(rows, r0 + Block);
            for (int c0 = 0; c0 < cols; c0 += Block)
            {
                int c1 = Math.Min(cols, c0 + Block);
                for (int r = r0; r < r1; r++)
                    for (int c = c0; c < c1; c++)
                        dst[(c * rows) + r] = src[(r * cols) + c];
            }
        }
    }
}
