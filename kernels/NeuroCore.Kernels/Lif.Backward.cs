using System.Runtime.CompilerServices;
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
    struct BackwardJob<TSurrogate> : IRangeBody, ITileLoop where TSurrogate : struct, ISurrogate
    {
        public TSurrogate Sg;
        public float* V0, H, Spikes, GradSpikes, GradVFinal, Beta, Threshold, GradInput, GradBeta, GradThreshold, GradV0;
        // Per tile: the gradV carry and the β, θ partial sums (3 × Tile floats on the invoking thread's stack), in L1
        // like the forward's V (see Lif.Tile).
        public float* Scratch;
        public nuint N, T;
        public bool Soft, Detach;

        public readonly void Invoke(int start, int limit)
        {
            BackwardJob<TSurrogate> job = this;
            float* scratch = stackalloc float[3 * (int)Lif.Tile];
            job.Scratch = scratch;
            RunLanes(job, (nuint)start * Lif.Tile, Math.Min((nuint)limit * Lif.Tile, N));
        }

        /// <summary>The reverse time loop, tile by tile over [r0, r1), the carry and partial sums in <see cref="Scratch"/>.</summary>
        // Fully optimised from the first call, like every call after it: tiered code can negate a NaN with another sign
        // bit, and the gradients must be bitwise the same on every call and for every thread count.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Tiles<TL, TV>(nuint r0, nuint r1) where TL : struct, ILanes<TV> where TV : struct
        {
            TSurrogate sg = Sg;
            ref float v0r = ref Unsafe.AsRef<float>(V0);
            ref float hr = ref Unsafe.AsRef<float>(H);
            ref float sr = ref Unsafe.AsRef<float>(Spikes);
            ref float gsr = ref Unsafe.AsRef<float>(GradSpikes);
            ref float gvfr = ref Unsafe.AsRef<float>(GradVFinal);
            ref float br = ref Unsafe.AsRef<float>(Beta);
            ref float tr = ref Unsafe.AsRef<float>(Threshold);
            ref float gir = ref Unsafe.AsRef<float>(GradInput);
            ref float gbr = ref Unsafe.AsRef<float>(GradBeta);
            ref float gtr = ref Unsafe.AsRef<float>(GradThreshold);
            ref float gv0r = ref Unsafe.AsRef<float>(GradV0);
            ref float gvb = ref Unsafe.AsRef<float>(Scratch);
            ref float gbb = ref Unsafe.Add(ref gvb, Lif.Tile);
            ref float gtb = ref Unsafe.Add(ref gvb, 2 * Lif.Tile);
            bool soft = Soft, detach = Detach, parameters = GradBeta != null, hasGvFinal = GradVFinal != null, hasGv0 = GradV0 != null;
            // S enters gH only through the hard reset, and gθ (soft) only with the parameters: a soft-reset scan without
            // them (W3's layers) streams H and ∂L/∂S alone, one of its four [T, N] streams less.
            bool readSpikes = parameters || !soft;
            nuint n = N, w = TL.Count;
            TV one = TL.Splat(1f), zero = TL.Zero;
            for (nuint j0 = r0; j0 < r1; j0 += Lif.Tile)
            {
                nuint j1 = Math.Min(j0 + Lif.Tile, r1);
                for (nuint k = j0; k < j1; k += w)
                {
                    TL.Store(hasGvFinal ? TL.Load(ref gvfr, k) : zero, ref gvb, k - j0);
                    TL.Store(zero, ref gbb, k - j0);
                    TL.Store(zero, ref gtb, k - j0);
                }
                for (nuint t = T; t-- > 0;)
                    for (nuint k = j0; k < j1; k += w)
                    {
                        nuint i = t * n + k, q = k - j0;
                        TV th = TL.Load(ref tr, k), gv = TL.Load(ref gvb, q);
                        TV h = TL.Load(ref hr, i), sp = readSpikes ? TL.Load(ref sr, i) : zero;
                        TV g = TL.Grad(in sg, TL.Sub(h, th));
                        TV gsg = TL.Mul(TL.Load(ref gsr, i), g);
                        TV dvdh, gtStep;
                        if (soft)
                        {
                            dvdh = detach ? one : TL.Sub(one, TL.Mul(th, g));
                            gtStep = detach ? TL.Mul(gv, TL.Neg(sp)) : TL.Mul(gv, TL.Sub(TL.Mul(th, g), sp));
                        }
                        else
                        {
                            dvdh = detach ? TL.Sub(one, sp) : TL.Sub(TL.Sub(one, sp), TL.Mul(h, g));
                            gtStep = detach ? zero : TL.Mul(gv, TL.Mul(h, g));
                        }
                        TV gh = TL.Add(gsg, TL.Mul(gv, dvdh));
                        if (parameters)
                        {
                            TL.Store(TL.Add(TL.Load(ref gtb, q), TL.Sub(gtStep, gsg)), ref gtb, q);
                            TV vPrev = t == 0 ? TL.Load(ref v0r, k)
                                : Reset<TL, TV>(soft, TL.Load(ref hr, i - n), TL.Load(ref sr, i - n), th, one);
                            TL.Store(TL.Add(TL.Load(ref gbb, q), TL.Mul(gh, vPrev)), ref gbb, q);
                        }
                        TL.Store(gh, ref gir, i);
                        TL.Store(TL.Mul(gh, TL.Load(ref br, k)), ref gvb, q);
                    }
                for (nuint k = j0; k < j1; k += w)
                {
                    if (parameters)
                    {
                        TL.Store(TL.Add(TL.Load(ref gbr, k), TL.Load(ref gbb, k - j0)), ref gbr, k);
                        TL.Store(TL.Add(TL.Load(ref gtr, k), TL.Load(ref gtb, k - j0)), ref gtr, k);
                    }
                    if (hasGv0) TL.Store(TL.Load(ref gvb, k - j0), ref gv0r, k);
                }
            }
        }
    }
}
