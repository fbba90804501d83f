using FsCheck;
using FsCheck.Fluent;
using NeuroCore.Kernels;

namespace NeuroCore.Snn.Tests.Neurons;

/// <summary>One neuron-layer problem (LIF, or ALIF when <see cref="Adaptive"/>) for a property (printed on failure, so replayable from the seed).</summary>
public sealed record NeuronCase(int Steps, int Batch, int Groups, int Inner, LifReset Reset, bool Detach,
    SurrogateSpec Surrogate, bool TimeBatchAxes, bool Adaptive, int Seed)
{
    /// <summary>Features per sample.</summary>
    public int Features => Groups * Inner;

    /// <summary>B × F.</summary>
    public int Neurons => Batch * Features;

    /// <summary>The current's shape: [T·B, G, Inner] or [T, B, G·Inner].</summary>
    public Shape CurrentShape => TimeBatchAxes ? new Shape(Steps, Batch, Features) : new Shape(Steps * Batch, Groups, Inner);

    /// <inheritdoc/>
    public override string ToString() =>
        $"{(Adaptive ? "ALIF" : "LIF")} T={Steps} B={Batch} G={Groups} inner={Inner} {Reset} detach={Detach} {Surrogate} {(TimeBatchAxes ? "[T,B,F]" : "[T·B,G,I]")} seed={Seed}";
}

/// <summary>FsCheck generators for the neuron tests (small sizes: every case runs a composed per-step graph).</summary>
internal static class NeuronGens
{
    /// <summary>A surrogate of every kind with a moderate parameter (peak slope of order 1, so BPTT stays tame).</summary>
    public static Gen<SurrogateSpec> Surrogate =>
        from kind in Gen.Elements(Enum.GetValues<SurrogateKind>())
        from scale in Gen.Choose(5, 25)
        select new SurrogateSpec(kind, scale / 10f); // k, α or width in [0.5, 2.5]

    public static Arbitrary<NeuronCase> Cases(int maxSteps = 6, int maxBatch = 3, int maxGroups = 4, int maxInner = 3) =>
        (from steps in Gen.Choose(1, maxSteps)
         from batch in Gen.Choose(1, maxBatch)
         from groups in Gen.Choose(1, maxGroups)
         from inner in Gen.Choose(1, maxInner)
         from reset in Gen.Elements(LifReset.Soft, LifReset.Hard)
         from detach in Gen.Elements(false, true)
         from sg in Surrogate
         from axes in Gen.Elements(false, true)
         from adaptive in Gen.Elements(false, true)
         from seed in Gen.Choose(0, 1_000_000)
         select new NeuronCase(steps, batch, groups, inner, reset, detach, sg, axes, adaptive, seed)).ToArbitrary();
}
