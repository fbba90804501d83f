using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NeuroCore.Kernels.Parallel;

namespace NeuroCore.Kernels;

/// <summary>
/// Fused adaptive LIF kernels (ALIF, spike-triggered adaptive threshold; Bellec et al. 2018), time-first like
/// <see cref="Lif"/> (<c>N</c> = batch × neurons contiguous). The model, per neuron n and step t:
/// <code>
/// H_t = β·V_{t−1} + I_t
/// θ_t = θ0 + κ·A_{t−1}                 (A: adaptation trace, A_{−1} given)
/// S_t = [H_t ≥ θ_t]
/// V_t = H_t − S_t·θ_t  (soft)  |  H_t·(1 − S_t)  (hard)
/// A_t = ρ·A_{t−1} + (1 − ρ)·S_t
/// </code>
/// Neurons are vectorised (Vector512, else 256, else 128, then a scalar tail over the same formula) and the time loop
/// runs inside tiles of 1024 neurons whose V, A and parameters stay in L1, as in <see cref="Lif"/>; with
/// <c>threads</c> &gt; 1 whole tiles are split over threads by <see cref="FixedPartition"/>. Results are bitwise
/// equal to the <see cref="Reference.AlifScanForward"/> and <see cref="Reference.AlifScanBackward{TSurrogate}"/>
/// twins for every width and thread count. The backward derivation is in Reference/Alif.cs.
/// </summary>
public static unsafe partial class Alif
{
    /// <summary>
    /// Runs <paramref name="steps"/> ALIF steps: effectively computes, for t = 0..T−1 and n = 0..N−1,
    /// <c>h = β[n]·v[n] + input[t,n]; θ = θ0[n] + κ[n]·a[n]; s = h ≥ θ ? 1 : 0; v[n] = reset(h, s, θ);
    /// a[n] = ρ[n]·a[n] + (1 − ρ[n])·s</c>, writing <c>spikes[t,n] = s</c> and, when given, <c>hSaved[t,n] = h</c>,
    /// <c>aSaved[t,n] = A_{t−1}</c> (the trace in force at step t, before this step's update).
    /// </summary>
    /// <param name="input">Synaptic current I[T,N].</param>
    /// <param name="steps">T, the number of time steps (≥ 0).</param>
    /// <param name="neurons">N, the number of neurons (batch × neurons, ≥ 0).</param>
    /// <param name="beta">Decay β[N], expected in (0, 1].</param>
    /// <param name="theta0">Baseline threshold θ0[N], expected &gt; 0.</param>
    /// <param name="rho">Trace decay ρ[N], expected in [0, 1].</param>
    /// <param name="kappa">Adaptation strength κ[N], expected ≥ 0.</param>
    /// <param name="reset">Soft (subtract θ_t) or hard (to zero) reset.</param>
    /// <param name="v">Membrane V[N]: V0 in, V_{T−1} out. Keep a copy of V0 for the backward pass.</param>
    /// <param name="a">Adaptation trace A[N]: A_{−1} in, A_{T−1} out. Keep a copy of A_{−1} for the backward pass.</param>
    /// <param name="spikes">Destination S[T,N] (0 or 1).</param>
    /// <param name="hSaved">Destination H[T,N] for the backward pass, or empty for inference.</param>
    /// <param name="aSaved">
    /// Destination A_{t−1}[T,N] (the adaptation trace in force at each step) for the backward pass, or empty. The
    /// backward recomputes θ_t = θ0 + κ·A_{t−1} from it with this pass's float operations, so bitwise this pass's θ_t.
    /// </param>
    /// <param name="threads">
    /// Threads to use, 1 to <see cref="FixedPartition.MaxThreads"/>: whole 1024-neuron tiles are split over them
    /// (N within one tile runs on the calling thread). Results are bitwise equal for every thread count.
    /// </param>
    /// <remarks>
    /// Any one of <paramref name="spikes"/>, <paramref name="hSaved"/> and <paramref name="aSaved"/> may be the very
    /// same span as <paramref name="input"/> (each element is read before it is written); other overlaps are not
    /// supported.
    /// </remarks>
    /// <exception cref="ArgumentException">A span is too short, or a count is negative.</exception>
    public static void ScanForward(ReadOnlySpan<float> input, int steps, int neurons, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> theta0, ReadOnlySpan<float> rho, ReadOnlySpan<float> kappa, LifReset reset, Span<float> v,
        Span<float> a, Span<float> spikes, Span<float> hSaved, Span<float> aSaved, int threads = 1)
    {
        const string Op = "Alif.ScanForward";
        Lif.CheckCounts(steps, neurons);
        Lif.CheckThreads(threads, Op);
        nuint total = (nuint)steps * (nuint)neurons;
        CheckSteps(Op, "input", input.Length, total, steps, neurons);
        CheckParameters(Op, neurons, beta, theta0, rho, kappa);
        if (v.Length < neurons) Throw.LengthMismatch($"{Op}: v must hold N = {neurons} values", neurons, v.Length);
        if (a.Length < neurons) Throw.LengthMismatch($"{Op}: a must hold N = {neurons} values", neurons, a.Length);
        CheckSteps(Op, "spikes", spikes.Length, total, steps, neurons);
        if (!hSaved.IsEmpty) CheckSteps(Op, "hSaved", hSaved.Length, total, steps, neurons);
        if (!aSaved.IsEmpty) CheckSteps(Op, "aSaved", aSaved.Length, total, steps, neurons);
        if (total == 0) return;

        fixed (float* pi = input, pb = beta, pt0 = theta0, pr = rho, pk = kappa, pv = v, pa = a, ps = spikes, ph = hSaved,
            pas = aSaved)
        {
            var job = new ForwardJob
            {
                Input = pi, Beta = pb, Theta0 = pt0, Rho = pr, Kappa = pk, V = pv, A = pa, Spikes = ps, H = ph, APrev = pas,
                N = (nuint)neurons, T = (nuint)steps, Soft = reset == LifReset.Soft,
            };
            Lif.RunTiles(neurons, threads, in job);
        }
    }

