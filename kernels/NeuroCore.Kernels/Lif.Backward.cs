using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NeuroCore.Kernels.Parallel;

namespace NeuroCore.Kernels;

public static unsafe partial class Lif
{
    /// <summary>
    /// BPTT through <see cref="ScanForward"/>: walks t from T−1 down to 0 with a gradV carry, the spike derivative
    /// replaced by the surrogate <c>g = sg.Grad(H_t − θ)</c>. The formulas are derived in Reference/Lif.cs
    /// (<see cref="Reference.LifScanBackward{TSurrogate}"/>); per neuron and step, with gV = ∂L/∂V_t:
    /// <code>
    /// soft: gH = gS·g + gV·(1 − θg)      gθ += −gS·g + gV·(θg − S)     (detached: 1 and −S)
    /// hard: gH = gS·g + gV·((1−S) − Hg)  gθ += −gS·g + gV·Hg           (detached: 1−S and 0)
    /// gI_t = gH;  gβ += gH·V_{t−1};  gV_{t−1} = β·gH
    /// </code>
    /// </summary>
    /// <typeparam name="TSurrogate">The surrogate gradient (a readonly struct, inlined).</typeparam>
    /// <param name="sg">The surrogate and its shape parameters.</param>
    /// <param name="v0">V0[N], the membrane before step 0 (needed for ∂L/∂β at t = 0; may be empty when β and θ
    /// need no gradient).</param>
    /// <param name="hSaved">H[T,N] saved by the forward pass.</param>
    /// <param name="spikes">S[T,N] from the forward pass.</param>
    /// <param name="gradSpikes">∂L/∂S[T,N].</param>
    /// <param name="gradVFinal">∂L/∂V_{T−1}[N], or empty for zero.</param>
    /// <param name="steps">T (≥ 0).</param>
    /// <param name="neurons">N (≥ 0).</param>
    /// <param name="beta">Decay β[N].</param>
    /// <param name="threshold">Threshold θ[N].</param>
    /// <param name="reset">The reset mode used forward.</param>
    /// <param name="detachReset">When true, the reset term's dependence on S is not differentiated.</param>
    /// <param name="gradInput">
    /// Destination ∂L/∂I[T,N] (overwritten); may be the very same span as <paramref name="gradSpikes"/> or as
    /// <paramref name="hSaved"/> (time runs downwards and element [t,n] of both is read, as is H[t−1,n], before
    /// gradInput[t,n] is written). Other overlaps are not supported.
    /// </param>
    /// <param name="gradBeta">∂L/∂β[N], ADDED to; empty together with <paramref name="gradThreshold"/> when neither
    /// β nor θ needs a gradient (both reductions are then skipped).</param>
    /// <param name="gradThreshold">∂L/∂θ[N], ADDED to; empty together with <paramref name="gradBeta"/> to skip both.</param>
    /// <param name="gradV0">Destination ∂L/∂V0[N] (overwritten), or empty.</param>
    /// <param name="threads">
    /// Threads to use, 1 to <see cref="FixedPartition.MaxThreads"/>: whole 1024-neuron tiles are split over them
    /// (N within one tile runs on the calling thread). Results are bitwise equal for every thread count.
    /// </param>
    /// <exception cref="ArgumentException">A span is too short, or a count is negative.</exception>
    public static void ScanBackward<TSurrogate>(in TSurrogate sg, ReadOnlySpan<float> v0, ReadOnlySpan<float> hSaved,
        ReadOnlySpan<float> spikes, ReadOnlySpan<float> gradSpikes, ReadOnlySpan<float> gradVFinal, int steps,
        int neurons, ReadOnlySpan<float> beta, ReadOnlySpan<float> threshold, LifReset reset, bool detachReset,
        Span<float> gradInput, Span<float> gradBeta, Span<float> gradThreshold, Span<float> gradV0, int threads = 1)
        where TSurrogate : struct, ISurrogate
    {
        CheckCounts(steps, neurons);
        CheckThreads(threads, "Lif.ScanBackward");
        nuint total = (nuint)steps * (nuint)neurons;
        int totalInt = (int)Math.Min(total, int.MaxValue);

        if ((nuint)hSaved.Length < total) Throw.LengthMismatch("Lif.ScanBackward: hSaved must hold T·N values", totalInt, hSaved.Length);
        if ((nuint)spikes.Length < total) Throw.LengthMismatch("Lif.ScanBackward: spikes must hold T·N values", totalInt, spikes.Length);
        if ((nuint)gradSpikes.Length < total) Throw.LengthMismatch("Lif.ScanBackward: gradSpikes must hold T·N values", totalInt, gradSpikes.Length);
        bool hasGvFinal = !gradVFinal.IsEmpty, hasGv0 = !gradV0.IsEmpty;
        if (hasGvFinal && gradVFinal.Length < neurons) Throw.LengthMismatch("Lif.ScanBackward: gradVFinal must hold N values", neurons, gradVFinal.Length);
        CheckNeuronSpans(neurons, beta, threshold);
        if ((nuint)gradInput.Length < total) Throw.DestinationTooShort(nameof(gradInput));
        // Both empty: β and θ need no gradient, and their reductions (two of the per-step streams) are skipped.
        bool parameters = !gradBeta.IsEmpty || !gradThreshold.IsEmpty;
        if (parameters && v0.Length < neurons) Throw.LengthMismatch("Lif.ScanBackward: v0 must hold N values", neurons, v0.Length);
        if (parameters && gradBeta.Length < neurons) Throw.DestinationTooShort(nameof(gradBeta));
        if (parameters && gradThreshold.Length < neurons) Throw.DestinationTooShort(nameof(gradThreshold));
        if (hasGv0 && gradV0.Length < neurons) Throw.DestinationTooShort(nameof(gradV0));
        if (neurons == 0) return;

        fixed (float* pv0 = v0, ph = hSaved, ps = spikes, pgs = gradSpikes, pgvf = gradVFinal, pb = beta, pt = threshold,
            pgi = gradInput, pgb = gradBeta, pgt = gradThreshold, pgv0 = gradV0)
        {
            var job = new BackwardJob<TSurrogate>
            {
                Sg = sg, V0 = pv0, H = ph, Spikes = ps, GradSpikes = pgs, GradVFinal = pgvf, Beta = pb, Threshold = pt,
                GradInput = pgi, GradBeta = pgb, GradThreshold = pgt, GradV0 = pgv0,
                N = (nuint)neurons, T = (nuint)steps, Soft = reset == LifReset.Soft, Detach = detachReset,
            };
            RunTiles(neurons, threads, in job);
        }
    }

