using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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
    struct BackwardJob<TSurrogate> : IRangeBody where TSurrogate : struct, ISurrogate
    {
        public TSurrogate Sg;
        public float* V0, H, APrev, Spikes, GradSpikes, Beta, Theta0, Rho, Kappa, GradInput, GradBeta, GradTheta0, GradRho, GradKappa;
        public nuint N, T;
        public bool Soft, Detach;

        public readonly void Invoke(int start, int limit) =>
            Backward(in this, (nuint)start * Lif.Tile, Math.Min((nuint)limit * Lif.Tile, N));
    }

    /// <summary>
    /// The backward scan over neurons [r0, r1) (r0 a tile boundary), tile by tile: t walks backwards with the tile's
    /// carries and partial sums in stack scratch (θ_t recomputed from A_{t−1}); then a scalar tail over the same formulas.
    /// </summary>
    static void Backward<TSurrogate>(in BackwardJob<TSurrogate> job, nuint r0, nuint r1) where TSurrogate : struct, ISurrogate
    {
        TSurrogate sg = job.Sg;
        ref float v0r = ref Unsafe.AsRef<float>(job.V0);
        ref float hr = ref Unsafe.AsRef<float>(job.H);
        ref float apr = ref Unsafe.AsRef<float>(job.APrev);
        ref float sr = ref Unsafe.AsRef<float>(job.Spikes);
        ref float gsr = ref Unsafe.AsRef<float>(job.GradSpikes);
        ref float br = ref Unsafe.AsRef<float>(job.Beta);
        ref float t0r = ref Unsafe.AsRef<float>(job.Theta0);
        ref float rr = ref Unsafe.AsRef<float>(job.Rho);
        ref float kr = ref Unsafe.AsRef<float>(job.Kappa);
        ref float gir = ref Unsafe.AsRef<float>(job.GradInput);
        ref float gBr = ref Unsafe.AsRef<float>(job.GradBeta);
        ref float gT0r = ref Unsafe.AsRef<float>(job.GradTheta0);
        ref float gRr = ref Unsafe.AsRef<float>(job.GradRho);
        ref float gKr = ref Unsafe.AsRef<float>(job.GradKappa);
        bool soft = job.Soft, detach = job.Detach;
        nuint n = job.N, T = job.T, sub = Lif.Tile, j = r0;
        // The tile's carries and partial sums (6 × 4 KB), in L1 while t walks the tile's rows.
        Span<float> scratch = stackalloc float[(int)(Carries * Lif.Tile)];
        ref float gvb = ref MemoryMarshal.GetReference(scratch);
        ref float gab = ref Unsafe.Add(ref gvb, sub);
        ref float gbb = ref Unsafe.Add(ref gvb, 2 * sub);
        ref float gt0b = ref Unsafe.Add(ref gvb, 3 * sub);
        ref float gkb = ref Unsafe.Add(ref gvb, 4 * sub);
        ref float grb = ref Unsafe.Add(ref gvb, 5 * sub);
        if (Vector512.IsHardwareAccelerated)
        {
            nuint w = (nuint)Vector512<float>.Count, end = r1 - (r1 - r0) % w;
            Vector512<float> one = Vector512<float>.One;
            for (nuint b0 = r0; b0 < end; b0 += sub)
            {
                nuint b1 = Math.Min(b0 + sub, end);
                for (nuint k = b0; k < b1; k += w)
                    for (nuint c = 0; c < Carries; c++) Vector512<float>.Zero.StoreUnsafe(ref gvb, c * sub + k - b0);
                for (nuint t = T; t-- > 0;)
                    for (nuint k = b0; k < b1; k += w)
                    {
                        nuint i = t * n + k, q = k - b0;
                        Vector512<float> t0v = Vector512.LoadUnsafe(ref t0r, k), kv = Vector512.LoadUnsafe(ref kr, k);
                        Vector512<float> h = Vector512.LoadUnsafe(ref hr, i), ap = Vector512.LoadUnsafe(ref apr, i), sp = Vector512.LoadUnsafe(ref sr, i);
                        Vector512<float> th = t0v + kv * ap; // the forward's θ_t, bitwise
                        Vector512<float> gv = Vector512.LoadUnsafe(ref gvb, q), ga = Vector512.LoadUnsafe(ref gab, q), rv = Vector512.LoadUnsafe(ref rr, k);
                        Vector512<float> g = sg.Grad(h - th);
                        Vector512<float> gsTotal = Vector512.LoadUnsafe(ref gsr, i) + (one - rv) * ga;
                        if (!detach) gsTotal -= gv * (soft ? th : h);
                        Vector512<float> gsg = gsTotal * g;
                        Vector512<float> gh = gsg + (soft ? gv : gv * (one - sp));
                        Vector512<float> gth = soft ? -gsg - gv * sp : -gsg;
                        Vector512<float> vPrev;
                        if (t == 0) vPrev = Vector512.LoadUnsafe(ref v0r, k);
                        else
                        {
                            Vector512<float> hp = Vector512.LoadUnsafe(ref hr, i - n), spp = Vector512.LoadUnsafe(ref sr, i - n);
                            vPrev = soft ? hp - spp * (t0v + kv * Vector512.LoadUnsafe(ref apr, i - n)) : hp * (one - spp);
                        }
                        gh.StoreUnsafe(ref gir, i);
                        (Vector512.LoadUnsafe(ref gbb, q) + gh * vPrev).StoreUnsafe(ref gbb, q);
                        (Vector512.LoadUnsafe(ref gt0b, q) + gth).StoreUnsafe(ref gt0b, q);
                        (Vector512.LoadUnsafe(ref gkb, q) + gth * ap).StoreUnsafe(ref gkb, q);
                        (Vector512.LoadUnsafe(ref grb, q) + ga * (ap - sp)).StoreUnsafe(ref grb, q);
                        (gh * Vector512.LoadUnsafe(ref br, k)).StoreUnsafe(ref gvb, q);
                        (rv * ga + kv * gth).StoreUnsafe(ref gab, q);
                    }
                for (nuint k = b0; k < b1; k += w)
                {
                    nuint q = k - b0;
                    (Vector512.LoadUnsafe(ref gBr, k) + Vector512.LoadUnsafe(ref gbb, q)).StoreUnsafe(ref gBr, k);
                    (Vector512.LoadUnsafe(ref gT0r, k) + Vector512.LoadUnsafe(ref gt0b, q)).StoreUnsafe(ref gT0r, k);
                    (Vector512.LoadUnsafe(ref gRr, k) + Vector512.LoadUnsafe(ref grb, q)).StoreUnsafe(ref gRr, k);
                    (Vector512.LoadUnsafe(ref gKr, k) + Vector512.LoadUnsafe(ref gkb, q)).StoreUnsafe(ref gKr, k);
                }
            }
            j = end;
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            nuint w = (nuint)Vector256<float>.Count, end = r1 - (r1 - r0) % w;
            Vector256<float> one = Vector256<float>.One;
            for (nuint b0 = r0; b0 < end; b0 += sub)
            {
                nuint b1 = Math.Min(b0 + sub, end);
                for (nuint k = b0; k < b1; k += w)
                    for (nuint c = 0; c < Carries; c++) Vector256<float>.Zero.StoreUnsafe(ref gvb, c * sub + k - b0);
                for (nuint t = T; t-- > 0;)
                    for (nuint k = b0; k < b1; k += w)
                    {
                        nuint i = t * n + k, q = k - b0;
                        Vector256<float> t0v = Vector256.LoadUnsafe(ref t0r, k), kv = Vector256.LoadUnsafe(ref kr, k);
                        Vector256<float> h = Vector256.LoadUnsafe(ref hr, i), ap = Vector256.LoadUnsafe(ref apr, i), sp = Vector256.LoadUnsafe(ref sr, i);
                        Vector256<float> th = t0v + kv * ap; // the forward's θ_t, bitwise
                        Vector256<float> gv = Vector256.LoadUnsafe(ref gvb, q), ga = Vector256.LoadUnsafe(ref gab, q), rv = Vector256.LoadUnsafe(ref rr, k);
                        Vector256<float> g = sg.Grad(h - th);
                        Vector256<float> gsTotal = Vector256.LoadUnsafe(ref gsr, i) + (one - rv) * ga;
                        if (!detach) gsTotal -= gv * (soft ? th : h);
                        Vector256<float> gsg = gsTotal * g;
                        Vector256<float> gh = gsg + (soft ? gv : gv * (one - sp));
                        Vector256<float> gth = soft ? -gsg - gv * sp : -gsg;
                        Vector256<float> vPrev;
                        if (t == 0) vPrev = Vector256.LoadUnsafe(ref v0r, k);
                        else
                        {
                            Vector256<float> hp = Vector256.LoadUnsafe(ref hr, i - n), spp = Vector256.LoadUnsafe(ref sr, i - n);
                            vPrev = soft ? hp - spp * (t0v + kv * Vector256.LoadUnsafe(ref apr, i - n)) : hp * (one - spp);
                        }
                        gh.StoreUnsafe(ref gir, i);
                        (Vector256.LoadUnsafe(ref gbb, q) + gh * vPrev).StoreUnsafe(ref gbb, q);
                        (Vector256.LoadUnsafe(ref gt0b, q) + gth).StoreUnsafe(ref gt0b, q);
                        (Vector256.LoadUnsafe(ref gkb, q) + gth * ap).StoreUnsafe(ref gkb, q);
                        (Vector256.LoadUnsafe(ref grb, q) + ga * (ap - sp)).StoreUnsafe(ref grb, q);
                        (gh * Vector256.LoadUnsafe(ref br, k)).StoreUnsafe(ref gvb, q);
                        (rv * ga + kv * gth).StoreUnsafe(ref gab, q);
                    }
                for (nuint k = b0; k < b1; k += w)
                {
                    nuint q = k - b0;
                    (Vector256.LoadUnsafe(ref gBr, k) + Vector256.LoadUnsafe(ref gbb, q)).StoreUnsafe(ref gBr, k);
                    (Vector256.LoadUnsafe(ref gT0r, k) + Vector256.LoadUnsafe(ref gt0b, q)).StoreUnsafe(ref gT0r, k);
                    (Vector256.LoadUnsafe(ref gRr, k) + Vector256.LoadUnsafe(ref grb, q)).StoreUnsafe(ref gRr, k);
                    (Vector256.LoadUnsafe(ref gKr, k) + Vector256.LoadUnsafe(ref gkb, q)).StoreUnsafe(ref gKr, k);
                }
            }
            j = end;
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            nuint w = (nuint)Vector128<float>.Count, end = r1 - (r1 - r0) % w;
            Vector128<float> one = Vector128<float>.One;
            for (nuint b0 = r0; b0 < end; b0 += sub)
            {
                nuint b1 = Math.Min(b0 + sub, end);
                for (nuint k = b0; k < b1; k += w)
                    for (nuint c = 0; c < Carries; c++) Vector128<float>.Zero.StoreUnsafe(ref gvb, c * sub + k - b0);
                for (nuint t = T; t-- > 0;)
                    for (nuint k = b0; k < b1; k += w)
                    {
                        nuint i = t * n + k, q = k - b0;
                        Vector128<float> t0v = Vector128.LoadUnsafe(ref t0r, k), kv = Vector128.LoadUnsafe(ref kr, k);
                        Vector128<float> h = Vector128.LoadUnsafe(ref hr, i), ap = Vector128.LoadUnsafe(ref apr, i), sp = Vector128.LoadUnsafe(ref sr, i);
                        Vector128<float> th = t0v + kv * ap; // the forward's θ_t, bitwise
                        Vector128<float> gv = Vector128.LoadUnsafe(ref gvb, q), ga = Vector128.LoadUnsafe(ref gab, q), rv = Vector128.LoadUnsafe(ref rr, k);
                        Vector128<float> g = sg.Grad(h - th);
                        Vector128<float> gsTotal = Vector128.LoadUnsafe(ref gsr, i) + (one - rv) * ga;
                        if (!detach) gsTotal -= gv * (soft ? th : h);
                        Vector128<float> gsg = gsTotal * g;
                        Vector128<float> gh = gsg + (soft ? gv : gv * (one - sp));
                        Vector128<float> gth = soft ? -gsg - gv * sp : -gsg;
                        Vector128<float> vPrev;
                        if (t == 0) vPrev = Vector128.LoadUnsafe(ref v0r, k);
                        else
                        {
                            Vector128<float> hp = Vector128.LoadUnsafe(ref hr, i - n), spp = Vector128.LoadUnsafe(ref sr, i - n);
                            vPrev = soft ? hp - spp * (t0v + kv * Vector128.LoadUnsafe(ref apr, i - n)) : hp * (one - spp);
                        }
                        gh.StoreUnsafe(ref gir, i);
                        (Vector128.LoadUnsafe(ref gbb, q) + gh * vPrev).StoreUnsafe(ref gbb, q);
                        (Vector128.LoadUnsafe(ref gt0b, q) + gth).StoreUnsafe(ref gt0b, q);
                        (Vector128.LoadUnsafe(ref gkb, q) + gth * ap).StoreUnsafe(ref gkb, q);
                        (Vector128.LoadUnsafe(ref grb, q) + ga * (ap - sp)).StoreUnsafe(ref grb, q);
                        (gh * Vector128.LoadUnsafe(ref br, k)).StoreUnsafe(ref gvb, q);
                        (rv * ga + kv * gth).StoreUnsafe(ref gab, q);
                    }
                for (nuint k = b0; k < b1; k += w)
                {
                    nuint q = k - b0;
                    (Vector128.LoadUnsafe(ref gBr, k) + Vector128.LoadUnsafe(ref gbb, q)).StoreUnsafe(ref gBr, k);
                    (Vector128.LoadUnsafe(ref gT0r, k) + Vector128.LoadUnsafe(ref gt0b, q)).StoreUnsafe(ref gT0r, k);
                    (Vector128.LoadUnsafe(ref gRr, k) + Vector128.LoadUnsafe(ref grb, q)).StoreUnsafe(ref gRr, k);
                    (Vector128.LoadUnsafe(ref gKr, k) + Vector128.LoadUnsafe(ref gkb, q)).StoreUnsafe(ref gKr, k);
                }
            }
            j = end;
        }
        for (; j < r1; j++)
        {
            float b = Unsafe.Add(ref br, j), t0 = Unsafe.Add(ref t0r, j), r = Unsafe.Add(ref rr, j), kk = Unsafe.Add(ref kr, j);
            float gv = 0f, ga = 0f, gb = 0f, gt0 = 0f, gr = 0f, gk = 0f;
            for (nuint t = T; t-- > 0;)
            {
                nuint i = t * n + j;
                float h = Unsafe.Add(ref hr, i), ap = Unsafe.Add(ref apr, i), sp = Unsafe.Add(ref sr, i);
                float th = t0 + kk * ap; // the forward's θ_t, bitwise
                float g = sg.Grad(h - th);
                float gsTotal = Unsafe.Add(ref gsr, i) + (1f - r) * ga;
                if (!detach) gsTotal -= gv * (soft ? th : h);
                float gsg = gsTotal * g;
                float gh = gsg + (soft ? gv : gv * (1f - sp));
                float gth = soft ? -gsg - gv * sp : -gsg;
                float vPrev;
                if (t == 0) vPrev = Unsafe.Add(ref v0r, j);
                else
                {
                    float hp = Unsafe.Add(ref hr, i - n), spp = Unsafe.Add(ref sr, i - n);
                    vPrev = soft ? hp - spp * (t0 + kk * Unsafe.Add(ref apr, i - n)) : hp * (1f - spp);
                }
                Unsafe.Add(ref gir, i) = gh;
                gb += gh * vPrev;
                gt0 += gth;
                gk += gth * ap;
                gr += ga * (ap - sp);
                gv = gh * b;
                ga = r * ga + kk * gth;
            }
            Unsafe.Add(ref gBr, j) += gb;
            Unsafe.Add(ref gT0r, j) += gt0;
            Unsafe.Add(ref gRr, j) += gr;
            Unsafe.Add(ref gKr, j) += gk;
        }
    }
}
