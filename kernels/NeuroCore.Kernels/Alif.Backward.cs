using System.Runtime.CompilerServices;
using NeuroCore.Kernels.Parallel;

namespace NeuroCore.Kernels;

public static unsafe partial class Alif
{
    /// <summary>
    /// BPTT through <see cref="ScanForward"/>: walks t from T−1 down to 0 with the carries gV = ∂L/∂V_t and
    /// gA = ∂L/∂A_t, the spike derivative replaced by the surrogate <c>g = sg.Grad(H_t − θ_t)</c> (∂S/∂θ_t = −g: the
    /// threshold path carries gradient into κ, ρ, θ0 and back in time through A). Derived in Reference/Alif.cs
    /// (<see cref="Reference.AlifScanBackward{TSurrogate}"/>); per neuron and step:
    /// <code>
    /// gŜ = gS + (1−ρ)·gA − gV·(soft ? θ_t : H_t)      (detached reset: without the gV term)
    /// gH = gŜ·g + (soft ? gV : gV·(1 − S));   gθ = −gŜ·g − (soft ? gV·S : 0)
    /// gI_t = gH;  gβ += gH·V_{t−1};  gθ0 += gθ;  gκ += gθ·A_{t−1};  gρ += gA·(A_{t−1} − S)
    /// gV ← β·gH;  gA ← ρ·gA + κ·gθ
    /// </code>
    /// θ_t is recomputed as θ0 + κ·A_{t−1} from the forward's saved trace <paramref name="aSaved"/> with the forward's
    /// float operations (bitwise the forward's θ_t), so the pass needs no scratch beyond a tile's carries on the stack:
    /// it holds no state and allocates nothing, first call included.
    /// </summary>
    /// <typeparam name="TSurrogate">The surrogate gradient (a readonly struct, inlined).</typeparam>
    /// <param name="sg">The surrogate and its shape parameters.</param>
    /// <param name="v0">V0[N], the membrane before step 0.</param>
    /// <param name="hSaved">H[T,N] saved by the forward pass.</param>
    /// <param name="aSaved">A_{t−1}[T,N], the trace in force at each step, saved by the forward pass (row 0 is A_{−1}).</param>
    /// <param name="spikes">S[T,N] from the forward pass.</param>
    /// <param name="gradSpikes">∂L/∂S[T,N].</param>
    /// <param name="steps">T (≥ 0).</param>
    /// <param name="neurons">N (≥ 0).</param>
    /// <param name="beta">Decay β[N].</param>
    /// <param name="theta0">Baseline threshold θ0[N].</param>
    /// <param name="rho">Trace decay ρ[N].</param>
    /// <param name="kappa">Adaptation strength κ[N].</param>
    /// <param name="reset">The reset mode used forward.</param>
    /// <param name="detachReset">When true, the reset term's dependence on S is not differentiated (A's still is).</param>
    /// <param name="gradInput">
    /// Destination ∂L/∂I[T,N] (overwritten); may be the very same span as <paramref name="gradSpikes"/>. Other overlaps
    /// are not supported.
    /// </param>
    /// <param name="gradBeta">∂L/∂β[N], ADDED to.</param>
    /// <param name="gradTheta0">∂L/∂θ0[N], ADDED to.</param>
    /// <param name="gradRho">∂L/∂ρ[N], ADDED to.</param>
    /// <param name="gradKappa">∂L/∂κ[N], ADDED to.</param>
    /// <param name="threads">
    /// Threads to use, 1 to <see cref="FixedPartition.MaxThreads"/>: whole 1024-neuron tiles are split over them
    /// (N within one tile runs on the calling thread). Results are bitwise equal for every thread count.
    /// </param>
    /// <exception cref="ArgumentException">A span is too short, or a count is negative.</exception>
    public static void ScanBackward<TSurrogate>(in TSurrogate sg, ReadOnlySpan<float> v0, ReadOnlySpan<float> hSaved,
        ReadOnlySpan<float> aSaved, ReadOnlySpan<float> spikes, ReadOnlySpan<float> gradSpikes, int steps, int neurons,
        ReadOnlySpan<float> beta, ReadOnlySpan<float> theta0, ReadOnlySpan<float> rho, ReadOnlySpan<float> kappa,
        LifReset reset, bool detachReset, Span<float> gradInput, Span<float> gradBeta, Span<float> gradTheta0,
        Span<float> gradRho, Span<float> gradKappa, int threads = 1)
        where TSurrogate : struct, ISurrogate
    {
        const string Op = "Alif.ScanBackward";
        Lif.CheckCounts(steps, neurons);
        Lif.CheckThreads(threads, Op);
        nuint total = (nuint)steps * (nuint)neurons;
        if (v0.Length < neurons) Throw.LengthMismatch($"{Op}: v0 must hold N = {neurons} values", neurons, v0.Length);
        CheckSteps(Op, "hSaved", hSaved.Length, total, steps, neurons);
        CheckSteps(Op, "aSaved", aSaved.Length, total, steps, neurons);
        CheckSteps(Op, "spikes", spikes.Length, total, steps, neurons);
        CheckSteps(Op, "gradSpikes", gradSpikes.Length, total, steps, neurons);
        CheckParameters(Op, neurons, beta, theta0, rho, kappa);
        CheckSteps(Op, "gradInput", gradInput.Length, total, steps, neurons);
        if (gradBeta.Length < neurons) Throw.LengthMismatch($"{Op}: gradBeta must hold N = {neurons} values", neurons, gradBeta.Length);
        if (gradTheta0.Length < neurons) Throw.LengthMismatch($"{Op}: gradTheta0 must hold N = {neurons} values", neurons, gradTheta0.Length);
        if (gradRho.Length < neurons) Throw.LengthMismatch($"{Op}: gradRho must hold N = {neurons} values", neurons, gradRho.Length);
        if (gradKappa.Length < neurons) Throw.LengthMismatch($"{Op}: gradKappa must hold N = {neurons} values", neurons, gradKappa.Length);
        if (total == 0) return;

        fixed (float* pv0 = v0, ph = hSaved, pas = aSaved, ps = spikes, pgs = gradSpikes, pb = beta, pt0 = theta0,
            pr = rho, pk = kappa, pgi = gradInput, pgb = gradBeta, pgt0 = gradTheta0, pgr = gradRho, pgk = gradKappa)
        {
            var job = new BackwardJob<TSurrogate>
            {
                Sg = sg, V0 = pv0, H = ph, APrev = pas, Spikes = ps, GradSpikes = pgs, Beta = pb, Theta0 = pt0,
                Rho = pr, Kappa = pk, GradInput = pgi, GradBeta = pgb, GradTheta0 = pgt0, GradRho = pgr, GradKappa = pgk,
                N = (nuint)neurons, T = (nuint)steps, Soft = reset == LifReset.Soft, Detach = detachReset,
            };
            Lif.RunTiles(neurons, threads, in job);
        }
    }

