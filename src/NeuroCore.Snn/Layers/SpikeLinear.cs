using System.Runtime.InteropServices;
using NeuroCore.Autodiff;
using NeuroCore.Kernels;

namespace NeuroCore.Snn;

/// <summary>
/// The fully connected product <c>y = x·Wᵀ + b</c> for a 0/1 input x [rows, in], as one tape entry, by one of two
/// 0/1 paths. The event path (<see cref="Forward"/>) adds the rows of Wᵀ [in, out] selected by each row's events
/// (<see cref="SpikeSynapse.Forward"/>), and its backward takes <c>∂W</c> from <see cref="SpikeSynapse.WeightGrad"/>
/// over the same events. The table path (<see cref="ForwardTables"/>) packs x into bits and multiplies by subset-sum
/// tables (<see cref="SpikeGemm"/>), and its backward gives <c>∂Wᵀ = xᵀ·∂y</c> by <see cref="SpikeGemm"/> on the
/// transposed bits (<see cref="Csr.TransposeBits"/>). Both give <c>∂x = ∂y·W</c> (GEMM, only when x needs it) and
/// <c>∂b</c> = column sums of ∂y, and equal <see cref="Ops.Linear"/> on 0/1 input up to rounding order.
/// </summary>
public sealed class SpikeLinear : ICustomBackward
{
    static readonly SpikeLinear Instance = new(tables: false);
    static readonly SpikeLinear TablesInstance = new(tables: true);

    readonly bool _tables;

    SpikeLinear(bool tables)
    {
        _tables = tables;
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
        int rows = CheckOperands(tape, x, weight, bias, layer);
        int inF = weight.Shape[1];
        var xs = x.Span;
        if (!IsBinary(xs)) throw NotBinary(layer, "event", x);
        int nnz = SpikeSynapse.CountEvents(xs);
        int[] ints = tape.AllocateInts(rows + 1 + nnz);
        var rowStart = ints.AsSpan(0, rows + 1);
        var indices = ints.AsSpan(rows + 1, nnz);
        SpikeSynapse.Compact(xs, rows, inF, rowStart, indices);
        return EventsFromList(tape, x, weight, bias, ints, rows, nnz);
    }

    /// <summary>The event-path forward from the listed events (<paramref name="ints"/> = rowStart then indices).</summary>
    static Tensor EventsFromList(Tape tape, Tensor x, Tensor weight, Tensor? bias, int[] ints, int rows, int nnz)
    {
        int inF = weight.Shape[1], outF = weight.Shape[0];
        var rowStart = ints.AsSpan(0, rows + 1);
        var indices = ints.AsSpan(rows + 1, nnz);
        var wt = tape.Allocate(new Shape(inF, outF));
        Csr.Transpose(weight.Span, outF, inF, wt.Span);
        var y = tape.Allocate(x.Shape.With(-1, outF));
        SpikeSynapse.Forward(rowStart, indices, rows, wt.Span, outF, bias is null ? default : bias.Span, y.Span, tape.Threads);
        if (tape.ShouldRecord(x, weight, bias))
            tape.Record(new TapeEntry { Op = OpCode.Custom, Custom = Instance, Output = y, A = x, B = weight, C = bias, Ints = ints, I0 = rows, I1 = nnz });
        return y;
    }

    /// <summary>
    /// The table-path <c>x·Wᵀ + b</c> of a 0/1 input <paramref name="x"/> [rows, in]: x is checked and packed in one
    /// pass (<see cref="SpikeSynapse.TryPackBinary"/>), then multiplied by subset-sum tables of Wᵀ (<see cref="SpikeGemm"/>).
    /// </summary>
    /// <param name="tape">The tape.</param>
    /// <param name="x">0/1 input [rows, in] (any rank; leading axes are rows).</param>
    /// <param name="weight">W [out, in].</param>
    /// <param name="bias">b [out], or null.</param>
    /// <param name="layer">The calling layer's name, for error messages.</param>
    /// <exception cref="ArgumentException">The shapes do not match, or x holds a value other than 0 and 1.</exception>
    public static Tensor ForwardTables(Tape tape, Tensor x, Tensor weight, Tensor? bias, string layer = "SpikeLinear")
    {
        int rows = CheckOperands(tape, x, weight, bias, layer);
        int[] bits = PackedScratch(tape, rows, weight.Shape[1]);
        if (!SpikeSynapse.TryPackBinary(x.Span, rows, weight.Shape[1], AsWords(bits, rows, weight.Shape[1]), out _))
            throw NotBinary(layer, "table", x);
        return ForwardTablesPacked(tape, x, weight, bias, bits, rows, gemmForward: false);
    }

