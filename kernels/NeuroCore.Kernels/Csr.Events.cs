using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NeuroCore.Kernels.Parallel;

namespace NeuroCore.Kernels;

// Event-driven sparse synapse: a 0/1 input row r with events E_r gives y[r, :] = b + Σ_{i ∈ E_r} W[:, i], and column i of
// W is its CSC entries, so the work is (events × connections per input), nothing for silent inputs.
public static unsafe partial class Csr
{
    /// <summary>
    /// The event-driven forward from an event list (CSR of the input, as <see cref="SpikeSynapse.Compact(ReadOnlySpan{float}, int, int, Span{int}, Span{int})"/>
    /// writes it): effectively computes, for each row r, <c>output[r, :] = bias</c> (or 0), then for every event
    /// k = eventStart[r]..eventStart[r+1]−1 in order and every CSC entry e of column i = eventIndex[k] in order,
    /// <c>output[r·out + rows[e]] += values[slots[e]]</c>; for a 0/1 input X [rows, in] this is X·Wᵀ + b. Rows are split
    /// over <paramref name="threads"/>; bitwise equal to <see cref="Reference.CsrForwardEvents"/> for any thread count.
    /// </summary>
    /// <param name="pattern">The connection pattern W [out, in].</param>
    /// <param name="values">Weights by slot [nnz].</param>
    /// <param name="eventStart">Event row offsets [rows + 1], non-decreasing.</param>
    /// <param name="eventIndex">The input feature of each event, in [0, in).</param>
    /// <param name="rows">Input/output rows (T·B), ≥ 0.</param>
    /// <param name="bias">Bias [out], or empty.</param>
    /// <param name="output">Destination [rows, out], overwritten.</param>
    /// <param name="threads">Threads, 1 to <see cref="FixedPartition.MaxThreads"/>.</param>
    /// <exception cref="ArgumentException">A span is too short, the event list is malformed or indexes past the inputs, or the output overlaps an input.</exception>
    public static void ForwardEvents(CsrPattern pattern, ReadOnlySpan<float> values, ReadOnlySpan<int> eventStart, ReadOnlySpan<int> eventIndex,
        int rows, ReadOnlySpan<float> bias, Span<float> output, int threads = 1)
    {
        const string Op = "Csr.ForwardEvents";
        CheckForward(Op, pattern, values, rows, bias, output, threads);
        CheckEvents(Op, eventStart, eventIndex, rows, pattern.Columns);
        if (rows == 0) return;
        fixed (int* es = eventStart, ei = eventIndex)
            RunForward(pattern, values, bias, output, rows, threads, new EventSource { Start = es, Index = ei }, (long)(eventStart[rows] - eventStart[0]));
    }

    /// <summary>
    /// The event-driven forward straight from 0/1 float spikes [rows, in] (any value other than ±0 is an event, as in
    /// <see cref="SpikeSynapse.Compact(ReadOnlySpan{float}, int, int, Span{int}, Span{int})"/>): the events of each row
    /// are found with vector compares and walked in increasing input order, with no event list written. Equal to
    /// <see cref="ForwardEvents(CsrPattern, ReadOnlySpan{float}, ReadOnlySpan{int}, ReadOnlySpan{int}, int, ReadOnlySpan{float}, Span{float}, int)"/>
    /// of the compacted input, bitwise.
    /// </summary>
    /// <param name="pattern">The connection pattern W [out, in].</param>
    /// <param name="values">Weights by slot [nnz].</param>
    /// <param name="spikes">The input [rows, in], row-major.</param>
    /// <param name="rows">Rows, ≥ 0.</param>
    /// <param name="bias">Bias [out], or empty.</param>
    /// <param name="output">Destination [rows, out], overwritten.</param>
    /// <param name="threads">Threads, 1 to <see cref="FixedPartition.MaxThreads"/>.</param>
    /// <exception cref="ArgumentException">A span is too short or overlaps.</exception>
    public static void ForwardEvents(CsrPattern pattern, ReadOnlySpan<float> values, ReadOnlySpan<float> spikes, int rows,
        ReadOnlySpan<float> bias, Span<float> output, int threads = 1)
    {
        const string Op = "Csr.ForwardEvents (float spikes)";
        CheckForward(Op, pattern, values, rows, bias, output, threads);
        if (spikes.Length < (long)rows * pattern.Columns)
            Throw.Argument($"{Op}: spikes holds {spikes.Length} values, shorter than [rows, in] = [{rows}, {pattern.Columns}].", nameof(spikes));
        if (rows == 0) return;
        if (output.Overlaps(spikes))
            Throw.Argument($"{Op}: the output overlaps the spikes; pass a separate output buffer.", nameof(output));
        fixed (float* x = spikes)
            RunForward(pattern, values, bias, output, rows, threads, new FloatSource { Spikes = x, In = pattern.Columns }, (long)rows * pattern.Columns / 8);
    }

