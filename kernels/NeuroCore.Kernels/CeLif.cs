using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NeuroCore.Kernels.Parallel;

namespace NeuroCore.Kernels;

/// <summary>
/// Fused CE-LIF kernels (contextual-embedding LIF, after Chen, Wu, Tang, Ren &amp; Tan, arXiv 2308.15150): a generalised
/// adaptive-threshold LIF whose threshold also carries a context trace C. The paper's equations were not available;
/// this is the provisional neuron of the spec (methods-1 §3.2, our reading, see the kernels README). Time-first like
/// <see cref="Lif"/> and <see cref="Alif"/> (<c>N</c> = batch × neurons contiguous). Per neuron n and step t:
/// <code>
/// H_t = α·V_{t−1} + (1 − α)·I_t                    (membrane before reset)
/// C_t = κ·C_{t−1} + (1 − κ)·Z_t                    (context; Z_t = X_t drive, or V_{t−1} for the membrane form)
/// θ_t = max(θ0 + β·A_{t−1} + γ·C_t, θ_min)         (threshold in force at step t, floored so it stays positive)
/// S_t = [H_t ≥ θ_t]
/// V_t = H_t − S_t·θ_t  (soft: by the threshold in force when the spike fired)  |  H_t·(1 − S_t)  (hard)
/// A_t = ρ·A_{t−1} + (1 − ρ)·S_t                    (spike-triggered adaptation)
/// </code>
/// Float order: fl(fl(α·V) + fl(fl(1 − α)·I)), fl(fl(κ·C) + fl(fl(1 − κ)·Z)), fl(fl(θ0 + fl(β·A)) + fl(γ·C)); no FMA,
/// so every width agrees bitwise with the <see cref="Reference.CeLifScanForward"/> twin. Neurons are vectorised
/// (Vector512, else 256, else 128, then a scalar tail over the same code) inside tiles of 1024 neurons whose state and
/// coefficients stay in L1 while t runs; with <c>threads</c> &gt; 1 whole tiles are split over threads by
/// <see cref="FixedPartition"/>, so results are bitwise equal for every thread count. The backward is derived in
/// Reference/CeLif.cs.
/// </summary>
public static unsafe partial class CeLif
{
    /// <summary>
    /// Steps between two checkpoints of the training forward (K = 4): <see cref="ScanForward"/> saves the state V, A, C in
    /// force before every K-th step and <see cref="ScanBackward{TSurrogate}"/> recomputes each K-step block from it, so
    /// the backward streams I, ∂L/∂S and ∂L/∂I (plus 3/K of a stream of checkpoints) instead of the saved H, A_{t−1}, C_t
    /// and S of every step. K trades memory for the backward's speed: per lane group the block is recomputed and walked
    /// backwards in one go, and with K = 4 (about 350 instructions) consecutive lane groups still overlap in the
    /// out-of-order window, which hides the latency of the per-step chains through V, A, C and the carries; K = 8
    /// measured 1.5–1.9× the LIF backward against 1.4 for K = 4 (CPU time, same process).
    /// </summary>
    public const int CheckpointInterval = 4;

    /// <summary>
    /// Floats of the checkpoint buffer of a T-step scan of N neurons: <c>3·⌈T/K⌉·N</c> (K =
    /// <see cref="CheckpointInterval"/>), laid out [⌈T/K⌉, 3, N]: block b holds V, A, C before step b·K.
    /// </summary>
    /// <param name="steps">T (≥ 0).</param>
    /// <param name="neurons">N (≥ 0).</param>
    /// <returns>The length the checkpoints span must have.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative.</exception>
    /// <exception cref="OverflowException">The length does not fit an int.</exception>
    public static int CheckpointLength(int steps, int neurons)
    {
        Lif.CheckCounts(steps, neurons);
        return checked(3 * ((steps + CheckpointInterval - 1) / CheckpointInterval) * neurons);
    }

