using System.Runtime.InteropServices;
using NeuroCore.Kernels;

namespace NeuroCore.Snn;

public sealed partial class CsrSynapse
{
    float[] _inputT = [], _outputT = [], _rowValues = [], _valuesSnapshot = [];
    ulong[] _inputBitsT = [];
    int _rowValuesVersion = -1;

    /// <summary>
    /// The input density below which packed spikes take the event path in <see cref="SynapsePath.Auto"/> (the float
    /// <see cref="Step(ReadOnlySpan{float}, int, Span{float}, int)"/> and <see cref="Forward"/> use
    /// <see cref="EventDensityThreshold"/>). The packed product (bit transpose, group sums, output transpose) costs the
    /// same at any input density; the event walk grows with it. On 1024 → 1024 at 10 % with 128 rows (one thread, best
    /// of 5 × 300 calls, load average 6-7 on 2 cores) the events took 86-92 / 137-144 / 173-186 / 207-221 µs at
    /// 0.5 / 1 / 1.5 / 2 % input density and the packed product 157-174 µs: they cross near 1.3 %, hence 0.0125 (it was
    /// 0.025 when the product added one masked connection at a time and took 0.33 ms).
    /// </summary>
    public const float PackedEventDensityThreshold = 0.0125f;

    /// <summary>
    /// The current without a tape: <c>current = input·(W ⊙ M)ᵀ + b</c> for input [rows, in], where rows is B for one
    /// time step or T·B for a whole sequence (the synapse has no state). <see cref="Path"/> chooses as in
    /// <see cref="Forward"/>: a sparse 0/1 input is walked event by event, with no event list written; other input
    /// goes through the feature-major product, transposed in and out through scratch the layer keeps (grown on the
    /// first call of a size, then 0 B per call). Not for concurrent use of one layer.
    /// </summary>
    /// <param name="input">[rows, in], row-major.</param>
    /// <param name="rows">Rows, ≥ 0.</param>
    /// <param name="current">Destination [rows, out], overwritten.</param>
    /// <param name="threads">Threads for the kernels (bitwise equal for any count).</param>
    /// <exception cref="ArgumentException">A span does not hold [rows, in] / [rows, out], or Events is forced on a non-0/1 input.</exception>
    public void Step(ReadOnlySpan<float> input, int rows, Span<float> current, int threads = 1)
    {
        CheckStep(input.Length, rows, current.Length, "[rows, in]");
        var xs = input[..(rows * InFeatures)];
        bool events = UseEvents(xs, rows);
        LastUsedEvents = events;
        ReadOnlySpan<float> bias = Bias is null ? default : Bias.Span;
        if (events)
        {
            Csr.ForwardEvents(Pattern, Values.Span, xs, rows, bias, current, threads);
            return;
        }
        Csr.Transpose(xs, rows, InFeatures, InputScratch(rows));
        Product(rows, bias, current, threads);
    }