    /// <summary>One backward scan's operands; <see cref="Invoke"/> runs the neuron tiles [start, limit).</summary>
    struct BackwardJob<TSurrogate> : IRangeBody where TSurrogate : struct, ISurrogate
    {
        public TSurrogate Sg;
        public float* V0, H, Spikes, GradSpikes, GradVFinal, Beta, Threshold, GradInput, GradBeta, GradThreshold, GradV0;
        public nuint N, T;
        public bool Soft, Detach;

        public readonly void Invoke(int start, int limit) => Backward(in this, (nuint)start * Tile, Math.Min((nuint)limit * Tile, N));
    }

    /// <summary>The backward scan over neurons [r0, r1) (r0 a tile boundary): vector tiles, then a scalar tail.</summary>
    static void Backward<TSurrogate>(in BackwardJob<TSurrogate> job, nuint r0, nuint r1) where TSurrogate : struct, ISurrogate
    {
        TSurrogate s = job.Sg;
        ref float v0r = ref Unsafe.AsRef<float>(job.V0);
        ref float hr = ref Unsafe.AsRef<float>(job.H);
        ref float sr = ref Unsafe.AsRef<float>(job.Spikes);
        ref float gsr = ref Unsafe.AsRef<float>(job.GradSpikes);
        ref float gvfr = ref Unsafe.AsRef<float>(job.GradVFinal);
        ref float br = ref Unsafe.AsRef<float>(job.Beta);
        ref float tr = ref Unsafe.AsRef<float>(job.Threshold);
        ref float gir = ref Unsafe.AsRef<float>(job.GradInput);
        ref float gbr = ref Unsafe.AsRef<float>(job.GradBeta);
        ref float gtr = ref Unsafe.AsRef<float>(job.GradThreshold);
        ref float gv0r = ref Unsafe.AsRef<float>(job.GradV0);
        bool soft = job.Soft, detach = job.Detach, parameters = job.GradBeta != null, hasGvFinal = job.GradVFinal != null, hasGv0 = job.GradV0 != null;
        // S enters gH only through the hard reset, and gθ (soft) only with the parameters: a soft-reset scan without them
        // (W3's layers) streams H and ∂L/∂S alone, one of its four [T, N] streams less.
        bool readSpikes = parameters || !soft;
        nuint n = job.N, T = job.T, j = r0;
        // Per tile: the gradV carry and the β, θ partial sums, in L1 like the forward's V (see Tile).
        Span<float> scratch = stackalloc float[3 * (int)Tile];
        ref float gvb = ref MemoryMarshal.GetReference(scratch);
        ref float gbb = ref Unsafe.Add(ref gvb, Tile);
        ref float gtb = ref Unsafe.Add(ref gvb, 2 * Tile);

        if (Vector512.IsHardwareAccelerated)
        {
            nuint w = (nuint)Vector512<float>.Count, end = r1 - (r1 - r0) % w;
            Vector512<float> one = Vector512<float>.One;
            for (nuint j0 = r0; j0 < end; j0 += Tile)
            {
                nuint j1 = Math.Min(j0 + Tile, end);
                for (nuint k = j0; k < j1; k += w)
                {
                    (hasGvFinal ? Vector512.LoadUnsafe(ref gvfr, k) : Vector512<float>.Zero).StoreUnsafe(ref gvb, k - j0);
                    Vector512<float>.Zero.StoreUnsafe(ref gbb, k - j0);
                    Vector512<float>.Zero.StoreUnsafe(ref gtb, k - j0);
                }
                for (nuint t = T; t-- > 0;)
                    for (nuint k = j0; k < j1; k += w)
                    {
                        nuint i = t * n + k, q = k - j0;
                        Vector512<float> th = Vector512.LoadUnsafe(ref tr, k), gv = Vector512.LoadUnsafe(ref gvb, q);
                        Vector512<float> h = Vector512.LoadUnsafe(ref hr, i), sp = readSpikes ? Vector512.LoadUnsafe(ref sr, i) : default;
                        Vector512<float> g = s.Grad(h - th);
                        Vector512<float> gsg = Vector512.LoadUnsafe(ref gsr, i) * g;
                        Vector512<float> dvdh, gtStep;
                        if (soft)
                        {
                            dvdh = detach ? one : one - th * g;
                            gtStep = detach ? gv * -sp : gv * (th * g - sp);
                        }
                        else
                        {
                            dvdh = detach ? one - sp : (one - sp) - h * g;
                            gtStep = detach ? Vector512<float>.Zero : gv * (h * g);
                        }
                        Vector512<float> gh = gsg + gv * dvdh;
                        if (parameters)
                        {
                            (Vector512.LoadUnsafe(ref gtb, q) + (gtStep - gsg)).StoreUnsafe(ref gtb, q);
                            Vector512<float> vPrev;
                            if (t == 0) vPrev = Vector512.LoadUnsafe(ref v0r, k);
                            else
                            {
                                Vector512<float> hp = Vector512.LoadUnsafe(ref hr, i - n), spp = Vector512.LoadUnsafe(ref sr, i - n);
                                vPrev = soft ? hp - spp * th : hp * (one - spp);
                            }
                            (Vector512.LoadUnsafe(ref gbb, q) + gh * vPrev).StoreUnsafe(ref gbb, q);
                        }
                        gh.StoreUnsafe(ref gir, i);
                        (gh * Vector512.LoadUnsafe(ref br, k)).StoreUnsafe(ref gvb, q);
                    }
                for (nuint k = j0; k < j1; k += w)
                {
                    if (parameters)
                    {
                        (Vector512.LoadUnsafe(ref gbr, k) + Vector512.LoadUnsafe(ref gbb, k - j0)).StoreUnsafe(ref gbr, k);
                        (Vector512.LoadUnsafe(ref gtr, k) + Vector512.LoadUnsafe(ref gtb, k - j0)).StoreUnsafe(ref gtr, k);
                    }
                    if (hasGv0) Vector512.LoadUnsafe(ref gvb, k - j0).StoreUnsafe(ref gv0r, k);
                }
            }
            j = end;
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            nuint w = (nuint)Vector256<float>.Count, end = r1 - (r1 - r0) % w;
            Vector256<float> one = Vector256<float>.One;
            for (nuint j0 = r0; j0 < end; j0 += Tile)
            {
                nuint j1 = Math.Min(j0 + Tile, end);
                for (nuint k = j0; k < j1; k += w)
                {
                    (hasGvFinal ? Vector256.LoadUnsafe(ref gvfr, k) : Vector256<float>.Zero).StoreUnsafe(ref gvb, k - j0);
                    Vector256<float>.Zero.StoreUnsafe(ref gbb, k - j0);
                    Vector256<float>.Zero.StoreUnsafe(ref gtb, k - j0);
                }
                for (nuint t = T; t-- > 0;)
                    for (nuint k = j0; k < j1; k += w)
                    {
                        nuint i = t * n + k, q = k - j0;
                        Vector256<float> th = Vector256.LoadUnsafe(ref tr, k), gv = Vector256.LoadUnsafe(ref gvb, q);
                        Vector256<float> h = Vector256.LoadUnsafe(ref hr, i), sp = readSpikes ? Vector256.LoadUnsafe(ref sr, i) : default;
                        Vector256<float> g = s.Grad(h - th);
                        Vector256<float> gsg = Vector256.LoadUnsafe(ref gsr, i) * g;
                        Vector256<float> dvdh, gtStep;
                        if (soft)
                        {
                            dvdh = detach ? one : one - th * g;
                            gtStep = detach ? gv * -sp : gv * (th * g - sp);
                        }
                        else
                        {
                            dvdh = detach ? one - sp : (one - sp) - h * g;
                            gtStep = detach ? Vector256<float>.Zero : gv * (h * g);
                        }
                        Vector256<float> gh = gsg + gv * dvdh;
                        if (parameters)
                        {
                            (Vector256.LoadUnsafe(ref gtb, q) + (gtStep - gsg)).StoreUnsafe(ref gtb, q);
                            Vector256<float> vPrev;
                            if (t == 0) vPrev = Vector256.LoadUnsafe(ref v0r, k);
                            else
                            {
                                Vector256<float> hp = Vector256.LoadUnsafe(ref hr, i - n), spp = Vector256.LoadUnsafe(ref sr, i - n);
                                vPrev = soft ? hp - spp * th : hp * (one - spp);
                            }
                            (Vector256.LoadUnsafe(ref gbb, q) + gh * vPrev).StoreUnsafe(ref gbb, q);
                        }
                        gh.StoreUnsafe(ref gir, i);
                        (gh * Vector256.LoadUnsafe(ref br, k)).StoreUnsafe(ref gvb, q);
                    }
                for (nuint k = j0; k < j1; k += w)
                {
                    if (parameters)
                    {
                        (Vector256.LoadUnsafe(ref gbr, k) + Vector256.LoadUnsafe(ref gbb, k - j0)).StoreUnsafe(ref gbr, k);
                        (Vector256.LoadUnsafe(ref gtr, k) + Vector256.LoadUnsafe(ref gtb, k - j0)).StoreUnsafe(ref gtr, k);
                    }
                    if (hasGv0) Vector256.LoadUnsafe(ref gvb, k - j0).StoreUnsafe(ref gv0r, k);
                }
            }
            j = end;
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            nuint w = (nuint)Vector128<float>.Count, end = r1 - (r1 - r0) % w;
            Vector128<float> one = Vector128<float>.One;
            for (nuint j0 = r0; j0 < end; j0 += Tile)
            {
                nuint j1 = Math.Min(j0 + Tile, end);
                for (nuint k = j0; k < j1; k += w)
                {
                    (hasGvFinal ? Vector128.LoadUnsafe(ref gvfr, k) : Vector128<float>.Zero).StoreUnsafe(ref gvb, k - j0);
                    Vector128<float>.Zero.StoreUnsafe(ref gbb, k - j0);
                    Vector128<float>.Zero.StoreUnsafe(ref gtb, k - j0);
                }
                for (nuint t = T; t-- > 0;)
                    for (nuint k = j0; k < j1; k += w)
                    {
                        nuint i = t * n + k, q = k - j0;
                        Vector128<float> th = Vector128.LoadUnsafe(ref tr, k), gv = Vector128.LoadUnsafe(ref gvb, q);
                        Vector128<float> h = Vector128.LoadUnsafe(ref hr, i), sp = readSpikes ? Vector128.LoadUnsafe(ref sr, i) : default;
                        Vector128<float> g = s.Grad(h - th);
                        Vector128<float> gsg = Vector128.LoadUnsafe(ref gsr, i) * g;
                        Vector128<float> dvdh, gtStep;
                        if (soft)
                        {
                            dvdh = detach ? one : one - th * g;
                            gtStep = detach ? gv * -sp : gv * (th * g - sp);
                        }
                        else
                        {
                            dvdh = detach ? one - sp : (one - sp) - h * g;
                            gtStep = detach ? Vector128<float>.Zero : gv * (h * g);
                        }
                        Vector128<float> gh = gsg + gv * dvdh;
                        if (parameters)
                        {
                            (Vector128.LoadUnsafe(ref gtb, q) + (gtStep - gsg)).StoreUnsafe(ref gtb, q);
                            Vector128<float> vPrev;
                            if (t == 0) vPrev = Vector128.LoadUnsafe(ref v0r, k);
                            else
                            {
                                Vector128<float> hp = Vector128.LoadUnsafe(ref hr, i - n), spp = Vector128.LoadUnsafe(ref sr, i - n);
                                vPrev = soft ? hp - spp * th : hp * (one - spp);
                            }
                            (Vector128.LoadUnsafe(ref gbb, q) + gh * vPrev).StoreUnsafe(ref gbb, q);
                        }
                        gh.StoreUnsafe(ref gir, i);
                        (gh * Vector128.LoadUnsafe(ref br, k)).StoreUnsafe(ref gvb, q);
                    }
                for (nuint k = j0; k < j1; k += w)
                {
                    if (parameters)
                    {
                        (Vector128.LoadUnsafe(ref gbr, k) + Vector128.LoadUnsafe(ref gbb, k - j0)).StoreUnsafe(ref gbr, k);
                        (Vector128.LoadUnsafe(ref gtr, k) + Vector128.LoadUnsafe(ref gtb, k - j0)).StoreUnsafe(ref gtr, k);
                    }
                    if (hasGv0) Vector128.LoadUnsafe(ref gvb, k - j0).StoreUnsafe(ref gv0r, k);
                }
            }
            j = end;
        }
        for (; j < r1; j++)
        {
            float b = Unsafe.Add(ref br, j), th = Unsafe.Add(ref tr, j);
            float gv = hasGvFinal ? Unsafe.Add(ref gvfr, j) : 0f;
            float gb = 0f, gt = 0f;
            for (nuint t = T; t-- > 0;)
            {
                nuint i = t * n + j;
                float h = Unsafe.Add(ref hr, i), sp = readSpikes ? Unsafe.Add(ref sr, i) : 0f;
                float g = s.Grad(h - th);
                float gsg = Unsafe.Add(ref gsr, i) * g;
                float dvdh, gtStep;
                if (soft)
                {
                    dvdh = detach ? 1f : 1f - th * g;
                    gtStep = detach ? gv * -sp : gv * (th * g - sp);
                }
                else
                {
                    dvdh = detach ? 1f - sp : (1f - sp) - h * g;
                    gtStep = detach ? 0f : gv * (h * g);
                }
                float gh = gsg + gv * dvdh;
                if (parameters)
                {
                    gt += gtStep - gsg;
                    float vPrev;
                    if (t == 0) vPrev = Unsafe.Add(ref v0r, j);
                    else
                    {
                        float hp = Unsafe.Add(ref hr, i - n), spp = Unsafe.Add(ref sr, i - n);
                        vPrev = soft ? hp - spp * th : hp * (1f - spp);
                    }
                    gb += gh * vPrev;
                }
                Unsafe.Add(ref gir, i) = gh;
                gv = gh * b;
            }
            if (parameters)
            {
                Unsafe.Add(ref gbr, j) += gb;
                Unsafe.Add(ref gtr, j) += gt;
            }
            if (hasGv0) Unsafe.Add(ref gv0r, j) = gv;
        }
    }
}
