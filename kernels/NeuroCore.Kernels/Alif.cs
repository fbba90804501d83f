using System.Runtime.CompilerServices;
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
/// Neurons are vectorised (Vector512, else 256, else 128, then a scalar tail, one loop written over the lane width of
/// Lanes.cs) and the time loop
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
    struct ForwardJob : IRangeBody, Lif.ITileLoop
    {
        public float* Input, Beta, Theta0, Rho, Kappa, V, A, Spikes, H, APrev;
        public nuint N, T;
        public bool Soft;

        public readonly void Invoke(int start, int limit) =>
            Lif.RunLanes(this, (nuint)start * Lif.Tile, Math.Min((nuint)limit * Lif.Tile, N));

        /// <summary>The time loop, tile by tile over [r0, r1): t outer, each tile's V, A and parameters in L1.</summary>
        public readonly void Tiles<TL, TV>(nuint r0, nuint r1) where TL : struct, ILanes<TV> where TV : struct
        {
            ref float ir = ref Unsafe.AsRef<float>(Input);
            ref float br = ref Unsafe.AsRef<float>(Beta);
            ref float t0r = ref Unsafe.AsRef<float>(Theta0);
            ref float rr = ref Unsafe.AsRef<float>(Rho);
            ref float kr = ref Unsafe.AsRef<float>(Kappa);
            ref float vr = ref Unsafe.AsRef<float>(V);
            ref float ar = ref Unsafe.AsRef<float>(A);
            ref float sr = ref Unsafe.AsRef<float>(Spikes);
            ref float hr = ref Unsafe.AsRef<float>(H);
            ref float apr = ref Unsafe.AsRef<float>(APrev);
            bool soft = Soft, saveH = H != null, saveA = APrev != null;
            nuint n = N, steps = T, w = TL.Count;
            TV one = TL.Splat(1f);
            for (nuint j0 = r0; j0 < r1; j0 += Lif.Tile)
            {
                nuint j1 = Math.Min(j0 + Lif.Tile, r1);
                for (nuint t = 0, row = 0; t < steps; t++, row += n)
                    for (nuint k = j0; k < j1; k += w)
                    {
                        nuint i = row + k;
                        TV av = TL.Load(ref ar, k), rv = TL.Load(ref rr, k);
                        TV h = Lif.Charge<TL, TV>(TL.Load(ref br, k), TL.Load(ref vr, k), TL.Load(ref ir, i));
                        TV th = Threshold<TL, TV>(TL.Load(ref t0r, k), TL.Load(ref kr, k), av);
                        TV s = TL.GreaterOrEqualOne(h, th);
                        TL.Store(Lif.Reset<TL, TV>(soft, h, s, th, one), ref vr, k);
                        TL.Store(TL.Add(TL.Mul(rv, av), TL.Mul(TL.Sub(one, rv), s)), ref ar, k);
                        TL.Store(s, ref sr, i);
                        if (saveH) TL.Store(h, ref hr, i);
                        if (saveA) TL.Store(av, ref apr, i);
                    }
            }
        }
    }

    /// <summary>θ = fl(θ0 + fl(κ·A)), shared by the forward and the backward's recomputation (so both give the same bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static TV Threshold<TL, TV>(TV theta0, TV kappa, TV a) where TL : struct, ILanes<TV> where TV : struct =>
        TL.Add(theta0, TL.Mul(kappa, a));

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
