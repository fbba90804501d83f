using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NeuroCore.Kernels.Parallel;

namespace NeuroCore.Kernels;

public static unsafe partial class CeLif
{
    /// <summary>
    /// BPTT through <see cref="ScanForward"/> (derived in Reference/CeLif.cs, twin
    /// <see cref="Reference.CeLifScanBackward{TSurrogate}"/>): walks t from T−1 down to 0 with the carries
    /// gV = ∂L/∂V_t, gA = ∂L/∂A_t, gC = ∂L/∂C_t, the spike derivative replaced by the surrogate
    /// <c>g = sg.Grad(H_t − θ_t)</c>, so ∂S/∂H = g and ∂S/∂θ = −g (the threshold path carries gradient into θ0, β, γ,
    /// back in time through A and C, and into the context drive). Per neuron and step, with m = [θ̃_t ≥ θ_min]:
    /// <code>
    /// gŜ = gS + (1−ρ)·gA − gV·(soft ? θ_t : H_t)          (detached reset: without the gV term)
    /// gH = gŜ·g + (soft ? gV : gV·(1 − S));   gθ = (soft ? −gŜ·g − gV·S : −gŜ·g)·m;   gĈ = gC + γ·gθ
    /// gI_t = (1−α)·gH;  gX_t = (1−κ)·gĈ;  gα += gH·(V_{t−1} − I_t);  gθ0 += gθ;  gβ += gθ·A_{t−1};  gγ += gθ·C_t
    /// gρ += gA·(A_{t−1} − S_t);  gκ += gĈ·(C_{t−1} − Z_t)
    /// gV ← α·gH (+ (1−κ)·gĈ for the membrane context);  gA ← ρ·gA + β·gθ;  gC ← κ·gĈ
    /// </code>
    /// The forward's H, θ, S, V, A, C are not saved: each block of <see cref="CheckpointInterval"/> steps is recomputed
    /// from its checkpoint and the input (and drive) with the forward's float operations, bitwise the forward's values,
    /// into a per-lane-group scratch in L1, and walked backwards at once. The carries come in through
    /// <paramref name="gradV"/>, <paramref name="gradA"/>, <paramref name="gradC"/> (∂L/∂ of the final state; zeros when
    /// the final state is not used) and leave as ∂L/∂ of the initial state, so a long sequence can also be processed
    /// backwards chunk by chunk (the layer's checkpointing). Allocates nothing.
    /// </summary>
    /// <typeparam name="TSurrogate">The surrogate gradient (a readonly struct, inlined).</typeparam>
    /// <param name="sg">The surrogate and its shape parameters.</param>
    /// <param name="input">I[T,N], the forward's input.</param>
    /// <param name="drive">X[T,N], the forward's drive (or empty as forward; ignored for the membrane context).</param>
    /// <param name="steps">T (≥ 0).</param>
    /// <param name="neurons">N (≥ 0).</param>
    /// <param name="k">The forward's coefficients.</param>
    /// <param name="detachReset">When true, the reset term's dependence on S is not differentiated (A's still is).</param>
    /// <param name="checkpoints">The forward's checkpoints, <see cref="CheckpointLength"/>(T, N) floats.</param>
    /// <param name="gradSpikes">∂L/∂S[T,N].</param>
    /// <param name="gradInput">Destination ∂L/∂I[T,N] (overwritten); may be the very same span as <paramref name="gradSpikes"/>.</param>
    /// <param name="gradDrive">
    /// Destination ∂L/∂X[T,N] (overwritten), or empty; only written for the drive context with a drive. It may be the very
    /// same span as <paramref name="gradInput"/> (the drive is the input itself, C2 with X = I): the kernel then writes
    /// the input's whole gradient ∂L/∂I + ∂L/∂X = fl(fl((1−α)·gH) + fl((1−κ)·gĈ)) there, one stream instead of two.
    /// </param>
    /// <param name="grads">The parameter gradients, each [N], ADDED to.</param>
    /// <param name="gradV">∂L/∂V_{T−1}[N] in, ∂L/∂V_{−1} out.</param>
    /// <param name="gradA">∂L/∂A_{T−1}[N] in, ∂L/∂A_{−1} out.</param>
    /// <param name="gradC">∂L/∂C_{T−1}[N] in, ∂L/∂C_{−1} out.</param>
    /// <param name="threads">Threads, 1 to <see cref="FixedPartition.MaxThreads"/>; results are bitwise equal for every count.</param>
    /// <exception cref="ArgumentException">A span is too short, a count is negative, or θ_min is not finite.</exception>
    public static void ScanBackward<TSurrogate>(in TSurrogate sg, ReadOnlySpan<float> input, ReadOnlySpan<float> drive,
        int steps, int neurons, in CeLifCoefficients k, bool detachReset, ReadOnlySpan<float> checkpoints,
        ReadOnlySpan<float> gradSpikes, Span<float> gradInput, Span<float> gradDrive, in CeLifGradients grads,
        Span<float> gradV, Span<float> gradA, Span<float> gradC, int threads = 1)
        where TSurrogate : struct, ISurrogate
    {
        const string Op = "CeLif.ScanBackward";
        Lif.CheckCounts(steps, neurons);
        Lif.CheckThreads(threads, Op);
        nuint total = (nuint)steps * (nuint)neurons;
        CheckSteps(Op, "input", input.Length, total, steps, neurons);
        bool useDrive = k.Context == CeLifContext.Drive && !drive.IsEmpty;
        if (useDrive) CheckSteps(Op, "drive", drive.Length, total, steps, neurons);
        bool writeDrive = useDrive && !gradDrive.IsEmpty;
        if (writeDrive) CheckSteps(Op, "gradDrive", gradDrive.Length, total, steps, neurons);
        bool sumDrive = writeDrive && Unsafe.AreSame(ref MemoryMarshal.GetReference(gradDrive), ref MemoryMarshal.GetReference(gradInput));
        CheckCoefficients(Op, neurons, in k);
        CheckCheckpoints(Op, checkpoints.Length, steps, neurons);
        CheckSteps(Op, "gradSpikes", gradSpikes.Length, total, steps, neurons);
        CheckSteps(Op, "gradInput", gradInput.Length, total, steps, neurons);
        CheckState(Op, "grads.Alpha", grads.Alpha.Length, neurons);
        CheckState(Op, "grads.Theta0", grads.Theta0.Length, neurons);
        CheckState(Op, "grads.Beta", grads.Beta.Length, neurons);
        CheckState(Op, "grads.Gamma", grads.Gamma.Length, neurons);
        CheckState(Op, "grads.Rho", grads.Rho.Length, neurons);
        CheckState(Op, "grads.Kappa", grads.Kappa.Length, neurons);
        CheckState(Op, "gradV", gradV.Length, neurons);
        CheckState(Op, "gradA", gradA.Length, neurons);
        CheckState(Op, "gradC", gradC.Length, neurons);
        if (total == 0) return;

        fixed (float* pi = input, px = drive, pal = k.Alpha, pt0 = k.Theta0, pb = k.Beta, pg = k.Gamma, pr = k.Rho,
            pk = k.Kappa, pcp = checkpoints, pgs = gradSpikes, pgi = gradInput, pgx = gradDrive, pgal = grads.Alpha,
            pgt0 = grads.Theta0, pgb = grads.Beta, pgg = grads.Gamma, pgr = grads.Rho, pgk = grads.Kappa, pgv = gradV,
            pga = gradA, pgc = gradC)
        {
            var job = new BackwardJob<TSurrogate>
            {
                Sg = sg, Input = pi, Drive = useDrive ? px : null, Alpha = pal, Theta0 = pt0, Beta = pb, Gamma = pg, Rho = pr,
                Kappa = pk, Checkpoints = pcp, GradSpikes = pgs, GradInput = pgi, GradDrive = writeDrive && !sumDrive ? pgx : null,
                GradAlpha = pgal, GradTheta0 = pgt0, GradBeta = pgb, GradGamma = pgg, GradRho = pgr, GradKappa = pgk,
                GradV = pgv, GradA = pga, GradC = pgc,
                N = (nuint)neurons, T = (nuint)steps, ThetaMin = k.ThetaMin, Soft = k.Reset == LifReset.Soft,
                Membrane = k.Context == CeLifContext.Membrane, Detach = detachReset, SumDrive = sumDrive,
            };
            Lif.RunTiles(neurons, threads, in job);
        }
    }