    /// <summary>
    /// The table path on bits already packed by the caller into <paramref name="bits"/> (from <see cref="PackedScratch"/>);
    /// with <paramref name="gemmForward"/> the forward is the dense path's GEMM (bitwise <see cref="Ops.Linear"/>) and
    /// only the weight gradient uses the tables.
    /// </summary>
    internal static Tensor ForwardTablesPacked(Tape tape, Tensor x, Tensor weight, Tensor? bias, int[] bits, int rows, bool gemmForward)
    {
        int inF = weight.Shape[1], outF = weight.Shape[0];
        var y = tape.Allocate(x.Shape.With(-1, outF));
        ReadOnlySpan<float> b = bias is null ? default : bias.Span;
        if (gemmForward)
        {
            // Ops.Linear's call, so the current is bitwise the dense path's.
            if (bias is null) Gemm.Sgemm(false, true, rows, outF, inF, 1f, x.Span, inF, weight.Span, inF, 0f, y.Span, outF, tape.Threads);
            else Gemm.Sgemm(false, true, rows, outF, inF, 1f, x.Span, inF, weight.Span, inF, 0f, y.Span, outF, b, tape.Threads);
        }
        else
        {
            var wt = tape.Allocate(new Shape(inF, outF));
            Csr.Transpose(weight.Span, outF, inF, wt.Span);
            SpikeGemm.Multiply(AsWords(bits, rows, inF), rows, inF, wt.Span, outF, b, y.Span, tape.Threads);
        }
        if (tape.ShouldRecord(x, weight, bias))
            tape.Record(new TapeEntry { Op = OpCode.Custom, Custom = TablesInstance, Output = y, A = x, B = weight, C = bias, Ints = bits, I0 = rows });
        return y;
    }

    /// <summary>The event path on bits already packed by the caller: the events are listed from the bits.</summary>
    internal static Tensor ForwardEventsPacked(Tape tape, Tensor x, Tensor weight, Tensor? bias, int[] bits, int rows, int nnz)
    {
        int inF = weight.Shape[1], outF = weight.Shape[0];
        int[] ints = tape.AllocateInts(rows + 1 + nnz);
        var rowStart = ints.AsSpan(0, rows + 1);
        var indices = ints.AsSpan(rows + 1, nnz);
        SpikeSynapse.Compact(AsWords(bits, rows, inF), rows, inF, rowStart, indices);
        return EventsFromList(tape, x, weight, bias, ints, rows, nnz);
    }

    /// <summary>Tape scratch for the packed bits of [rows, cols] (as ints, two per word; see <see cref="AsWords"/>).</summary>
    internal static int[] PackedScratch(Tape tape, int rows, int cols) => tape.AllocateInts(2 * rows * SpikeSynapse.PackedWords(cols));

    /// <summary>The words of packed bits [rows, cols] held in <paramref name="ints"/>.</summary>
    internal static Span<ulong> AsWords(int[] ints, int rows, int cols) =>
        MemoryMarshal.Cast<int, ulong>(ints.AsSpan(0, 2 * rows * SpikeSynapse.PackedWords(cols)));

    internal static ArgumentException NotBinary(string layer, string path, Tensor x) =>
        new($"{layer}: the {path} path needs a 0/1 spike input, but input {x.Shape} holds other values; use the dense path (SynapsePath.Dense or Auto).", nameof(x));

    /// <summary>Checks the operands of a forward; returns the rows.</summary>
    static int CheckOperands(Tape tape, Tensor x, Tensor weight, Tensor? bias, string layer)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Shape.Rank != 2 || x.Shape.Rank < 1 || x.Shape[-1] != weight.Shape[1])
            throw new ArgumentException($"{layer}: input {x.Shape} and weight {weight.Shape} do not match; the weight must be [out, in] with in = the input's last dimension.", nameof(x));
        int outF = weight.Shape[0];
        if (bias is not null && (bias.Shape.Rank != 1 || bias.Shape[0] != outF))
            throw new ArgumentException($"{layer}: bias {bias.Shape} does not match weight {weight.Shape}; expected [{outF}].", nameof(bias));
        return x.Shape.SizeOf(0, x.Shape.Rank - 1);
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
        if (tape.NeedsGrad(w) && _tables)
        {
            // ∂Wᵀ [in, out] = xᵀ·∂y: the bits transposed to [in, ceil(rows/64)] are the 0/1 left operand.
            int tWords = SpikeSynapse.PackedWords(rows);
            int[] bitsT = tape.AllocateInts(2 * inF * tWords);
            var bitsTWords = MemoryMarshal.Cast<int, ulong>(bitsT.AsSpan(0, 2 * inF * tWords));
            Csr.TransposeBits(AsWords(entry.Ints!, rows, inF), rows, inF, bitsTWords);
            var gwt = tape.Allocate(new Shape(inF, outF));
            SpikeGemm.Multiply(bitsTWords, inF, rows, dy, outF, default, gwt.Span, tape.Threads);
            var writer = tape.BeginGrad(w);
            Csr.Transpose(gwt.Span, inF, outF, writer.Span);
            writer.Commit();
        }
        else if (tape.NeedsGrad(w))
        {
            var rowStart = entry.Ints.AsSpan(0, rows + 1);
            var indices = entry.Ints.AsSpan(rows + 1, nnz);
            var gwt = tape.AllocateZeros(new Shape(inF, outF));
            SpikeSynapse.WeightGrad(rowStart, indices, rows, dy, outF, gwt.Span, tape.Threads);
            var writer = tape.BeginGrad(w);
            Csr.Transpose(gwt.Span, inF, outF, writer.Span);
            writer.Commit();
        }
        if (entry.C is { } bias && tape.NeedsGrad(bias))
        {
            var db = tape.BeginGrad(bias);
            Reduce.SumColumns(dy, rows, outF, db.Span);
            db.Commit();
        }
    }
}