    /// <summary>
    /// One ALIF time step (streaming inference, online rules): the same as <see cref="ScanForward"/> with T = 1.
    /// Allocates nothing.
    /// </summary>
    /// <param name="input">Synaptic current I[N] for this step.</param>
    /// <param name="beta">Decay β[N].</param>
    /// <param name="theta0">Baseline threshold θ0[N].</param>
    /// <param name="rho">Trace decay ρ[N].</param>
    /// <param name="kappa">Adaptation strength κ[N].</param>
    /// <param name="reset">Soft or hard reset.</param>
    /// <param name="v">Membrane V[N], updated in place.</param>
    /// <param name="a">Adaptation trace A[N], updated in place.</param>
    /// <param name="spikes">Destination S[N].</param>
    /// <param name="h">Destination H[N] (pre-reset potential), or empty.</param>
    /// <param name="aPrev">Destination A_{−1}[N] (the trace in force at this step, before its update), or empty.</param>
    /// <exception cref="ArgumentException">A span is too short.</exception>
    public static void Step(ReadOnlySpan<float> input, ReadOnlySpan<float> beta, ReadOnlySpan<float> theta0,
        ReadOnlySpan<float> rho, ReadOnlySpan<float> kappa, LifReset reset, Span<float> v, Span<float> a,
        Span<float> spikes, Span<float> h, Span<float> aPrev) =>
        ScanForward(input, 1, input.Length, beta, theta0, rho, kappa, reset, v, a, spikes, h, aPrev);

    /// <summary>One forward scan's operands; <see cref="Invoke"/> runs the neuron tiles [start, limit).</summary>
    struct ForwardJob : IRangeBody
    {
        public float* Input, Beta, Theta0, Rho, Kappa, V, A, Spikes, H, APrev;
        public nuint N, T;
        public bool Soft;