    /// <summary>
    /// Runs <paramref name="steps"/> CE-LIF steps (the model in the class summary) over N = <paramref name="neurons"/>,
    /// writing <c>spikes[t,n] = S_t</c> and, when given, the checkpoints the backward pass recomputes from (V, A, C
    /// before every <see cref="CheckpointInterval"/>-th step, layout in <see cref="CheckpointLength"/>).
    /// </summary>
    /// <param name="input">Synaptic current I[T,N].</param>
    /// <param name="drive">
    /// The context drive X[T,N] for <see cref="CeLifContext.Drive"/> (empty: X = 0, the context only decays); ignored for
    /// <see cref="CeLifContext.Membrane"/>. May be the very same span as <paramref name="input"/>.
    /// </param>
    /// <param name="steps">T (≥ 0).</param>
    /// <param name="neurons">N (≥ 0).</param>
    /// <param name="k">The coefficients, each [N].</param>
    /// <param name="v">Membrane V[N]: V_{−1} in, V_{T−1} out.</param>
    /// <param name="a">Spike trace A[N]: A_{−1} in, A_{T−1} out.</param>
    /// <param name="c">Context C[N]: C_{−1} in, C_{T−1} out.</param>
    /// <param name="spikes">Destination S[T,N] (0 or 1).</param>
    /// <param name="checkpoints">
    /// Destination of the backward pass's checkpoints, <see cref="CheckpointLength"/>(T, N) floats, or empty (inference).
    /// </param>
    /// <param name="threads">Threads, 1 to <see cref="FixedPartition.MaxThreads"/>; results are bitwise equal for every count.</param>
    /// <remarks>The destinations must not overlap the inputs or each other.</remarks>
    /// <exception cref="ArgumentException">A span is too short, a count is negative, or θ_min is not finite.</exception>
    public static void ScanForward(ReadOnlySpan<float> input, ReadOnlySpan<float> drive, int steps, int neurons,
        in CeLifCoefficients k, Span<float> v, Span<float> a, Span<float> c, Span<float> spikes, Span<float> checkpoints,
        int threads = 1)
    {
        const string Op = "CeLif.ScanForward";
        Lif.CheckCounts(steps, neurons);
        Lif.CheckThreads(threads, Op);
        nuint total = (nuint)steps * (nuint)neurons;
        CheckSteps(Op, "input", input.Length, total, steps, neurons);
        bool useDrive = k.Context == CeLifContext.Drive && !drive.IsEmpty;
        if (useDrive) CheckSteps(Op, "drive", drive.Length, total, steps, neurons);
        CheckCoefficients(Op, neurons, in k);
        CheckState(Op, "v", v.Length, neurons);
        CheckState(Op, "a", a.Length, neurons);
        CheckState(Op, "c", c.Length, neurons);
        CheckSteps(Op, "spikes", spikes.Length, total, steps, neurons);
        if (!checkpoints.IsEmpty) CheckCheckpoints(Op, checkpoints.Length, steps, neurons);
        if (total == 0) return;

        fixed (float* pi = input, px = drive, pal = k.Alpha, pt0 = k.Theta0, pb = k.Beta, pg = k.Gamma, pr = k.Rho,
            pk = k.Kappa, pv = v, pa = a, pc = c, ps = spikes, pcp = checkpoints)
        {
            var job = new ForwardJob
            {
                Input = pi, Drive = useDrive ? px : null, Alpha = pal, Theta0 = pt0, Beta = pb, Gamma = pg, Rho = pr,
                Kappa = pk, V = pv, A = pa, C = pc, Spikes = ps, Checkpoints = checkpoints.IsEmpty ? null : pcp,
                N = (nuint)neurons, T = (nuint)steps, ThetaMin = k.ThetaMin, Soft = k.Reset == LifReset.Soft,
                Membrane = k.Context == CeLifContext.Membrane,
            };
            Lif.RunTiles(neurons, threads, in job);
        }
    }

    /// <summary>
    /// One CE-LIF time step (streaming inference): <see cref="ScanForward"/> with T = 1 on one thread. Allocates nothing.
    /// </summary>
    /// <param name="input">I[N] for this step.</param>
    /// <param name="drive">X[N] for this step (<see cref="CeLifContext.Drive"/>), or empty.</param>
    /// <param name="k">The coefficients, each [N].</param>
    /// <param name="v">Membrane V[N], updated in place.</param>
    /// <param name="a">Spike trace A[N], updated in place.</param>
    /// <param name="c">Context C[N], updated in place.</param>
    /// <param name="spikes">Destination S[N].</param>
    /// <exception cref="ArgumentException">A span is too short.</exception>
    public static void Step(ReadOnlySpan<float> input, ReadOnlySpan<float> drive, in CeLifCoefficients k, Span<float> v,
        Span<float> a, Span<float> c, Span<float> spikes) =>
        ScanForward(input, drive, 1, input.Length, in k, v, a, c, spikes, default);

