using System.Globalization;
using NeuroCore.Autodiff;

namespace NeuroCore.Snn;

/// <summary>
/// Shape rules and the per-group ↔ per-neuron maps shared by the LIF and ALIF neurons. A layer's neuron parameters
/// hold one value per group (Features = Groups × Inner, each value repeated over Inner contiguous features); the
/// kernels want one value per neuron of the whole batch, N = B × Features.
/// </summary>
internal static class NeuronLayout
{
    /// <summary>
    /// The batch size B of a time-major current: [T·B, ...] (leading size a multiple of T, the rest Features) or
    /// [T, B, ...] (the rest Features). Throws naming the layer and the shape otherwise
    /// (<paramref name="paramName"/> is the caller's argument name for the current).
    /// </summary>
    public static int BatchOf(string layer, Shape shape, int steps, int features, string paramName)
    {
        if (steps < 1)
            throw new ArgumentOutOfRangeException(nameof(steps), steps, $"{layer}: the number of time steps T must be ≥ 1, got {steps}.");
        if (shape.Rank < 2)
            throw new ArgumentException($"{layer}: current {shape} must be time-major [T·B, features...] or [T, B, features...] (T = {steps}, features = {features}); reshape it.", paramName);
        int lead = shape[0];
        long perRow = shape.SizeOf(1, shape.Rank);
        if (lead % steps != 0)
            throw new ArgumentException($"{layer}: current {shape} has leading size {lead}, which is not a multiple of T = {steps}; its layout must be time-major [T·B, ...] or [T, B, ...] (did you pass the wrong T, or a batch-major tensor?).", paramName);
        if (perRow == features) return lead / steps;              // [T·B, F...]
        if (lead == steps && shape.Rank >= 3 && shape.SizeOf(2, shape.Rank) == features) return shape[1]; // [T, B, F...]
        throw new ArgumentException($"{layer}: current {shape} does not hold {features} features per sample (layer shape Groups × Inner); expected [T·B, {features}] or [T, B, {features}] with T = {steps}.", paramName);
    }

    /// <summary>Repeats each per-group value over Inner features and the batch: <c>dst[(b·G + g)·Inner + i] = src[g]</c>.</summary>
    public static void Broadcast(ReadOnlySpan<float> perGroup, int inner, int batch, Span<float> dst)
    {
        int features = perGroup.Length * inner;
        Span<float> row = dst[..features];
        if (inner == 1) perGroup.CopyTo(row);
        else
            for (int g = 0; g < perGroup.Length; g++)
                row.Slice(g * inner, inner).Fill(perGroup[g]);
        for (int b = 1; b < batch; b++)
            row.CopyTo(dst.Slice(b * features, features));
    }

    /// <summary>
    /// The adjoint of <see cref="Broadcast"/>: <c>dst[g] = Σ_b Σ_i src[(b·G + g)·Inner + i]</c>, summed in a fixed order
    /// (so the result does not depend on thread counts).
    /// </summary>
    public static void Reduce(ReadOnlySpan<float> perNeuron, int groups, int inner, int batch, Span<float> dst)
    {
        int features = groups * inner;
        dst[..groups].Clear();
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> row = perNeuron.Slice(b * features, features);
            if (inner == 1)
                System.Numerics.Tensors.TensorPrimitives.Add(dst[..groups], row, dst[..groups]);
            else
                for (int g = 0; g < groups; g++)
                    dst[g] += System.Numerics.Tensors.TensorPrimitives.Sum(row.Slice(g * inner, inner));
        }
    }

    /// <summary>A tape-owned [B·Groups·Inner] tensor holding <paramref name="perGroup"/> broadcast (see <see cref="Broadcast(ReadOnlySpan{float}, int, int, Span{float})"/>).</summary>
    public static Tensor Broadcast(Tape tape, Tensor perGroup, int inner, int batch)
    {
        var t = tape.Allocate(new Shape(batch * perGroup.Size * inner));
        Broadcast(perGroup.Span, inner, batch, t.Span);
        return t;
    }

    /// <summary>
    /// When <paramref name="perGroup"/> needs a gradient, adds <paramref name="perNeuron"/> reduced to its groups
    /// (see <see cref="Reduce"/>) into it.
    /// </summary>
    public static void AccumulateGrad(Tape tape, Tensor perGroup, ReadOnlySpan<float> perNeuron, int inner, int batch)
    {
        if (!tape.NeedsGrad(perGroup)) return;
        var w = tape.BeginGrad(perGroup);
        Reduce(perNeuron, perGroup.Size, inner, batch, w.Span);
        w.Commit();
    }

    /// <summary>One instance per <see cref="SurrogateKind"/>, built once (the shared stateless backward objects).</summary>
    public static T[] PerSurrogateKind<T>(Func<SurrogateKind, T> create)
    {
        var all = new T[SurrogateSpec.Names.Count];
        for (int i = 0; i < all.Length; i++) all[i] = create((SurrogateKind)i);
        return all;
    }

    /// <summary>Describes a state's shape for messages: "layer 'x', batch B × F features".</summary>
    public static string Describe(string layer, int batch, int features) =>
        string.Create(CultureInfo.InvariantCulture, $"layer '{layer}' [B = {batch}, F = {features}]");
}
