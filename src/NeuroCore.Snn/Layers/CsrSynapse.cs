using NeuroCore.Autodiff;
using NeuroCore.Kernels;
using NeuroCore.Nn;

namespace NeuroCore.Snn;

/// <summary>
/// A sparse fully connected synapse: <c>I = x·(W ⊙ M)ᵀ + b</c> for x [rows, in] (rows = T·B: all time steps in one
/// call), where only the connections of a fixed-capacity <see cref="CsrPattern"/> M exist. Feed the current to a neuron
/// scan (for example <see cref="LifNeuron.Scan"/>) to make a sparse spiking layer; the synapse itself has no state.
/// </summary>
/// <remarks>
/// <para>
/// <b>Parameters.</b> "{name}.values" [nnz] holds W at the pattern's slots (<see cref="CsrPattern"/>: slot s is the
/// connection (SlotRow[s], SlotColumn[s])); "{name}.bias" [out]. The optimizer sees the values array, so its state is
/// per slot. A rewire moves some slots to new connections (<see cref="CsrPattern.Reassign"/>) and leaves all other
/// slots where they were: the caller zeroes the values and resets the optimizer state at exactly the moved slots.
/// </para>
/// <para>
/// <b>Initialisation.</b> Erdős–Rényi at density d with an exact budget nnz = round(d·out·in)
/// (<see cref="CsrPattern.ErdosRenyi"/>, the G(n, M) form, so nnz is known and fixed); values and bias U(±1/√(d·in)):
/// PyTorch's default Linear bound 1/√fan_in on the effective fan-in d·in, i.e. the dense bound scaled by 1/√d.
/// </para>
/// <para>
/// <b>Paths.</b> A 0/1 input whose density is below <see cref="EventDensityThreshold"/> takes the event path (only
/// active inputs do work: <see cref="Csr.ForwardEvents(CsrPattern, ReadOnlySpan{float}, ReadOnlySpan{int}, ReadOnlySpan{int}, int, ReadOnlySpan{float}, Span{float}, int)"/>);
/// any other input the feature-major sparse product (<see cref="Csr.Multiply(CsrPattern, ReadOnlySpan{float}, bool, ReadOnlySpan{float}, int, ReadOnlySpan{float}, Span{float}, int)"/>
/// on Xᵀ, transposed in and out). <see cref="Path"/> forces one. Both give the same current up to summation order.
/// Backward: ∂x = ∂I·(W ⊙ M) (the CSC product), ∂values on the pattern only (never a dense ∂W), ∂b = column sums.
/// </para>
/// </remarks>
public sealed partial class CsrSynapse : ICustomBackward
{
    /// <summary>
    /// The input density below which a 0/1 input takes the event path in <see cref="SynapsePath.Auto"/>. The event path
    /// does (events × nnz/in) scalar adds, the product (nnz × rows) vector lanes plus two transposes; see the kernel
    /// README for the measurement behind the value.
    /// </summary>
    public const float EventDensityThreshold = 0.15f;

    readonly string _label;

    /// <summary>
    /// A synapse with an Erdős–Rényi pattern at <paramref name="density"/>, parameters added to <paramref name="store"/>.
    /// </summary>
    /// <param name="store">The model's store.</param>
    /// <param name="name">The layer name (parameter prefix).</param>
    /// <param name="inFeatures">Inputs per sample, ≥ 1.</param>
    /// <param name="outFeatures">Outputs per sample, ≥ 1.</param>
    /// <param name="density">The fraction of connections kept, in (0, 1].</param>
    /// <param name="seed">Seed of the pattern and of the values.</param>
    /// <param name="bias">Whether to add a bias.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive or the density is outside (0, 1].</exception>
    public CsrSynapse(ParameterStore store, string name, int inFeatures, int outFeatures, double density, ulong seed, bool bias = true)
        : this(store, name, MakePattern(name, inFeatures, outFeatures, density, seed), seed, bias)
    {
    }

