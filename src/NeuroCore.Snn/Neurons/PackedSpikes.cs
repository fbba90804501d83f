using NeuroCore.Kernels;

namespace NeuroCore.Snn;

/// <summary>
/// Bit-packed spikes of one layer over a sequence, for inference: one bit per neuron and step instead of a float, so
/// 1/32 of the memory traffic. Layout [T, B, W] ulong with W = <see cref="WordsPerRow"/> = ceil(F / 64): feature f of
/// sample b at step t is bit <c>f % 64</c> of <c>Bits[(t·B + b)·W + f / 64]</c>; the padding bits of a row's last word
/// are 0. Written by <see cref="LifNeuron.ScanPacked(LifParams, Tensor, LifState, PackedSpikes, int)"/> and read
/// directly (no unpacking) by <see cref="SpikingLinear.Forward(PackedSpikes, SpikingLinearState, PackedSpikes, int)"/>;
/// the kernels are <see cref="Lif"/>'s packed <c>ScanForward</c> and <see cref="SpikeSynapse.Compact(ReadOnlySpan{ulong}, int, int, Span{int}, Span{int})"/>.
/// </summary>
public sealed class PackedSpikes
{
    readonly ulong[] _bits;

    /// <summary>Allocates zeroed packed spikes for <paramref name="steps"/> × <paramref name="batch"/> × <paramref name="features"/>.</summary>
    /// <param name="steps">T (≥ 1).</param>
    /// <param name="batch">B (≥ 1).</param>
    /// <param name="features">F (≥ 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1 or the buffer would not fit one array.</exception>
    public PackedSpikes(int steps, int batch, int features)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(features);
        int words = SpikeSynapse.PackedWords(features);
        if ((long)steps * batch * words > Array.MaxLength || (long)steps * batch * features > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(steps), $"PackedSpikes: [T, B, F] = [{steps}, {batch}, {features}] is too large for one buffer.");
        Steps = steps;
        Batch = batch;
        Features = features;
        WordsPerRow = words;
        _bits = new ulong[steps * batch * words];
    }

    /// <summary>T, the number of time steps.</summary>
    public int Steps { get; }

    /// <summary>B, the batch size.</summary>
    public int Batch { get; }

    /// <summary>F, neurons (features) per sample.</summary>
    public int Features { get; }

    /// <summary>W = ceil(F / 64), the words per sample and step.</summary>
    public int WordsPerRow { get; }

    /// <summary>All the words, [T, B, W].</summary>
    public Span<ulong> Bits => _bits;

    /// <summary>The words of step <paramref name="t"/>, [B, W].</summary>
    /// <param name="t">The step, 0 ≤ t &lt; T.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="t"/> is outside [0, T).</exception>
    public Span<ulong> StepBits(int t)
    {
        if ((uint)t >= (uint)Steps)
            throw new ArgumentOutOfRangeException(nameof(t), t, $"PackedSpikes: step {t} is outside [0, {Steps}).");
        int n = Batch * WordsPerRow;
        return _bits.AsSpan(t * n, n);
    }

    /// <summary>The number of spikes (set bits over all T·B rows; padding excluded).</summary>
    public long Count() => SpikeSynapse.CountEvents(_bits, Steps * Batch, Features);

    /// <summary>Unpacks into 0/1 floats [T·B, F] (the layout of the float <see cref="LifNeuron.Scan(Autodiff.Tape, Tensor, int, LifParams)"/>).</summary>
    /// <param name="spikes">Destination of T·B·F values.</param>
    /// <exception cref="ArgumentException"><paramref name="spikes"/> is shorter than T·B·F.</exception>
    public void CopyTo(Span<float> spikes)
    {
        if (spikes.Length < Steps * Batch * Features)
            throw new ArgumentException($"PackedSpikes.CopyTo: the destination holds {spikes.Length} values; [T·B, F] = [{Steps * Batch}, {Features}] needs {Steps * Batch * Features}.", nameof(spikes));
        SpikeSynapse.Unpack(_bits, Steps * Batch, Features, spikes);
    }

    /// <summary>Packs 0/1 spikes [T·B, F] (any value other than ±0 is a spike) into this buffer.</summary>
    /// <param name="spikes">Source of T·B·F values.</param>
    /// <exception cref="ArgumentException"><paramref name="spikes"/> does not hold exactly T·B·F values.</exception>
    public void CopyFrom(ReadOnlySpan<float> spikes)
    {
        if (spikes.Length != Steps * Batch * Features)
            throw new ArgumentException($"PackedSpikes.CopyFrom: the source holds {spikes.Length} values; [T·B, F] = [{Steps * Batch}, {Features}] needs {Steps * Batch * Features}.", nameof(spikes));
        SpikeSynapse.Pack(spikes, Steps * Batch, Features, _bits);
    }

    /// <summary>Throws unless this buffer is [T, B, F] = [<paramref name="steps"/>, <paramref name="batch"/>, <paramref name="features"/>].</summary>
    internal void CheckShape(string layer, int steps, int batch, int features, string paramName)
    {
        if (Steps != steps || Batch != batch || Features != features)
            throw new ArgumentException(
                $"{layer}: the packed spikes are [T, B, F] = [{Steps}, {Batch}, {Features}], but this call needs [{steps}, {batch}, {features}]; " +
                $"create them with new PackedSpikes({steps}, {batch}, {features}).", paramName);
    }
}