    /// <summary>
    /// <see cref="Step(ReadOnlySpan{float}, int, Span{float}, int)"/> on bit-packed spikes [rows, ceil(in/64)] (the
    /// <see cref="PackedSpikes"/> layout, e.g. one step's <see cref="PackedSpikes.StepBits"/> or a whole sequence's
    /// <see cref="PackedSpikes.Bits"/>). The input is never unpacked. <see cref="Path"/> chooses (Auto: events below
    /// <see cref="PackedEventDensityThreshold"/>):
    /// <list type="bullet">
    /// <item>events: the set bits are walked directly (<see cref="Csr.ForwardEvents(CsrPattern, ReadOnlySpan{float}, ReadOnlySpan{ulong}, int, ReadOnlySpan{float}, Span{float}, int)"/>);</item>
    /// <item>otherwise the bits are transposed to feature-major bits [in, ceil(rows/64)] (<see cref="Csr.TransposeBits"/>)
    /// and multiplied, a row's connections summed in groups of 4 (at 512 bits by subset-sum tables;
    /// <see cref="Csr.MultiplyPackedInput(CsrPattern, ReadOnlySpan{float}, bool, ReadOnlySpan{ulong}, int, ReadOnlySpan{float}, Span{float}, int)"/>),
    /// reading a copy of the values in CSR order that the layer keeps; the copy is rebuilt when the pattern's version or
    /// any value has changed since it was made (checked bitwise against a snapshot every call, so writes to
    /// <see cref="Values"/> by an optimizer or by hand are always seen); then Yᵀ is transposed into the current.</item>
    /// </list>
    /// Equal to the float <see cref="Step(ReadOnlySpan{float}, int, Span{float}, int)"/> on the unpacked input within
    /// rounding (the float product adds one connection at a time, the packed one a group of 4 at a time); the event path
    /// is bitwise the float one. Bitwise equal for any thread count and ISA level. Scratch
    /// (bits, Yᵀ, the values copy and its snapshot: 2·nnz floats) is grown on the first call of a size, then 0 B per call.
    /// </summary>
    /// <param name="inputBits">Packed spikes [rows, ceil(in/64)].</param>
    /// <param name="rows">Rows, ≥ 0.</param>
    /// <param name="current">Destination [rows, out], overwritten.</param>
    /// <param name="threads">Threads (bitwise equal for any count).</param>
    /// <exception cref="ArgumentException">A span is too short.</exception>
    public void Step(ReadOnlySpan<ulong> inputBits, int rows, Span<float> current, int threads = 1)
    {
        int words = SpikeSynapse.PackedWords(InFeatures);
        CheckStep(inputBits.Length / Math.Max(words, 1) * (long)InFeatures, rows, current.Length, "[rows, ceil(in/64)] words");
        ReadOnlySpan<float> bias = Bias is null ? default : Bias.Span;
        bool events = Path switch
        {
            SynapsePath.Events => true,
            SynapsePath.Dense => false,
            _ => SpikeSynapse.CountEvents(inputBits, rows, InFeatures) < PackedEventDensityThreshold * rows * InFeatures,
        };
        LastUsedEvents = events;
        if (events)
        {
            Csr.ForwardEvents(Pattern, Values.Span, inputBits, rows, bias, current, threads);
            return;
        }
        int bitsLength = InFeatures * SpikeSynapse.PackedWords(rows), m = rows * OutFeatures;
        if (_inputBitsT.Length < bitsLength) _inputBitsT = new ulong[bitsLength];
        if (_outputT.Length < m) _outputT = new float[m];
        Csr.TransposeBits(inputBits[..(rows * words)], rows, InFeatures, _inputBitsT);
        Csr.MultiplyPackedInput(Pattern, RowValues(), true, _inputBitsT, rows, bias, _outputT, threads);
        Csr.Transpose(_outputT.AsSpan(0, m), OutFeatures, rows, current);
    }

    /// <summary>
    /// The values in CSR order for <see cref="Csr.MultiplyPackedInput(CsrPattern, ReadOnlySpan{float}, bool, ReadOnlySpan{ulong}, int, ReadOnlySpan{float}, Span{float}, int)"/>,
    /// rebuilt when the pattern was rewired or any value differs (bitwise) from the snapshot taken at the last rebuild.
    /// The check reads 2·nnz floats sequentially; the gather it saves reads nnz values in scattered order and costs
    /// several times more.
    /// </summary>
    ReadOnlySpan<float> RowValues()
    {
        var values = Values.Span;
        int nnz = values.Length;
        bool stale = _rowValues.Length != nnz || _rowValuesVersion != Pattern.Version
            || !MemoryMarshal.Cast<float, int>(values).SequenceEqual(MemoryMarshal.Cast<float, int>(_valuesSnapshot.AsSpan()));
        if (stale)
        {
            if (_rowValues.Length != nnz)
            {
                _rowValues = new float[nnz];
                _valuesSnapshot = new float[nnz];
            }
            Csr.GatherRowValues(Pattern, values, _rowValues);
            values.CopyTo(_valuesSnapshot);
            _rowValuesVersion = Pattern.Version;
        }
        return _rowValues;
    }

    /// <summary>The feature-major input scratch [in, rows], grown on first use of a size.</summary>
    Span<float> InputScratch(int rows)
    {
        int n = rows * InFeatures;
        if (_inputT.Length < n) _inputT = new float[n];
        return _inputT.AsSpan(0, n);
    }

    /// <summary>The product of the feature-major input in the scratch, transposed into the row-major current.</summary>
    void Product(int rows, ReadOnlySpan<float> bias, Span<float> current, int threads)
    {
        int m = rows * OutFeatures;
        if (_outputT.Length < m) _outputT = new float[m];
        Csr.Multiply(Pattern, Values.Span, false, _inputT.AsSpan(0, rows * InFeatures), rows, bias, _outputT, threads);
        Csr.Transpose(_outputT.AsSpan(0, m), OutFeatures, rows, current);
    }

    void CheckStep(long inputLength, int rows, int currentLength, string form)
    {
        if (rows < 0)
            throw new ArgumentOutOfRangeException(nameof(rows), rows, $"{_label}: rows must be non-negative.");
        if (inputLength < (long)rows * InFeatures || currentLength < (long)rows * OutFeatures)
            throw new ArgumentException(
                $"{_label}: for rows = {rows} the input must hold {form} with in = {InFeatures} and the current [rows, out] = {(long)rows * OutFeatures} values (out = {OutFeatures}); " +
                $"got {currentLength} for the current. Pass B rows for one step or T·B for a sequence.", nameof(rows));
    }
}