    /// <summary>Steps per register block of the forward's time loop (divides <see cref="CheckpointInterval"/>).</summary>
    const nuint TimeBlock = 4;

    /// <summary>One forward scan's operands; <see cref="Invoke"/> runs the neuron tiles [start, limit).</summary>
    struct ForwardJob : IRangeBody
    {
        public float* Input, Drive, Alpha, Theta0, Beta, Gamma, Rho, Kappa, V, A, C, Spikes, Checkpoints;
        public nuint N, T;
        public float ThetaMin;
        public bool Soft, Membrane;

        public readonly void Invoke(int start, int limit) =>
            Forward(in this, (nuint)start * Lif.Tile, Math.Min((nuint)limit * Lif.Tile, N));
    }

    /// <summary>The forward scan over neurons [r0, r1) (r0 a tile boundary): the widest vector tiles, then a scalar tail.</summary>
    static void Forward(in ForwardJob job, nuint r0, nuint r1)
    {
        nuint j = r0;
        if (Vector512.IsHardwareAccelerated) j = ForwardTiles<Lanes512, Vector512<float>>(in job, r0, r1);
        else if (Vector256.IsHardwareAccelerated) j = ForwardTiles<Lanes256, Vector256<float>>(in job, r0, r1);
        else if (Vector128.IsHardwareAccelerated) j = ForwardTiles<Lanes128, Vector128<float>>(in job, r0, r1);
        ForwardTiles<Lanes1, float>(in job, j, r1);
    }

    /// <summary>Runs whole lanes of [r0, r1) tile by tile; returns where the lanes stopped (the tail's start).</summary>
    static nuint ForwardTiles<TL, TV>(in ForwardJob job, nuint r0, nuint r1) where TL : struct, ILanes<TV> where TV : struct
    {
        nuint end = r1 - (r1 - r0) % TL.Count;
        for (nuint j0 = r0; j0 < end; j0 += Lif.Tile)
            ForwardTile<TL, TV>(in job, j0, Math.Min(j0 + Lif.Tile, end));
        return end;
    }

    /// <summary>The time loop over one tile [j0, j1) (a whole number of lanes).</summary>
    static void ForwardTile<TL, TV>(in ForwardJob job, nuint j0, nuint j1) where TL : struct, ILanes<TV> where TV : struct
    {
        ref float ir = ref Unsafe.AsRef<float>(job.Input);
        ref float xr = ref Unsafe.AsRef<float>(job.Drive);
        ref float alr = ref Unsafe.AsRef<float>(job.Alpha);
        ref float t0r = ref Unsafe.AsRef<float>(job.Theta0);
        ref float br = ref Unsafe.AsRef<float>(job.Beta);
        ref float gr = ref Unsafe.AsRef<float>(job.Gamma);
        ref float rr = ref Unsafe.AsRef<float>(job.Rho);
        ref float kr = ref Unsafe.AsRef<float>(job.Kappa);
        ref float vr = ref Unsafe.AsRef<float>(job.V);
        ref float ar = ref Unsafe.AsRef<float>(job.A);
        ref float cr = ref Unsafe.AsRef<float>(job.C);
        ref float sr = ref Unsafe.AsRef<float>(job.Spikes);
        ref float cpr = ref Unsafe.AsRef<float>(job.Checkpoints);
        bool soft = job.Soft, membrane = job.Membrane, drive = job.Drive != null, save = job.Checkpoints != null;
        nuint w = TL.Count, n = job.N, T = job.T;
        TV one = TL.Splat(1f), zero = TL.Zero, floor = TL.Splat(job.ThetaMin);
        // Blocks of TimeBlock steps per lane group: the coefficients and V, A, C are loaded once per block and stay in
        // registers across its steps (the same float operations per element, so bitwise the step-by-step result).
        for (nuint t0 = 0; t0 < T; t0 += TimeBlock)
        {
            nuint tb = Math.Min(TimeBlock, T - t0);
            bool checkpoint = save && t0 % CheckpointInterval == 0;
            nuint cp = t0 / CheckpointInterval * 3 * n;
            for (nuint k = j0; k < j1; k += w)
            {
                TV al = TL.Load(ref alr, k), kp = TL.Load(ref kr, k), rv = TL.Load(ref rr, k);
                TV t0v = TL.Load(ref t0r, k), be = TL.Load(ref br, k), gm = TL.Load(ref gr, k);
                TV oneMinusAl = TL.Sub(one, al), oneMinusKp = TL.Sub(one, kp), oneMinusRv = TL.Sub(one, rv);
                TV vv = TL.Load(ref vr, k), av = TL.Load(ref ar, k), cv = TL.Load(ref cr, k);
                if (checkpoint)
                {
                    TL.Store(vv, ref cpr, cp + k);
                    TL.Store(av, ref cpr, cp + n + k);
                    TL.Store(cv, ref cpr, cp + 2 * n + k);
                }
                for (nuint d = 0, i = t0 * n + k; d < tb; d++, i += n)
                {
                    TV h = Membrane<TL, TV>(al, oneMinusAl, vv, TL.Load(ref ir, i));
                    cv = Trace<TL, TV>(kp, oneMinusKp, cv, membrane ? vv : drive ? TL.Load(ref xr, i) : zero);
                    TV th = TL.Floor(RawThreshold<TL, TV>(t0v, be, av, gm, cv), floor);
                    TV s = TL.GreaterOrEqualOne(h, th);
                    vv = Reset<TL, TV>(soft, h, s, th, one);
                    av = Trace<TL, TV>(rv, oneMinusRv, av, s);
                    TL.Store(s, ref sr, i);
                }
                TL.Store(vv, ref vr, k);
                TL.Store(av, ref ar, k);
                TL.Store(cv, ref cr, k);
            }
        }
    }