    // Scratch rows per tile: the gV and gA carries, then the β, θ0, κ, ρ partial sums.
    const nuint Carries = 6;

    /// <summary>One backward scan's operands; <see cref="Invoke"/> runs the neuron tiles [start, limit).</summary>
    struct BackwardJob<TSurrogate> : IRangeBody, Lif.ITileLoop where TSurrogate : struct, ISurrogate
    {
        public TSurrogate Sg;
        public float* V0, H, APrev, Spikes, GradSpikes, Beta, Theta0, Rho, Kappa, GradInput, GradBeta, GradTheta0, GradRho, GradKappa;
        // The tile's carries and partial sums (Carries × Tile floats on the invoking thread's stack), in L1 while t walks
        // the tile's rows.
        public float* Scratch;
        public nuint N, T;
        public bool Soft, Detach;

        public readonly void Invoke(int start, int limit)
        {
            BackwardJob<TSurrogate> job = this;
            float* scratch = stackalloc float[(int)(Carries * Lif.Tile)];
            job.Scratch = scratch;
            Lif.RunLanes(job, (nuint)start * Lif.Tile, Math.Min((nuint)limit * Lif.Tile, N));
        }

        /// <summary>
        /// The reverse time loop, tile by tile over [r0, r1), with its carries and partial sums in <see cref="Scratch"/>
        /// (θ_t recomputed from A_{t−1}), then the partial sums added out.
        /// </summary>
        // Fully optimised from the first call, like every call after it: tiered code can negate a NaN with another sign
        // bit, and the gradients must be bitwise the same on every call and for every thread count.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Tiles<TL, TV>(nuint r0, nuint r1) where TL : struct, ILanes<TV> where TV : struct
        {
            TSurrogate sg = Sg;
            ref float v0r = ref Unsafe.AsRef<float>(V0);
            ref float hr = ref Unsafe.AsRef<float>(H);
            ref float apr = ref Unsafe.AsRef<float>(APrev);
            ref float sr = ref Unsafe.AsRef<float>(Spikes);
            ref float gsr = ref Unsafe.AsRef<float>(GradSpikes);
            ref float br = ref Unsafe.AsRef<float>(Beta);
            ref float t0r = ref Unsafe.AsRef<float>(Theta0);
            ref float rr = ref Unsafe.AsRef<float>(Rho);
            ref float kr = ref Unsafe.AsRef<float>(Kappa);
            ref float gir = ref Unsafe.AsRef<float>(GradInput);
            nuint n = N, sub = Lif.Tile, w = TL.Count;
            ref float gvb = ref Unsafe.AsRef<float>(Scratch);
            ref float gab = ref Unsafe.Add(ref gvb, sub);
            ref float gbb = ref Unsafe.Add(ref gvb, 2 * sub);
            ref float gt0b = ref Unsafe.Add(ref gvb, 3 * sub);
            ref float gkb = ref Unsafe.Add(ref gvb, 4 * sub);
            ref float grb = ref Unsafe.Add(ref gvb, 5 * sub);
            bool soft = Soft, detach = Detach;
            TV one = TL.Splat(1f);
            for (nuint j0 = r0; j0 < r1; j0 += Lif.Tile)
            {
                nuint j1 = Math.Min(j0 + Lif.Tile, r1);
                for (nuint k = j0; k < j1; k += w)
                    for (nuint c = 0; c < Carries; c++) TL.Store(TL.Zero, ref gvb, c * sub + k - j0);
                for (nuint t = T; t-- > 0;)
                    for (nuint k = j0; k < j1; k += w)
                    {
                        nuint i = t * n + k, q = k - j0;
                        TV t0v = TL.Load(ref t0r, k), kv = TL.Load(ref kr, k);
                        TV h = TL.Load(ref hr, i), ap = TL.Load(ref apr, i), sp = TL.Load(ref sr, i);
                        TV th = Threshold<TL, TV>(t0v, kv, ap); // the forward's θ_t, bitwise
                        TV gv = TL.Load(ref gvb, q), ga = TL.Load(ref gab, q), rv = TL.Load(ref rr, k);
                        TV g = TL.Grad(in sg, TL.Sub(h, th));
                        TV gsTotal = TL.Add(TL.Load(ref gsr, i), TL.Mul(TL.Sub(one, rv), ga));
                        if (!detach) gsTotal = TL.Sub(gsTotal, TL.Mul(gv, soft ? th : h));
                        TV gsg = TL.Mul(gsTotal, g);
                        TV gh = TL.Add(gsg, soft ? gv : TL.Mul(gv, TL.Sub(one, sp)));
                        TV gth = soft ? TL.Sub(TL.Neg(gsg), TL.Mul(gv, sp)) : TL.Neg(gsg);
                        TV vPrev;
                        if (t == 0) vPrev = TL.Load(ref v0r, k);
                        else
                        {
                            TV thPrev = soft ? Threshold<TL, TV>(t0v, kv, TL.Load(ref apr, i - n)) : one; // the hard reset ignores θ
                            vPrev = Lif.Reset<TL, TV>(soft, TL.Load(ref hr, i - n), TL.Load(ref sr, i - n), thPrev, one);
                        }
                        TL.Store(gh, ref gir, i);
                        TL.Store(TL.Add(TL.Load(ref gbb, q), TL.Mul(gh, vPrev)), ref gbb, q);
                        TL.Store(TL.Add(TL.Load(ref gt0b, q), gth), ref gt0b, q);
                        TL.Store(TL.Add(TL.Load(ref gkb, q), TL.Mul(gth, ap)), ref gkb, q);
                        TL.Store(TL.Add(TL.Load(ref grb, q), TL.Mul(ga, TL.Sub(ap, sp))), ref grb, q);
                        TL.Store(TL.Mul(gh, TL.Load(ref br, k)), ref gvb, q);
                        TL.Store(TL.Add(TL.Mul(rv, ga), TL.Mul(kv, gth)), ref gab, q);
                    }
                AddSums<TL, TV>(ref gbb, GradBeta, j0, j1);
                AddSums<TL, TV>(ref gt0b, GradTheta0, j0, j1);
                AddSums<TL, TV>(ref grb, GradRho, j0, j1);
                AddSums<TL, TV>(ref gkb, GradKappa, j0, j1);
            }
        }
    }

    /// <summary>destination[k] += partial[k − j0] for k in [j0, j1).</summary>
    static void AddSums<TL, TV>(ref float partial, float* destination, nuint j0, nuint j1) where TL : struct, ILanes<TV> where TV : struct
    {
        ref float dr = ref Unsafe.AsRef<float>(destination);
        for (nuint k = j0; k < j1; k += TL.Count)
            TL.Store(TL.Add(TL.Load(ref dr, k), TL.Load(ref partial, k - j0)), ref dr, k);
    }
}
