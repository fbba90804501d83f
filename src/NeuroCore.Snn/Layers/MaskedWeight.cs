using NeuroCore.Kernels;

namespace NeuroCore.Snn;

/// <summary>
/// A dense weight made sparse by a binary mask (the dense-mask mirror of a sparse synapse): any layer's weight
/// tensor, e.g. <see cref="SpikingConv2d.Weight"/> [O, C, 3, 3] or <see cref="SpikingLinear.Weight"/> [out, in].
/// The effective weight is W ⊙ M; the layer itself stays dense, so this saves no time, only synapses.
/// </summary>
/// <remarks>
/// Erdős–Rényi start: exactly round(d·n) positions (at least 1), drawn uniformly (a partial Fisher–Yates shuffle
/// driven by Philox (seed, FNV(name))), the same p = d per kernel element for a convolution; the kept weights are
/// scaled by 1/√d so the fan-in variance of a Kaiming-style init is kept. The mask is a store buffer
/// <c>{name}.mask</c> (1 active, 0 inactive), so checkpoints carry it. Training calls <see cref="MaskGradient"/>
/// before and <see cref="ApplyMask"/> after every optimizer step, so neither the gradient nor the optimizer's
/// state (momentum, decay) can revive a pruned weight.
/// </remarks>
public sealed class MaskedWeight : ISparseSynapse
{
    readonly Tensor _mask;

    /// <summary>Masks <paramref name="weight"/> (a parameter of <paramref name="store"/>) to density <paramref name="density"/>.</summary>
    /// <param name="store">The store that holds <paramref name="weight"/>; the mask buffer is added to it.</param>
    /// <param name="name">The layer name (the buffer is <c>{name}.mask</c>).</param>
    /// <param name="weight">The dense weight; its masked entries are zeroed and the rest scaled by 1/√d (when <paramref name="rescale"/>).</param>
    /// <param name="density">The fraction d ∈ (0, 1] of active positions.</param>
    /// <param name="seed">The model seed.</param>
    /// <param name="rescale">Scale the kept weights by 1/√d.</param>
    /// <exception cref="ArgumentOutOfRangeException">The density is outside (0, 1].</exception>
    public MaskedWeight(ParameterStore store, string name, Tensor weight, double density, ulong seed, bool rescale = true)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(weight);
        CheckDensity(density, name);
        if (weight.Grad is null)
            throw new ArgumentException($"MaskedWeight '{name}': the weight {weight.Shape} has no gradient; pass a parameter of the store.", nameof(weight));
        Name = name;
        Values = weight;
        Positions = weight.Size;
        _mask = store.AddBuffer(name + ".mask", weight.Shape, 0f);
        int n = weight.Size;
        int k = Math.Clamp((int)Math.Round(density * n), 1, n);
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var rng = new PhiloxGenerator(seed, NameStream(name));
        for (int i = 0; i < k; i++)
        {
            int j = i + rng.NextInt(n - i);
            (order[i], order[j]) = (order[j], order[i]);
        }
        var mask = _mask.Span;
        for (int i = 0; i < k; i++) mask[order[i]] = 1f;
        Nnz = k;
        float scale = rescale ? (float)(1.0 / Math.Sqrt(density)) : 1f;
        var w = weight.Span;
        for (int i = 0; i < n; i++) w[i] *= mask[i] * scale;
    }

    /// <summary>Throws naming the layer when <paramref name="density"/> is outside (0, 1] or NaN.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The density is outside (0, 1].</exception>
    public static void CheckDensity(double density, string layer)
    {
        if (!(density > 0 && density <= 1))
            throw new ArgumentOutOfRangeException(nameof(density), density,
                $"{layer}: the connection density must be in (0, 1] (a fraction: 0.1 keeps 10 % of the synapses, 1 is dense); got {density}.");
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public Tensor Values { get; }

    /// <summary>The mask buffer (1 active, 0 inactive), shaped like the weight.</summary>
    public Tensor Mask => _mask;

    /// <inheritdoc/>
    public int Nnz { get; private set; }

    /// <inheritdoc/>
    public long Positions { get; }

    /// <inheritdoc/>
    public double Density => (double)Nnz / Positions;

    /// <inheritdoc/>
    public void MaskGradient()
    {
        var g = Values.Grad!.Span;
        var m = _mask.Span;
        for (int i = 0; i < g.Length; i++) g[i] *= m[i];
    }

    /// <inheritdoc/>
    public void ApplyMask()
    {
        var w = Values.Span;
        var m = _mask.Span;
        for (int i = 0; i < w.Length; i++) w[i] *= m[i];
    }

    /// <inheritdoc/>
    public void DenseGradient(Span<float> destination)
    {
        if (destination.Length != Positions)
            throw new ArgumentException($"MaskedWeight '{Name}': the destination holds {destination.Length} values, the weight {Values.Shape} has {Positions}.", nameof(destination));
        Values.Grad!.Span.CopyTo(destination);
    }

    /// <inheritdoc/>
    public RewireResult Rewire(float zeta, PruneRule prune, GrowRule grow, ulong seed, ulong stream, ReadOnlySpan<float> denseGradient)
    {
        Rewiring.CheckZeta(zeta, $"MaskedWeight '{Name}'");
        int n = (int)Positions;
        var mask = _mask.Span;
        var w = Values.Span;
        var state = new byte[n];
        var active = new int[Nnz];
        var values = new float[Nnz];
        for (int p = 0, a = 0; p < n; p++)
        {
            if (mask[p] == 0f) continue;
            state[p] = Rewiring.Active;
            active[a] = p;
            values[a++] = w[p];
        }
        int eligible = n - Nnz;
        var pruned = Rewiring.SelectPrune(values, zeta, prune, eligible);
        var source = new int[n];
        for (int p = 0; p < n; p++) source[p] = p;
        foreach (int a in pruned)
        {
            int p = active[a];
            state[p] = Rewiring.JustPruned;
            mask[p] = 0f;
            w[p] = 0f;
            source[p] = -1;
        }
        var grown = grow == GrowRule.Random
            ? Rewiring.GrowRandom(state, pruned.Length, seed, stream)
            : Rewiring.GrowByGradient(state, denseGradient, pruned.Length);
        foreach (int p in grown)
        {
            mask[p] = 1f;
            w[p] = 0f;
            source[p] = -1;
        }
        return new RewireResult(pruned.Length, grown.Length, Nnz, source);
    }

    /// <summary>An FNV-1a hash of the layer name: the Philox stream of its initial pattern.</summary>
    internal static ulong NameStream(string name)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in name) h = (h ^ c) * 1099511628211UL;
        return h;
    }
}
