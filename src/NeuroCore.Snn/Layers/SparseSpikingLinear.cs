using NeuroCore.Autodiff;

namespace NeuroCore.Snn;

/// <summary>
/// A sparse fully connected spiking layer: a <see cref="CsrSynapse"/> (I = x·(W ⊙ M)ᵀ + b on the CSR pattern only)
/// followed by the layer's neurons, as a rewirable <see cref="ISparseSynapse"/>. Forward mirrors
/// <see cref="SpikingLinear.Forward"/>: a time-major input [T·B, in], or a static [B, in] multiplied once and repeated
/// over T; returns the spikes [T·B, out].
/// </summary>
/// <remarks>
/// The gradient only exists on the pattern, so <see cref="MaskGradient"/> and <see cref="ApplyMask"/> do nothing. For
/// gradient growth, the layer keeps the last recorded forward's input and current: after the tape's backward,
/// <see cref="DenseGradient"/> forms ∂L/∂W = ∂Iᵀ·x over all positions (<see cref="CsrSynapse.DenseWeightGradient"/>).
/// </remarks>
public sealed class SparseSpikingLinear : ISparseSynapse
{
    readonly SpikingNeurons _neurons;
    readonly string _label;
    Tape? _lastTape;
    Tensor? _lastInput, _lastCurrent;

    /// <summary>Adds the layer's parameters (<c>{name}.values</c>, <c>{name}.bias</c>, neuron parameters) to <paramref name="store"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive or the density is outside (0, 1].</exception>
    public SparseSpikingLinear(ParameterStore store, string name, int inFeatures, int outFeatures, double density, SnnModelOptions options, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        Name = name;
        _label = $"SparseSpikingLinear '{name}'";
        Synapse = new CsrSynapse(store, name, inFeatures, outFeatures, density, seed);
        _neurons = new SpikingNeurons(store, name, outFeatures, 1, options);
        Counter = new SpikeCounter(name, outFeatures);
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>The sparse synapse.</summary>
    public CsrSynapse Synapse { get; }

    /// <summary>Inputs per sample.</summary>
    public int InFeatures => Synapse.InFeatures;

    /// <summary>Neurons.</summary>
    public int OutFeatures => Synapse.OutFeatures;

    /// <inheritdoc/>
    public Tensor Values => Synapse.Values;

    /// <inheritdoc/>
    public int Nnz => Synapse.Nnz;

    /// <inheritdoc/>
    public long Positions => Synapse.Positions;

    /// <inheritdoc/>
    public double Density => Synapse.Density;

    /// <summary>Spikes, neuron-steps and synaptic operations (input events × fan-out on the pattern) counted over the forwards.</summary>
    public SpikeCounter Counter { get; }

    /// <summary>Runs T steps of [T·B, in] (or a static [B, in]) and returns the spikes [T·B, out].</summary>
    /// <exception cref="ArgumentException">The input is not [T·B, in] (or [B, in]).</exception>
    public Tensor Forward(Tape tape, Tensor x, int steps, bool staticInput = false)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, $"{_label}: T must be ≥ 1.");
        if (x.Shape.Rank != 2 || x.Shape[1] != InFeatures || (!staticInput && x.Shape[0] % steps != 0))
            throw new ArgumentException(
                $"{_label}: input {x.Shape} must be {(staticInput ? "[B" : $"[T·B (T = {steps})")}, {InFeatures}]; flatten samples to {InFeatures} features.", nameof(x));
        int batch = staticInput ? x.Shape[0] : x.Shape[0] / steps;
        var current = Synapse.Forward(tape, x);
        _lastTape = tape;
        _lastInput = x;
        _lastCurrent = current;
        var drive = staticInput ? RepeatOverTime.Forward(tape, current, steps, _label) : current;
        var spikes = _neurons.Scan(tape, drive, steps);
        Counter.Add(spikes.Span, steps, batch, (double)Kernels.SpikeSynapse.CountEvents(x.Span) * Nnz / InFeatures);
        return spikes;
    }

    /// <inheritdoc/>
    public void MaskGradient()
    {
    }

    /// <inheritdoc/>
    public void ApplyMask()
    {
    }

    /// <inheritdoc/>
    public void DenseGradient(Span<float> destination)
    {
        if (_lastTape is null || _lastInput is null || _lastCurrent is null || _lastTape.GradOf(_lastCurrent) is not { } dy)
            throw new InvalidOperationException($"{_label}: the dense gradient needs a recorded forward and its backward on the same tape (call it after tape.Backward, before tape.Reset).");
        Synapse.DenseWeightGradient(_lastInput.Span, dy.Span, _lastInput.Shape[0], destination);
    }

    /// <inheritdoc/>
    public RewireResult Rewire(float zeta, PruneRule prune, GrowRule grow, ulong seed, ulong stream, ReadOnlySpan<float> denseGradient) =>
        Synapse.Rewire(zeta, prune, grow, seed, stream, denseGradient);
}