        public readonly void Invoke(int start, int limit) =>
            Forward(in this, (nuint)start * Lif.Tile, Math.Min((nuint)limit * Lif.Tile, N));
    }

    /// <summary>The forward scan over neurons [r0, r1) (r0 a tile boundary): vector tiles, then a scalar tail.</summary>
    static void Forward(in ForwardJob job, nuint r0, nuint r1)
    {
        ref float ir = ref Unsafe.AsRef<float>(job.Input);
        ref float br = ref Unsafe.AsRef<float>(job.Beta);
        ref float t0r = ref Unsafe.AsRef<float>(job.Theta0);
        ref float rr = ref Unsafe.AsRef<float>(job.Rho);
        ref float kr = ref Unsafe.AsRef<float>(job.Kappa);
        ref float vr = ref Unsafe.AsRef<float>(job.V);
        ref float ar = ref Unsafe.AsRef<float>(job.A);
        ref float sr = ref Unsafe.AsRef<float>(job.Spikes);
        ref float hr = ref Unsafe.AsRef<float>(job.H);
        ref float apr = ref Unsafe.AsRef<float>(job.APrev);
        bool soft = job.Soft, saveH = job.H != null, saveA = job.APrev != null;
        nuint n = job.N, T = job.T, j = r0;
        if (Vector512.IsHardwareAccelerated)
        {
            nuint w = (nuint)Vector512<float>.Count, end = r1 - (r1 - r0) % w;
            Vector512<float> one = Vector512<float>.One;
            for (nuint j0 = r0; j0 < end; j0 += Lif.Tile)
            {
                nuint j1 = Math.Min(j0 + Lif.Tile, end);
                for (nuint t = 0, row = 0; t < T; t++, row += n)
                    for (nuint k = j0; k < j1; k += w)
                    {
                        nuint i = row + k;
                        Vector512<float> av = Vector512.LoadUnsafe(ref ar, k), rv = Vector512.LoadUnsafe(ref rr, k);
                        Vector512<float> h = Vector512.LoadUnsafe(ref br, k) * Vector512.LoadUnsafe(ref vr, k) + Vector512.LoadUnsafe(ref ir, i);
                        Vector512<float> th = Vector512.LoadUnsafe(ref t0r, k) + Vector512.LoadUnsafe(ref kr, k) * av;
                        Vector512<float> s = Vector512.GreaterThanOrEqual(h, th) & one;
                        (soft ? h - s * th : h * (one - s)).StoreUnsafe(ref vr, k);
                        (rv * av + (one - rv) * s).StoreUnsafe(ref ar, k);
                        s.StoreUnsafe(ref sr, i);
                        if (saveH) h.StoreUnsafe(ref hr, i);
                        if (saveA) av.StoreUnsafe(ref apr, i);
                    }
            }
            j = end;
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            nuint w = (nuint)Vector256<float>.Count, end = r1 - (r1 - r0) % w;
            Vector256<float> one = Vector256<float>.One;
            for (nuint j0 = r0; j0 < end; j0 += Lif.Tile)
            {
                nuint j1 = Math.Min(j0 + Lif.Tile, end);
                for (nuint t = 0, row = 0; t < T; t++, row += n)
                    for (nuint k = j0; k < j1; k += w)
                    {
                        nuint i = row + k;
                        Vector256<float> av = Vector256.LoadUnsafe(ref ar, k), rv = Vector256.LoadUnsafe(ref rr, k);
                        Vector256<float> h = Vector256.LoadUnsafe(ref br, k) * Vector256.LoadUnsafe(ref vr, k) + Vector256.LoadUnsafe(ref ir, i);
                        Vector256<float> th = Vector256.LoadUnsafe(ref t0r, k) + Vector256.LoadUnsafe(ref kr, k) * av;
                        Vector256<float> s = Vector256.GreaterThanOrEqual(h, th) & one;
                        (soft ? h - s * th : h * (one - s)).StoreUnsafe(ref vr, k);
                        (rv * av + (one - rv) * s).StoreUnsafe(ref ar, k);
                        s.StoreUnsafe(ref sr, i);
                        if (saveH) h.StoreUnsafe(ref hr, i);
                        if (saveA) av.StoreUnsafe(ref apr, i);
                    }
            }
            j = end;
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            nuint w = (nuint)Vector128<float>.Count, end = r1 - (r1 - r0) % w;
            Vector128<float> one = Vector128<float>.One;
            for (nuint j0 = r0; j0 < end; j0 += Lif.Tile)
            {
                nuint j1 = Math.Min(j0 + Lif.Tile, end);
                for (nuint t = 0, row = 0; t < T; t++, row += n)
                    for (nuint k = j0; k < j1; k += w)
                    {
                        nuint i = row + k;
                        Vector128<float> av = Vector128.LoadUnsafe(ref ar, k), rv = Vector128.LoadUnsafe(ref rr, k);
                        Vector128<float> h = Vector128.LoadUnsafe(ref br, k) * Vector128.LoadUnsafe(ref vr, k) + Vector128.LoadUnsafe(ref ir, i);
                        Vector128<float> th = Vector128.LoadUnsafe(ref t0r, k) + Vector128.LoadUnsafe(ref kr, k) * av;
                        Vector128<float> s = Vector128.GreaterThanOrEqual(h, th) & one;
                        (soft ? h - s * th : h * (one - s)).StoreUnsafe(ref vr, k);
                        (rv * av + (one - rv) * s).StoreUnsafe(ref ar, k);
                        s.StoreUnsafe(ref sr, i);
                        if (saveH) h.StoreUnsafe(ref hr, i);
                        if (saveA) av.StoreUnsafe(ref apr, i);
                    }
            }
            j = end;
        }
        for (; j < r1; j++)
        {
            float b = Unsafe.Add(ref br, j), t0 = Unsafe.Add(ref t0r, j), r = Unsafe.Add(ref rr, j), kk = Unsafe.Add(ref kr, j);
            float vv = Unsafe.Add(ref vr, j), aa = Unsafe.Add(ref ar, j);
            for (nuint t = 0, i = j; t < T; t++, i += n)
            {
                float h = b * vv + Unsafe.Add(ref ir, i);
                float th = t0 + kk * aa;
                float s = h >= th ? 1f : 0f;
                if (saveA) Unsafe.Add(ref apr, i) = aa;
                vv = soft ? h - s * th : h * (1f - s);
                aa = r * aa + (1f - r) * s;
                Unsafe.Add(ref sr, i) = s;
                if (saveH) Unsafe.Add(ref hr, i) = h;
            }
            Unsafe.Add(ref vr, j) = vv;
            Unsafe.Add(ref ar, j) = aa;
        }
    }

    static void CheckSteps(string op, string name, int length, nuint total, int steps, int neurons)
    {
        if ((nuint)length < total)
            Throw.LengthMismatch($"{op}: {name} must hold T·N = {steps}·{neurons} values", (int)Math.Min(total, int.MaxValue), length);
    }

    static void CheckParameters(string op, int neurons, ReadOnlySpan<float> beta, ReadOnlySpan<float> theta0,
        ReadOnlySpan<float> rho, ReadOnlySpan<float> kappa)
    {
        if (beta.Length < neurons) Throw.LengthMismatch($"{op}: beta must hold N = {neurons} values", neurons, beta.Length);
        if (theta0.Length < neurons) Throw.LengthMismatch($"{op}: theta0 must hold N = {neurons} values", neurons, theta0.Length);
        if (rho.Length < neurons) Throw.LengthMismatch($"{op}: rho must hold N = {neurons} values", neurons, rho.Length);
        if (kappa.Length < neurons) Throw.LengthMismatch($"{op}: kappa must hold N = {neurons} values", neurons, kappa.Length);
    }
}