    /// <summary>
    /// The event-driven forward straight from bit-packed spikes [rows, ceil(in/64)] (the <see cref="SpikeSynapse.PackedWords"/>
    /// layout the packed LIF scan writes): set bits are walked with trailing-zero counts, never unpacked; padding bits
    /// are ignored. Bitwise equal to the float form on the unpacked matrix.
    /// </summary>
    /// <param name="pattern">The connection pattern W [out, in].</param>
    /// <param name="values">Weights by slot [nnz].</param>
    /// <param name="bits">Packed spikes [rows, ceil(in/64)].</param>
    /// <param name="rows">Rows, ≥ 0.</param>
    /// <param name="bias">Bias [out], or empty.</param>
    /// <param name="output">Destination [rows, out], overwritten.</param>
    /// <param name="threads">Threads, 1 to <see cref="FixedPartition.MaxThreads"/>.</param>
    /// <exception cref="ArgumentException">A span is too short or overlaps.</exception>
    public static void ForwardEvents(CsrPattern pattern, ReadOnlySpan<float> values, ReadOnlySpan<ulong> bits, int rows,
        ReadOnlySpan<float> bias, Span<float> output, int threads = 1)
    {
        const string Op = "Csr.ForwardEvents (packed spikes)";
        CheckForward(Op, pattern, values, rows, bias, output, threads);
        int words = SpikeSynapse.PackedWords(pattern.Columns);
        if (bits.Length < (long)rows * words)
            Throw.Argument($"{Op}: the packed spikes hold {bits.Length} words, shorter than [rows, ceil(in/64)] = [{rows}, {words}].", nameof(bits));
        if (rows == 0) return;
        fixed (ulong* b = bits)
            RunForward(pattern, values, bias, output, rows, threads, new PackedSource { Bits = b, Words = words, In = pattern.Columns }, (long)rows * pattern.Columns / 8);
    }

