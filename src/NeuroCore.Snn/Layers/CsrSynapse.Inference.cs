using NeuroCore.Kernels;

namespace NeuroCore.Snn;

public sealed partial class CsrSynapse
{
    float[] _inputT = [], _outputT = [];

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
        int n = rows * InFeatures, m = rows * OutFeatures;
        if (_inputT.Length < n) _inputT = new float[n];
        if (_outputT.Length < m) _outputT = new float[m];
        Csr.Transpose(xs, rows, InFeatures, _inputT);
        Csr.Multiply(Pattern, Values.Span, false, _inputT.AsSpan(0, n), rows, bias, _outputT, threads);
        Csr.Transpose(_outputT.AsSpan(0, m), OutFeatures, rows, current);
    }

    /// <summary>
    /// <see cref="Step(ReadOnlySpan{float}, int, Span{float}, int)"/> on bit-packed spikes [rows, ceil(in/64)] (the
    /// <see cref="PackedSpikes"/> layout, e.g. one step's <see cref="PackedSpikes.StepBits"/> or a whole sequence's
    /// <see cref="PackedSpikes.Bits"/>): the set bits are walked directly (<see cref="Csr.ForwardEvents(CsrPattern, ReadOnlySpan{float}, ReadOnlySpan{ulong}, int, ReadOnlySpan{float}, Span{float}, int)"/>),
    /// never unpacked, whatever <see cref="Path"/> says. Allocates nothing.
    /// </summary>
    /// <param name="inputBits">Packed spikes [rows, ceil(in/64)].</param>
    /// <param name="rows">Rows, ≥ 0.</param>
    /// <param name="current">Destination [rows, out], overwritten.</param>
    /// <param name="threads">Threads (bitwise equal for any count).</param>
    /// <exception cref="ArgumentException">A span is too short.</exception>
    public void Step(ReadOnlySpan<ulong> inputBits, int rows, Span<float> current, int threads = 1)
    {
        int words = SpikeSynapse.PackedWords(InFeatures);
        CheckStep(inputBits.Length / Math.Max(words, 1) * InFeatures, rows, current.Length, "[rows, ceil(in/64)] words");
        LastUsedEvents = true;
        Csr.ForwardEvents(Pattern, Values.Span, inputBits, rows, Bias is null ? default : Bias.Span, current, threads);
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
