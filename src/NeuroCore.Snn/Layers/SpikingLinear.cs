using NeuroCore.Autodiff;
using NeuroCore.Kernels;
using NeuroCore.Nn;

namespace NeuroCore.Snn;

/// <summary>
/// A fully connected spiking layer, time-batched (DESIGN.md decision 5): the input of all T steps [T·B, in] goes
/// through one product <c>I = x·Wᵀ + b</c> [T·B, out], then the neurons' fused scan turns the current into spikes
/// [T·B, out]. Effectively computes, per step t, <c>S_t = neuron(W·x_t + b)</c> (snnTorch's <c>nn.Linear</c> followed
/// by <c>snn.Leaky</c>).
/// </summary>
/// <remarks>
/// When the input is 0/1 spikes sparser than <see cref="SpikeSynapse.DensityThreshold"/> the product takes the
/// event-driven path (<see cref="SpikeLinear.Forward"/>); denser 0/1 spikes, when the layer has at least
/// <see cref="TablesMinOutFeatures"/> outputs, the GEMM forward with the weight gradient by the subset-sum table product
/// (<see cref="SynapsePath.TableGradient"/>); otherwise <see cref="Ops.Linear"/> (see <see cref="Path"/>).
/// W [out, in] ("{name}.weight") and b [out] ("{name}.bias") start U(±1/√in), PyTorch's default; the neurons'
/// learnable β/θ, if any, are "{name}.beta"/"{name}.threshold". <see cref="Step"/> runs one time step without a tape.
/// </remarks>
public sealed partial class SpikingLinear
{
    readonly string _label;   // "SpikingLinear 'name'" for error messages, built once so Forward allocates nothing

    readonly SpikingNeurons _neurons;