    // Stack rows per tile: the α, θ0, β, γ, ρ, κ partial sums (the carries live in gradV/gradA/gradC).
    const nuint Sums = 6;

    // Rows of the per-lane-group block scratch, each Count floats: H and θ̃ of the block's K steps, then V, A, C before
    // each of its steps and after the last (K + 1 rows each).
    const nuint RowH = 0, RowRaw = CheckpointInterval, RowV = 2 * CheckpointInterval, RowA = RowV + CheckpointInterval + 1,
        RowC = RowA + CheckpointInterval + 1, BlockRows = RowC + CheckpointInterval + 1;

    /// <summary>One backward scan's operands; <see cref="Invoke"/> runs the neuron tiles [start, limit).</summary>
    struct BackwardJob<TSurrogate> : IRangeBody where TSurrogate : struct, ISurrogate
    {
        public TSurrogate Sg;
        public float* Input, Drive, Alpha, Theta0, Beta, Gamma, Rho, Kappa, Checkpoints, GradSpikes;
        public float* GradInput, GradDrive, GradAlpha, GradTheta0, GradBeta, GradGamma, GradRho, GradKappa, GradV, GradA, GradC;
        public nuint N, T;
        public float ThetaMin;
        public bool Soft, Membrane, Detach, SumDrive;

