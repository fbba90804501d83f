using NeuroCore.Kernels;

namespace NeuroCore.Nn;

/// <summary>Seeded parameter initialisation: counter-based Philox keyed by (seed, a stream derived from the parameter name).</summary>
public static class Init
{
    /// <summary>
    /// Fills <paramref name="values"/> with U(−bound, bound) drawn from Philox at (<paramref name="seed"/>,
    /// <see cref="StreamOf"/>(<paramref name="name"/>)), so each parameter's values depend only on the seed and its name.
    /// </summary>
    public static void Uniform(Span<float> values, float bound, ulong seed, string name)
    {
        Philox.Uniform(seed, StreamOf(name), 0, values);
        for (int i = 0; i < values.Length; i++) values[i] = (2f * values[i] - 1f) * bound;
    }

    /// <summary>
    /// Adds "{name}.weight" of <paramref name="weightShape"/> and, when <paramref name="bias"/>, "{name}.bias" [out] to the
    /// store, both U(±1/√fanIn) (PyTorch's default for Linear and Conv2d), where out is the first weight dimension.
    /// </summary>
    public static (Tensor Weight, Tensor? Bias) WeightAndBias(ParameterStore store, string name, Shape weightShape, int fanIn, ulong seed, bool bias)
    {
        ArgumentNullException.ThrowIfNull(store);
        float bound = DefaultBound(fanIn);
        var weight = store.Add(name + ".weight", weightShape);
        Uniform(weight.Span, bound, seed, weight.Name!);
        if (!bias) return (weight, null);
        var b = store.Add(name + ".bias", new Shape(weightShape[0]));
        Uniform(b.Span, bound, seed, b.Name!);
        return (weight, b);
    }

    /// <summary>PyTorch's default bound for Linear and Conv2d weights and biases: <c>1/√fanIn</c>.</summary>
    public static float DefaultBound(int fanIn) => fanIn > 0 ? 1f / MathF.Sqrt(fanIn) : 0f;

    /// <summary>A stable 64-bit stream id for a name (FNV-1a over its UTF-16 code units; never randomised per process).</summary>
    public static ulong StreamOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        ulong h = 14695981039346656037UL;
        foreach (char c in name)
        {
            h ^= c;
            h *= 1099511628211UL;
        }
        return h;
    }
}