    /// <summary>Adds the layer's parameters to <paramref name="store"/>, initialised from <paramref name="seed"/>.</summary>
    /// <param name="store">The model's store.</param>
    /// <param name="name">The layer name (parameter prefix).</param>
    /// <param name="inFeatures">Inputs per sample.</param>
    /// <param name="outFeatures">Neurons.</param>
    /// <param name="options">Neuron model, β, θ, reset and surrogate.</param>
    /// <param name="seed">The initialisation seed.</param>
    public SpikingLinear(ParameterStore store, string name, int inFeatures, int outFeatures, SnnModelOptions options, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inFeatures);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outFeatures);
        Name = name;
        _label = $"SpikingLinear '{name}'";
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        (Weight, Bias) = Init.WeightAndBias(store, name, new Shape(outFeatures, inFeatures), inFeatures, seed, bias: true);
        _neurons = new SpikingNeurons(store, name, outFeatures, 1, options);
        Counter = new SpikeCounter(name, outFeatures);
    }

    /// <summary>The layer's name.</summary>
    public string Name { get; }

    /// <summary>Inputs per sample.</summary>
    public int InFeatures { get; }

    /// <summary>Neurons (outputs per sample).</summary>
    public int OutFeatures { get; }

    /// <summary>W [out, in].</summary>
    public Tensor Weight { get; }

    /// <summary>b [out].</summary>
    public Tensor? Bias { get; }

    /// <summary>How the synaptic product is computed; <see cref="SynapsePath.Auto"/> measures the input each forward.</summary>
    public SynapsePath Path { get; set; } = SynapsePath.Auto;

    /// <summary>True when the last forward took the event-driven path.</summary>
    public bool LastUsedEvents => LastPath == SynapsePath.Events;

    /// <summary>The path the last forward took (never <see cref="SynapsePath.Auto"/>).</summary>
    public SynapsePath LastPath { get; private set; } = SynapsePath.Dense;

    /// <summary>
    /// The fewest outputs for which <see cref="SynapsePath.Auto"/> takes <see cref="SynapsePath.TableGradient"/> on a
    /// 0/1 input at or above <see cref="SpikeSynapse.DensityThreshold"/>; narrower layers take the GEMM.
    /// <para>
    /// Measured (1 thread, minimum of 21 alternated calls, load average 4 on a shared 2-core AVX-512 VM) with
    /// <see cref="SpikeGemm"/> against <see cref="Gemm"/> on the 0/1 floats, 3200 rows (T·B = 25·128), 784 inputs,
    /// density 0.5: 512 outputs 6.9 against 15.3 ms (forward) and 8.6 against 14.7 ms (weight gradient, 784 × 3200 ×
    /// 512); 64 outputs 0.79 against 2.40 ms; 32 outputs 0.38 against 1.62 ms; 10 outputs 1.43 against 1.28 ms (the
    /// tables lose: one 8-wide vector and two scalar columns per block). Widths between 10 and 32 were not measured.
    /// In W3's training step (784-512-10) fc1 on Auto took 26.6–27.4 ms against 38.1–39.7 ms on the dense path at 1
    /// thread, alone, on a quiet machine.
    /// </para>
    /// </summary>
    public const int TablesMinOutFeatures = 32;

    /// <summary>Spikes, neuron-steps and synaptic operations counted over the forwards so far.</summary>
    public SpikeCounter Counter { get; }

    /// <summary>
    /// Runs T steps of a time-major input [T·B, in], or, when <paramref name="staticInput"/>, of one batch [B, in] fed
    /// unchanged at every step (direct encoding: the product is computed once and repeated over T), and returns the
    /// spikes [T·B, out].
    /// </summary>
    /// <exception cref="ArgumentException">The input is not [T·B, in] (or [B, in]) for this layer's in and T.</exception>
    public Tensor Forward(Tape tape, Tensor x, int steps, bool staticInput = false)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, $"SpikingLinear '{Name}': T must be ≥ 1.");
        if (x.Shape.Rank != 2 || x.Shape[1] != InFeatures || (!staticInput && x.Shape[0] % steps != 0))
            throw new ArgumentException(
                $"SpikingLinear '{Name}': input {x.Shape} must be {(staticInput ? "[B" : $"[T·B (T = {steps})")}, {InFeatures}]" +
                (staticInput ? "." : $" with T dividing the rows; flatten samples to {InFeatures} features and stack the steps time-major."), nameof(x));
        int batch = staticInput ? x.Shape[0] : x.Shape[0] / steps;
        int rows = x.Shape[0];
        var xs = x.Span;
        // One pass checks for 0/1, packs and counts the events; the dense path only counts.
        int[]? bits = null;
        bool binary = false;
        long events;
        if (Path == SynapsePath.Dense)
        {
            events = SpikeSynapse.CountEvents(xs);
        }
        else
        {
            bits = SpikeLinear.PackedScratch(tape, rows, InFeatures);
            binary = SpikeSynapse.TryPackBinary(xs, rows, InFeatures, SpikeLinear.AsWords(bits, rows, InFeatures), out events);
            if (!binary)
            {
                if (Path == SynapsePath.Events) throw SpikeLinear.NotBinary(_label, "event", x);
                if (Path is SynapsePath.Tables or SynapsePath.TableGradient) throw SpikeLinear.NotBinary(_label, "table", x);
                events = SpikeSynapse.CountEvents(xs);
            }
        }
        LastPath = Path switch
        {
            SynapsePath.Dense or SynapsePath.Events or SynapsePath.Tables or SynapsePath.TableGradient => Path,
            _ when !binary => SynapsePath.Dense,
            _ when events < SpikeSynapse.DensityThreshold * xs.Length => SynapsePath.Events,
            _ => OutFeatures >= TablesMinOutFeatures ? SynapsePath.TableGradient : SynapsePath.Dense,
        };
        var current = LastPath switch
        {
            SynapsePath.Events => SpikeLinear.ForwardEventsPacked(tape, x, Weight, Bias, bits!, rows, (int)events),
            SynapsePath.Tables => SpikeLinear.ForwardTablesPacked(tape, x, Weight, Bias, bits!, rows, gemmForward: false),
            SynapsePath.TableGradient => SpikeLinear.ForwardTablesPacked(tape, x, Weight, Bias, bits!, rows, gemmForward: true),
            _ => Ops.Linear(tape, x, Weight, Bias),
        };
        if (staticInput) current = RepeatOverTime.Forward(tape, current, steps, _label);
        var spikes = _neurons.Scan(tape, current, steps);
        Counter.Add(spikes.Span, steps, batch, (double)events * OutFeatures);
        return spikes;
    }

    /// <summary>A zeroed streaming state for <paramref name="batch"/> samples, for <see cref="Step"/>.</summary>
    public SpikingLinearState CreateState(int batch) => new(this, batch, _neurons.NewState(batch));

    /// <summary>
    /// One time step without a tape: effectively computes <c>spikes = neuron(x·Wᵀ + b)</c> for x [B, in], advancing
    /// <paramref name="state"/>. Allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentException">The state belongs to another layer or batch size, or a span has the wrong length.</exception>
    public void Step(ReadOnlySpan<float> input, SpikingLinearState state, Span<float> spikes)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!ReferenceEquals(state.Layer, this))
            throw new ArgumentException($"SpikingLinear '{Name}': the state belongs to layer '{state.Layer.Name}' ([{state.Batch}, {state.Layer.OutFeatures}]); create one with this layer's CreateState.", nameof(state));
        int batch = state.Batch;
        if (input.Length != batch * InFeatures || spikes.Length != batch * OutFeatures)
            throw new ArgumentException(
                $"SpikingLinear '{Name}': input holds {input.Length} values and spikes {spikes.Length}; the state is for batch {batch}, " +
                $"so expected [{batch}, {InFeatures}] = {batch * InFeatures} and [{batch}, {OutFeatures}] = {batch * OutFeatures}.", nameof(input));
        var current = state.Current;
        DenseStep.Product(input, batch, Weight, Bias!, current);
        _neurons.Step(current, state.Neurons, spikes);
    }
}