    // The forward's float operations, shared by the forward and the backward's recomputation (so both give the same bits).

    /// <summary>H = fl(fl(α·V) + fl((1 − α)·I)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static TV Membrane<TL, TV>(TV alpha, TV oneMinusAlpha, TV v, TV input) where TL : struct, ILanes<TV> where TV : struct =>
        TL.Add(TL.Mul(alpha, v), TL.Mul(oneMinusAlpha, input));

    /// <summary>A trace x = fl(fl(d·x) + fl((1 − d)·z)) (the context C and the spike trace A).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static TV Trace<TL, TV>(TV decay, TV oneMinusDecay, TV x, TV z) where TL : struct, ILanes<TV> where TV : struct =>
        TL.Add(TL.Mul(decay, x), TL.Mul(oneMinusDecay, z));

    /// <summary>θ̃ = fl(fl(θ0 + fl(β·A)) + fl(γ·C)), before the floor.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static TV RawThreshold<TL, TV>(TV theta0, TV beta, TV a, TV gamma, TV c) where TL : struct, ILanes<TV> where TV : struct =>
        TL.Add(TL.Add(theta0, TL.Mul(beta, a)), TL.Mul(gamma, c));

    /// <summary>V after the spike: H − S·θ (soft) or H·(1 − S) (hard).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static TV Reset<TL, TV>(bool soft, TV h, TV s, TV th, TV one) where TL : struct, ILanes<TV> where TV : struct =>
        soft ? TL.Sub(h, TL.Mul(s, th)) : TL.Mul(h, TL.Sub(one, s));

    static void CheckCheckpoints(string op, int length, int steps, int neurons)
    {
        int need = CheckpointLength(steps, neurons);
        if (length < need)
            Throw.LengthMismatch($"{op}: checkpoints must hold CeLif.CheckpointLength(T, N) = 3·⌈{steps}/{CheckpointInterval}⌉·{neurons} values", need, length);
    }

    static void CheckSteps(string op, string name, int length, nuint total, int steps, int neurons)
    {
        if ((nuint)length < total)
            Throw.LengthMismatch($"{op}: {name} must hold T·N = {steps}·{neurons} values", (int)Math.Min(total, int.MaxValue), length);
    }

    static void CheckState(string op, string name, int length, int neurons)
    {
        if (length < neurons) Throw.LengthMismatch($"{op}: {name} must hold N = {neurons} values", neurons, length);
    }

    static void CheckCoefficients(string op, int neurons, in CeLifCoefficients k)
    {
        CheckState(op, "Alpha", k.Alpha.Length, neurons);
        CheckState(op, "Theta0", k.Theta0.Length, neurons);
        CheckState(op, "Beta", k.Beta.Length, neurons);
        CheckState(op, "Gamma", k.Gamma.Length, neurons);
        CheckState(op, "Rho", k.Rho.Length, neurons);
        CheckState(op, "Kappa", k.Kappa.Length, neurons);
        if (!float.IsFinite(k.ThetaMin))
            Throw.Argument($"{op}: ThetaMin = {k.ThetaMin} must be finite (the threshold floor; e.g. 0.01).", nameof(k));
    }
}