    /// <summary>A synapse on a given pattern (for example loaded with <see cref="LoadPattern"/>); values and bias initialised as described above.</summary>
    /// <param name="store">The model's store.</param>
    /// <param name="name">The layer name (parameter prefix).</param>
    /// <param name="pattern">The pattern W [out, in]; the layer takes it over (rewires change it in place).</param>
    /// <param name="seed">Seed of the values.</param>
    /// <param name="bias">Whether to add a bias.</param>
    public CsrSynapse(ParameterStore store, string name, CsrPattern pattern, ulong seed, bool bias = true)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        _label = $"CsrSynapse '{name}'";
        Pattern = pattern;
        float bound = 1f / MathF.Sqrt((float)(pattern.Density * pattern.Columns));
        Values = store.Add(name + ".values", new Shape(pattern.Nnz));
        Init.Uniform(Values.Span, bound, seed, Values.Name!);
        if (bias)
        {
            Bias = store.Add(name + ".bias", new Shape(pattern.Rows));
            Init.Uniform(Bias.Span, bound, seed, Bias.Name!);
        }
    }

    static CsrPattern MakePattern(string name, int inFeatures, int outFeatures, double density, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inFeatures);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outFeatures);
        if (!(density > 0 && density <= 1))
            throw new ArgumentOutOfRangeException(nameof(density), density,
                $"CsrSynapse '{name}': density must be in (0, 1] (the fraction of the {outFeatures}×{inFeatures} connections kept, 0.1 for 10 %); use a dense layer for 1 if you need no pattern.");
        return CsrPattern.ErdosRenyi(outFeatures, inFeatures, density, seed ^ Init.StreamOf(name + ".pattern"));
    }

    /// <summary>The layer's name.</summary>
    public string Name { get; }

    /// <summary>Inputs per sample.</summary>
    public int InFeatures => Pattern.Columns;

    /// <summary>Outputs per sample.</summary>
    public int OutFeatures => Pattern.Rows;

    /// <summary>The connection pattern (fixed nnz; slots index <see cref="Values"/>).</summary>
    public CsrPattern Pattern { get; }

    /// <summary>The weights by slot [nnz] ("{name}.values").</summary>
    public Tensor Values { get; }

    /// <summary>b [out] ("{name}.bias"), or null.</summary>
    public Tensor? Bias { get; }

    /// <summary>nnz / (out·in) of this layer.</summary>
    public double Density => Pattern.Density;

    /// <summary>The number of connections.</summary>
    public int Nnz => Pattern.Nnz;

    /// <summary>How the product is computed; <see cref="SynapsePath.Auto"/> measures the input each call.</summary>
    public SynapsePath Path { get; set; } = SynapsePath.Auto;

    /// <summary>True when the last forward or step took the event path.</summary>
    public bool LastUsedEvents { get; private set; }

    /// <summary>W ⊙ M as a dense [out, in] row-major array (for checks and export).</summary>
    /// <returns>A new array.</returns>
    public float[] ToDense()
    {
        var dense = new float[OutFeatures * InFeatures];
        Pattern.ToDense(Values.Span, dense);
        return dense;
    }

    /// <summary>
    /// The current of all rows at once: x [rows, in] (rows = T·B, time-major, or any batch) → I [rows, out], recorded
    /// on <paramref name="tape"/> as one entry (gradients for x, the values and the bias).
    /// </summary>
    /// <param name="tape">The tape.</param>
    /// <param name="x">The input [rows, in].</param>
    /// <returns>The current [rows, out].</returns>
    /// <exception cref="ArgumentException">x is not [rows, in], or <see cref="SynapsePath.Events"/> is forced on a non-0/1 input.</exception>
    public Tensor Forward(Tape tape, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        if (x.Shape.Rank != 2 || x.Shape[1] != InFeatures)
            throw new ArgumentException(
                $"{_label}: input {x.Shape} must be [rows, {InFeatures}] (rows = T·B, time-major); flatten samples to {InFeatures} features.", nameof(x));
        int rows = x.Shape[0], inF = InFeatures, outF = OutFeatures;
        var xs = x.Span;
        bool events = UseEvents(xs, rows);
        LastUsedEvents = events;
        var y = tape.Allocate(new Shape(rows, outF));
        ReadOnlySpan<float> bias = Bias is null ? default : Bias.Span;
        bool record = tape.ShouldRecord(x, Values, Bias);
        if (events)
        {
            int nnz = SpikeSynapse.CountEvents(xs);
            int[] ints = tape.AllocateInts(rows + 1 + nnz);
            var start = ints.AsSpan(0, rows + 1);
            var index = ints.AsSpan(rows + 1, nnz);
            SpikeSynapse.Compact(xs, rows, inF, start, index);
            Csr.ForwardEvents(Pattern, Values.Span, start, index, rows, bias, y.Span, tape.Threads);
            if (record)
                tape.Record(new TapeEntry { Op = OpCode.Custom, Custom = this, Output = y, A = x, B = Values, C = Bias, Ints = ints, I0 = rows, I1 = nnz, I2 = Pattern.Version, I3 = 1 });
        }
        else
        {
            var xT = tape.Allocate(new Shape(inF, rows));
            Csr.Transpose(xs, rows, inF, xT.Span);
            var yT = tape.Allocate(new Shape(outF, rows));
            Csr.Multiply(Pattern, Values.Span, false, xT.Span, rows, bias, yT.Span, tape.Threads);
            Csr.Transpose(yT.Span, outF, rows, y.Span);
            if (record)
                tape.Record(new TapeEntry { Op = OpCode.Custom, Custom = this, Output = y, A = x, B = Values, C = Bias, Saved0 = xT, I0 = rows, I2 = Pattern.Version, I3 = 0 });
        }
        return y;
    }

    bool UseEvents(ReadOnlySpan<float> xs, int rows)
    {
        switch (Path)
        {
            case SynapsePath.Dense:
                return false;
            case SynapsePath.Events:
                if (!SpikeLinear.IsBinary(xs))
                    throw new ArgumentException($"{_label}: the event path needs a 0/1 spike input, but the input [{rows}, {InFeatures}] holds other values; use SynapsePath.Dense or Auto.", nameof(xs));
                return true;
            default:
                return SpikeSynapse.CountEvents(xs) < EventDensityThreshold * xs.Length && SpikeLinear.IsBinary(xs);
        }
    }

    /// <inheritdoc/>
    public void Backward(Tape tape, in TapeEntry entry)
    {
        ArgumentNullException.ThrowIfNull(tape);
        if (entry.I2 != Pattern.Version)
            throw new InvalidOperationException(
                $"{_label}: the pattern was rewired (version {entry.I2} → {Pattern.Version}) between the forward and the backward; rewire after the optimizer step, before the next forward.");
        var x = entry.A!;
        int rows = entry.I0, inF = InFeatures, outF = OutFeatures;
        var dy = tape.GradOf(entry.Output)!.Span;
        bool needX = tape.NeedsGrad(x), needV = tape.NeedsGrad(Values);
        Tensor? dyT = null;
        if (needX || (needV && entry.I3 == 0))
        {
            dyT = tape.Allocate(new Shape(outF, rows));
            Csr.Transpose(dy, rows, outF, dyT.Span);
        }
        if (needX)
        {
            var dxT = tape.Allocate(new Shape(inF, rows));
            Csr.Multiply(Pattern, Values.Span, true, dyT!.Span, rows, default, dxT.Span, tape.Threads);
            var w = tape.BeginGrad(x);
            Csr.Transpose(dxT.Span, inF, rows, w.Span);
            w.Commit();
        }
        if (needV)
        {
            var gv = tape.GradSum(Values);
            if (entry.I3 == 1)
            {
                int nnz = entry.I1;
                var start = entry.Ints.AsSpan(0, rows + 1);
                var index = entry.Ints.AsSpan(rows + 1, nnz);
                int[] scratch = tape.AllocateInts(Csr.WeightGradEventsScratch(Pattern, nnz));
                Csr.WeightGradEvents(Pattern, start, index, rows, dy, gv, scratch, tape.Threads);
            }
            else
            {
                Csr.WeightGrad(Pattern, dyT!.Span, entry.Saved0!.Span, rows, gv, tape.Threads);
            }
        }
        if (entry.C is { } bias && tape.NeedsGrad(bias))
        {
            var db = tape.BeginGrad(bias);
            Reduce.SumColumns(dy, rows, outF, db.Span);
            db.Commit();
        }
    }
}