    static void CheckForward(string op, CsrPattern pattern, ReadOnlySpan<float> values, int rows, ReadOnlySpan<float> bias, Span<float> output, int threads)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        CheckThreads(op, threads);
        CheckValues(op, pattern, values);
        if (rows < 0) Throw.OutOfRange(nameof(rows), $"{op}: rows must be non-negative, got {rows}.");
        if (!bias.IsEmpty && bias.Length < pattern.Rows)
            Throw.Argument($"{op}: bias holds {bias.Length} values but W has {pattern.Rows} outputs; pass a bias [out] or an empty span.", nameof(bias));
        if (output.Length < (long)rows * pattern.Rows)
            Throw.Argument($"{op}: output holds {output.Length} values, shorter than [rows, out] = [{rows}, {pattern.Rows}].", nameof(output));
        if (rows > 0 && (output.Overlaps(values) || output.Overlaps(bias)))
            Throw.Argument($"{op}: the output overlaps the values or the bias; pass a separate output buffer.", nameof(output));
    }

    static void RunForward<TSource>(CsrPattern pattern, ReadOnlySpan<float> values, ReadOnlySpan<float> bias, Span<float> output, int rows,
        int threads, TSource source, long events) where TSource : struct, IEventSource
    {
        fixed (int* cs = pattern.ColumnStart, cr = pattern.ColumnRows, sl = pattern.ColumnSlots)
        fixed (float* v = values, b = bias, y = output)
        {
            var job = new EventForwardJob<TSource>
            {
                Source = source, ColumnStart = cs, ColumnRows = cr, Slots = sl, Values = v, Bias = b, Output = y,
                Out = pattern.Rows, HasBias = !bias.IsEmpty,
            };
            long work = events * (pattern.Nnz / pattern.Columns + 1);
            FixedPartition.Run(rows, work < ParallelThreshold ? 1 : threads, in job);
        }
    }

    /// <summary>Where the events of a row come from: a list, float spikes or packed bits. Calls <c>sink.Column(i)</c> per event, in order.</summary>
    interface IEventSource
    {
        void Walk(int row, ref ColumnAdder sink);
    }

    /// <summary>Adds column i of W into one output row: y[rows[e]] += values[slots[e]] for the CSC entries e of i.</summary>
    struct ColumnAdder
    {
        public int* ColumnStart, ColumnRows, Slots;
        public float* Values, Y;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly void Column(int i)
        {
            int e1 = ColumnStart[i + 1];
            for (int e = ColumnStart[i]; e < e1; e++) Y[ColumnRows[e]] += Values[Slots[e]];
        }
    }

    struct EventSource : IEventSource
    {
        public int* Start, Index;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly void Walk(int row, ref ColumnAdder sink)
        {
            int k1 = Start[row + 1];
            for (int k = Start[row]; k < k1; k++) sink.Column(Index[k]);
        }
    }

    struct FloatSource : IEventSource
    {
        public float* Spikes;
        public int In;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly void Walk(int row, ref ColumnAdder sink)
        {
            ref float x = ref *(Spikes + (nint)row * In);
            nuint n = (nuint)In, c = 0;
            if (Vector512.IsHardwareAccelerated)
                for (; c + 16 <= n; c += 16)
                    WalkBits(~Vector512.Equals(Vector512.LoadUnsafe(ref x, c), Vector512<float>.Zero).ExtractMostSignificantBits() & 0xFFFFUL, (int)c, ref sink);
            else if (Vector256.IsHardwareAccelerated)
                for (; c + 8 <= n; c += 8)
                    WalkBits(~Vector256.Equals(Vector256.LoadUnsafe(ref x, c), Vector256<float>.Zero).ExtractMostSignificantBits() & 0xFFUL, (int)c, ref sink);
            else if (Vector128.IsHardwareAccelerated)
                for (; c + 4 <= n; c += 4)
                    WalkBits(~Vector128.Equals(Vector128.LoadUnsafe(ref x, c), Vector128<float>.Zero).ExtractMostSignificantBits() & 0xFUL, (int)c, ref sink);
            for (; c < n; c++)
                if (Unsafe.Add(ref x, c) != 0f) sink.Column((int)c);
        }
    }

    struct PackedSource : IEventSource
    {
        public ulong* Bits;
        public int Words, In;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly void Walk(int row, ref ColumnAdder sink)
        {
            ulong* w = Bits + (nint)row * Words;
            ulong last = (In & 63) == 0 ? ulong.MaxValue : (1UL << (In & 63)) - 1;
            for (int k = 0; k < Words; k++) WalkBits(k == Words - 1 ? w[k] & last : w[k], k * 64, ref sink);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void WalkBits(ulong bits, int column, ref ColumnAdder sink)
    {
        while (bits != 0)
        {
            sink.Column(column + BitOperations.TrailingZeroCount(bits));
            bits &= bits - 1;
        }
    }

    struct EventForwardJob<TSource> : IRangeBody where TSource : struct, IEventSource
    {
        public TSource Source;
        public int* ColumnStart, ColumnRows, Slots;
        public float* Values, Bias, Output;
        public int Out;
        public bool HasBias;

        public readonly void Invoke(int start, int limit)
        {
            var sink = new ColumnAdder { ColumnStart = ColumnStart, ColumnRows = ColumnRows, Slots = Slots, Values = Values };
            for (int r = start; r < limit; r++)
            {
                float* y = Output + (nint)r * Out;
                var row = new Span<float>(y, Out);
                if (HasBias) new ReadOnlySpan<float>(Bias, Out).CopyTo(row);
                else row.Clear();
                sink.Y = y;
                Source.Walk(r, ref sink);
            }
        }
    }

    /// <summary>Ints of scratch <see cref="WeightGradEvents"/> needs: in + 1 + events.</summary>
    /// <param name="pattern">The pattern.</param>
    /// <param name="events">The number of events (eventStart[rows] − eventStart[0]).</param>
    /// <returns>The scratch length.</returns>
    public static int WeightGradEventsScratch(CsrPattern pattern, int events)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return pattern.Columns + 1 + Math.Max(0, events);
    }

    /// <summary>
    /// The event-driven weight gradient on the pattern: effectively computes, for r = 0..rows−1 in order, every event
    /// k of row r in order (input i = eventIndex[k]) and every CSC entry e of column i,
    /// <c>gradValues[slots[e]] += gradOutput[r·out + rows[e]]</c>: for a 0/1 input X this adds (Gᵀ·X) at the
    /// connections only. The events are regrouped by input in <paramref name="scratch"/> (a stable counting sort), then
    /// inputs are split over <paramref name="threads"/>; every slot is summed over rows in increasing order, so the
    /// result is bitwise equal to <see cref="Reference.CsrWeightGradEvents"/> for any thread count.
    /// </summary>
    /// <param name="pattern">The connection pattern W [out, in].</param>
    /// <param name="eventStart">Event row offsets [rows + 1].</param>
    /// <param name="eventIndex">Input feature of each event.</param>
    /// <param name="rows">Rows, ≥ 0.</param>
    /// <param name="gradOutput">∂L/∂Y [rows, out].</param>
    /// <param name="gradValues">∂L/∂values by slot [nnz], ADDED to.</param>
    /// <param name="scratch">At least <see cref="WeightGradEventsScratch"/> ints, overwritten.</param>
    /// <param name="threads">Threads, 1 to <see cref="FixedPartition.MaxThreads"/>.</param>
    /// <exception cref="ArgumentException">A span is too short, or the event list is malformed.</exception>
    public static void WeightGradEvents(CsrPattern pattern, ReadOnlySpan<int> eventStart, ReadOnlySpan<int> eventIndex, int rows,
        ReadOnlySpan<float> gradOutput, Span<float> gradValues, Span<int> scratch, int threads = 1)
    {
        const string Op = "Csr.WeightGradEvents";
        ArgumentNullException.ThrowIfNull(pattern);
        CheckThreads(Op, threads);
        if (rows < 0) Throw.OutOfRange(nameof(rows), $"{Op}: rows must be non-negative, got {rows}.");
        CheckEvents(Op, eventStart, eventIndex, rows, pattern.Columns);
        int outF = pattern.Rows, inF = pattern.Columns;
        if (gradOutput.Length < (long)rows * outF)
            Throw.Argument($"{Op}: gradOutput holds {gradOutput.Length} values, shorter than [rows, out] = [{rows}, {outF}].", nameof(gradOutput));
        if (gradValues.Length < pattern.Nnz)
            Throw.Argument($"{Op}: gradValues holds {gradValues.Length} values but nnz = {pattern.Nnz}.", nameof(gradValues));
        int first = eventStart[0], events = eventStart[rows] - first;
        if (scratch.Length < WeightGradEventsScratch(pattern, events))
            Throw.Argument($"{Op}: scratch holds {scratch.Length} ints, needs in + 1 + events = {WeightGradEventsScratch(pattern, events)}.", nameof(scratch));
        if (rows == 0 || events == 0) return;
        if (gradValues.Overlaps(gradOutput))
            Throw.Argument($"{Op}: gradValues overlaps gradOutput; pass separate buffers.", nameof(gradValues));

        // Events grouped by input i, rows increasing inside (stable counting sort).
        var byStart = scratch[..(inF + 1)];
        var byRow = scratch.Slice(inF + 1, events);
        byStart.Clear();
        for (int k = first; k < first + events; k++) byStart[eventIndex[k] + 1]++;
        for (int i = 0; i < inF; i++) byStart[i + 1] += byStart[i];
        for (int r = 0; r < rows; r++)
            for (int k = eventStart[r]; k < eventStart[r + 1]; k++)
                byRow[byStart[eventIndex[k]]++] = r;
        // byStart[i] now holds the end of group i; shift back to starts.
        for (int i = inF; i > 0; i--) byStart[i] = byStart[i - 1];
        byStart[0] = 0;

        fixed (int* bs = byStart, br = byRow, cs = pattern.ColumnStart, cr = pattern.ColumnRows, sl = pattern.ColumnSlots)
        fixed (float* g = gradOutput, gv = gradValues)
        {
            var job = new EventGradJob { ByStart = bs, ByRow = br, ColumnStart = cs, ColumnRows = cr, Slots = sl, Grad = g, GradValues = gv, Out = outF };
            long work = (long)events * (pattern.Nnz / inF + 1);
            FixedPartition.Run(inF, work < ParallelThreshold ? 1 : threads, in job);
        }
    }

    struct EventGradJob : IRangeBody
    {
        public int* ByStart, ByRow, ColumnStart, ColumnRows, Slots;
        public float* Grad, GradValues;
        public int Out;

        public readonly void Invoke(int start, int limit)
        {
            for (int i = start; i < limit; i++)
            {
                int e0 = ColumnStart[i], e1 = ColumnStart[i + 1];
                if (e0 == e1) continue;
                for (int q = ByStart[i]; q < ByStart[i + 1]; q++)
                {
                    float* g = Grad + (nint)ByRow[q] * Out;
                    for (int e = e0; e < e1; e++) GradValues[Slots[e]] += g[ColumnRows[e]];
                }
            }
        }
    }

    /// <summary>Checks an event list before unchecked access (as SpikeSynapse does).</summary>
    static void CheckEvents(string op, ReadOnlySpan<int> eventStart, ReadOnlySpan<int> eventIndex, int rows, int inFeatures)
    {
        if (eventStart.Length < (long)rows + 1)
            Throw.Argument($"{op}: eventStart holds {eventStart.Length} offsets, needs rows + 1 = {(long)rows + 1}; pass the rowStart filled by SpikeSynapse.Compact.", nameof(eventStart));
        if (eventStart[0] < 0)
            Throw.Argument($"{op}: eventStart[0] = {eventStart[0]} is negative.", nameof(eventStart));
        for (int r = 0; r < rows; r++)
            if (eventStart[r + 1] < eventStart[r])
                Throw.Argument($"{op}: eventStart decreases at row {r} ({eventStart[r]} then {eventStart[r + 1]}).", nameof(eventStart));
        int end = eventStart[rows];
        if (end > eventIndex.Length)
            Throw.Argument($"{op}: eventStart[rows] = {end} events but eventIndex holds {eventIndex.Length}.", nameof(eventIndex));
        ref int ix = ref MemoryMarshal.GetReference(eventIndex);
        for (int k = eventStart[0]; k < end; k++)
            if ((uint)Unsafe.Add(ref ix, k) >= (uint)inFeatures)
                Throw.Argument($"{op}: event {k} is on input {Unsafe.Add(ref ix, k)}, outside the pattern's {inFeatures} inputs; the events must come from an input [rows, in] of this layer.", nameof(eventIndex));
    }
}