        public readonly void Invoke(int start, int limit) =>
            Backward(in this, (nuint)start * Lif.Tile, Math.Min((nuint)limit * Lif.Tile, N));
    }

    /// <summary>The backward scan over neurons [r0, r1) (r0 a tile boundary): the widest vector tiles, then a scalar tail.</summary>
    static void Backward<TSurrogate>(in BackwardJob<TSurrogate> job, nuint r0, nuint r1) where TSurrogate : struct, ISurrogate
    {
        // The tile's partial sums (6 × 4 KB), in L1 while t walks the tile's rows, and one lane group's recomputed block.
        Span<float> scratch = stackalloc float[(int)(Sums * Lif.Tile + BlockRows * 16)];
        ref float sums = ref MemoryMarshal.GetReference(scratch);
        ref float block = ref Unsafe.Add(ref sums, Sums * Lif.Tile);
        nuint j = r0;
        if (Vector512.IsHardwareAccelerated) j = BackwardTiles<TSurrogate, Lanes512, Vector512<float>>(in job, ref sums, ref block, r0, r1);
        else if (Vector256.IsHardwareAccelerated) j = BackwardTiles<TSurrogate, Lanes256, Vector256<float>>(in job, ref sums, ref block, r0, r1);
        else if (Vector128.IsHardwareAccelerated) j = BackwardTiles<TSurrogate, Lanes128, Vector128<float>>(in job, ref sums, ref block, r0, r1);
        BackwardTiles<TSurrogate, Lanes1, float>(in job, ref sums, ref block, j, r1);
    }

    /// <summary>Runs whole lanes of [r0, r1) tile by tile; returns where the lanes stopped (the tail's start).</summary>
    static nuint BackwardTiles<TSurrogate, TL, TV>(in BackwardJob<TSurrogate> job, ref float sums, ref float block, nuint r0, nuint r1)
        where TSurrogate : struct, ISurrogate where TL : struct, ILanes<TV> where TV : struct
    {
        nuint end = r1 - (r1 - r0) % TL.Count;
        for (nuint b0 = r0; b0 < end; b0 += Lif.Tile)
            BackwardTile<TSurrogate, TL, TV>(in job, ref sums, ref block, b0, Math.Min(b0 + Lif.Tile, end));
        return end;
    }

    /// <summary>
    /// The reverse time loop over one tile [b0, b1) (a whole number of lanes), block by block from the last: per lane
    /// group, the block's forward recomputed from its checkpoint into the block scratch, then walked backwards with the
    /// coefficients, carries and partial sums in registers; then the partial sums added out.
    /// </summary>
    static void BackwardTile<TSurrogate, TL, TV>(in BackwardJob<TSurrogate> job, ref float sums, ref float block, nuint b0, nuint b1)
        where TSurrogate : struct, ISurrogate where TL : struct, ILanes<TV> where TV : struct
    {
        TSurrogate sg = job.Sg;
        ref float ir = ref Unsafe.AsRef<float>(job.Input);
        ref float xr = ref Unsafe.AsRef<float>(job.Drive);
        ref float alr = ref Unsafe.AsRef<float>(job.Alpha);
        ref float t0r = ref Unsafe.AsRef<float>(job.Theta0);
        ref float br = ref Unsafe.AsRef<float>(job.Beta);
        ref float gmr = ref Unsafe.AsRef<float>(job.Gamma);
        ref float rr = ref Unsafe.AsRef<float>(job.Rho);
        ref float kr = ref Unsafe.AsRef<float>(job.Kappa);
        ref float cpr = ref Unsafe.AsRef<float>(job.Checkpoints);
        ref float gsr = ref Unsafe.AsRef<float>(job.GradSpikes);
        ref float gir = ref Unsafe.AsRef<float>(job.GradInput);
        ref float gxr = ref Unsafe.AsRef<float>(job.GradDrive);
        ref float gvr = ref Unsafe.AsRef<float>(job.GradV);
        ref float gar = ref Unsafe.AsRef<float>(job.GradA);
        ref float gcr = ref Unsafe.AsRef<float>(job.GradC);
        nuint sub = Lif.Tile;
        ref float sAl = ref sums;
        ref float sT0 = ref Unsafe.Add(ref sums, sub);
        ref float sB = ref Unsafe.Add(ref sums, 2 * sub);
        ref float sG = ref Unsafe.Add(ref sums, 3 * sub);
        ref float sR = ref Unsafe.Add(ref sums, 4 * sub);
        ref float sK = ref Unsafe.Add(ref sums, 5 * sub);
        bool soft = job.Soft, membrane = job.Membrane, drive = job.Drive != null, writeDrive = job.GradDrive != null;
        bool sumDrive = job.SumDrive;
        bool detach = job.Detach;
        nuint w = TL.Count, n = job.N, T = job.T;
        ref float bH = ref Unsafe.Add(ref block, RowH * w);
        ref float bRaw = ref Unsafe.Add(ref block, RowRaw * w);
        ref float bV = ref Unsafe.Add(ref block, RowV * w);
        ref float bA = ref Unsafe.Add(ref block, RowA * w);
        ref float bC = ref Unsafe.Add(ref block, RowC * w);
        TV one = TL.Splat(1f), zero = TL.Zero, floor = TL.Splat(job.ThetaMin);
        for (nuint k = b0; k < b1; k += w)
            for (nuint c = 0; c < Sums; c++) TL.Store(zero, ref sums, c * sub + k - b0);
        for (nuint tEnd = T; tEnd > 0;)
        {
            nuint tStart = (tEnd - 1) / CheckpointInterval * CheckpointInterval, len = tEnd - tStart;
            nuint cp = tStart / CheckpointInterval * 3 * n;
            for (nuint k = b0; k < b1; k += w)
            {
                nuint q = k - b0;
                TV al = TL.Load(ref alr, k), t0 = TL.Load(ref t0r, k), be = TL.Load(ref br, k), gm = TL.Load(ref gmr, k);
                TV rv = TL.Load(ref rr, k), kp = TL.Load(ref kr, k);
                TV oneMinusAl = TL.Sub(one, al), oneMinusKp = TL.Sub(one, kp), oneMinusRv = TL.Sub(one, rv);
                // The block's forward from its checkpoint (the forward's operations: bitwise its H, θ̃, V, A, C).
                TV vv = TL.Load(ref cpr, cp + k), av = TL.Load(ref cpr, cp + n + k), cv = TL.Load(ref cpr, cp + 2 * n + k);
                TL.Store(vv, ref bV, 0);
                TL.Store(av, ref bA, 0);
                TL.Store(cv, ref bC, 0);
                for (nuint d = 0, i = tStart * n + k; d < len; d++, i += n)
                {
                    TV h = Membrane<TL, TV>(al, oneMinusAl, vv, TL.Load(ref ir, i));
                    cv = Trace<TL, TV>(kp, oneMinusKp, cv, membrane ? vv : drive ? TL.Load(ref xr, i) : zero);
                    TV raw = RawThreshold<TL, TV>(t0, be, av, gm, cv);
                    TV th = TL.Floor(raw, floor);
                    TV s = TL.GreaterOrEqualOne(h, th);
                    vv = Reset<TL, TV>(soft, h, s, th, one);
                    av = Trace<TL, TV>(rv, oneMinusRv, av, s);
                    TL.Store(h, ref bH, d * w);
                    TL.Store(raw, ref bRaw, d * w);
                    TL.Store(vv, ref bV, (d + 1) * w);
                    TL.Store(av, ref bA, (d + 1) * w);
                    TL.Store(cv, ref bC, (d + 1) * w);
                }
                TV gv = TL.Load(ref gvr, k), ga = TL.Load(ref gar, k), gc = TL.Load(ref gcr, k);
                TV pAl = TL.Load(ref sAl, q), pT0 = TL.Load(ref sT0, q), pB = TL.Load(ref sB, q), pG = TL.Load(ref sG, q);
                TV pR = TL.Load(ref sR, q), pK = TL.Load(ref sK, q);
                for (nuint d = len; d-- > 0;)
                {
                    nuint i = (tStart + d) * n + k, o = d * w;
                    TV h = TL.Load(ref bH, o), raw = TL.Load(ref bRaw, o);
                    TV ap = TL.Load(ref bA, o), vPrev = TL.Load(ref bV, o), cPrev = TL.Load(ref bC, o), ct = TL.Load(ref bC, o + w);
                    TV th = TL.Floor(raw, floor);
                    TV pass = TL.GreaterOrEqualOne(raw, floor);
                    TV sp = TL.GreaterOrEqualOne(h, th);
                    TV g = TL.Grad(in sg, TL.Sub(h, th));
                    TV gsTotal = TL.Add(TL.Load(ref gsr, i), TL.Mul(oneMinusRv, ga));
                    if (!detach) gsTotal = TL.Sub(gsTotal, TL.Mul(gv, soft ? th : h));
                    TV gsg = TL.Mul(gsTotal, g);
                    TV gh = TL.Add(gsg, soft ? gv : TL.Mul(gv, TL.Sub(one, sp)));
                    TV gth = TL.Mul(soft ? TL.Sub(TL.Neg(gsg), TL.Mul(gv, sp)) : TL.Neg(gsg), pass);
                    TV gct = TL.Add(gc, TL.Mul(gm, gth));
                    TV z = membrane ? vPrev : drive ? TL.Load(ref xr, i) : zero;
                    TV xin = TL.Load(ref ir, i);
                    TV gi = TL.Mul(oneMinusAl, gh);
                    TL.Store(sumDrive ? TL.Add(gi, TL.Mul(oneMinusKp, gct)) : gi, ref gir, i);
                    if (writeDrive) TL.Store(TL.Mul(oneMinusKp, gct), ref gxr, i);
                    pAl = TL.Add(pAl, TL.Mul(gh, TL.Sub(vPrev, xin)));
                    pT0 = TL.Add(pT0, gth);
                    pB = TL.Add(pB, TL.Mul(gth, ap));
                    pG = TL.Add(pG, TL.Mul(gth, ct));
                    pR = TL.Add(pR, TL.Mul(ga, TL.Sub(ap, sp)));
                    pK = TL.Add(pK, TL.Mul(gct, TL.Sub(cPrev, z)));
                    gv = TL.Mul(al, gh);
                    if (membrane) gv = TL.Add(gv, TL.Mul(oneMinusKp, gct));
                    ga = TL.Add(TL.Mul(rv, ga), TL.Mul(be, gth));
                    gc = TL.Mul(kp, gct);
                }
                TL.Store(gv, ref gvr, k);
                TL.Store(ga, ref gar, k);
                TL.Store(gc, ref gcr, k);
                TL.Store(pAl, ref sAl, q);
                TL.Store(pT0, ref sT0, q);
                TL.Store(pB, ref sB, q);
                TL.Store(pG, ref sG, q);
                TL.Store(pR, ref sR, q);
                TL.Store(pK, ref sK, q);
            }
            tEnd = tStart;
        }
        AddSums<TL, TV>(ref sAl, job.GradAlpha, b0, b1);
        AddSums<TL, TV>(ref sT0, job.GradTheta0, b0, b1);
        AddSums<TL, TV>(ref sB, job.GradBeta, b0, b1);
        AddSums<TL, TV>(ref sG, job.GradGamma, b0, b1);
        AddSums<TL, TV>(ref sR, job.GradRho, b0, b1);
        AddSums<TL, TV>(ref sK, job.GradKappa, b0, b1);
    }

    static void AddSums<TL, TV>(ref float partial, float* destination, nuint b0, nuint b1) where TL : struct, ILanes<TV> where TV : struct
    {
        ref float dr = ref Unsafe.AsRef<float>(destination);
        for (nuint k = b0; k < b1; k += TL.Count)
            TL.Store(TL.Add(TL.Load(ref dr, k), TL.Load(ref partial, k - b0)), ref dr, k);
    }
}
