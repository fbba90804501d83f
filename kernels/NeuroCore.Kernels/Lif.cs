using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NeuroCore.Kernels.Parallel;

namespace NeuroCore.Kernels;

/// <summary>
/// Fused leaky integrate-and-fire kernels (time-first layout, <c>N</c> = batch × neurons contiguous), modelled on
/// SpikingJelly's fused LIF scan. The model, per neuron n and step t (β and θ per neuron):
/// <code>
/// H_t = β ⊙ V_{t−1} + I_t          (two roundings, no FMA)
/// S_t = [H_t ≥ θ]
/// V_t = H_t − S_t·θ                (soft reset)   or   V_t = H_t·(1 − S_t)   (hard reset to zero)
/// </code>
/// Neurons are vectorised (Vector512, else 256, else 128, then a scalar tail: one loop written over the lane width of
/// Lanes.cs, so every width runs the same float operations); the time loop
/// runs inside each tile of 1024 neurons whose V (forward) or gradient carry and partial sums (backward) stay in L1
/// (see <c>Tile</c>). With <c>threads</c> &gt; 1 whole tiles are split over threads by <see cref="FixedPartition"/>;
/// every neuron is computed the same way wherever its tile runs. Results are bitwise equal to the <see cref="Reference.LifScanForward"/> and
/// <see cref="Reference.LifScanBackward{TSurrogate}"/> twins.
/// </summary>
public static unsafe partial class Lif
{
    // Neurons per tile of the scans. Each tile's V, β and θ (3 × 4 KB; backward: the gradV carry and the β, θ partial
    // sums on the stack) stay in L1 while t walks the tile's rows, so the [T,N] tensors are read and written in
    // contiguous 4 KB runs the hardware prefetcher follows. Carrying V in registers down one vector's column instead
    // strides rows of N floats apart and ran about half as fast on W2 (12.8 ms vs 6.1 ms).
    internal const nuint Tile = 1024;

    /// <summary>
    /// Runs <paramref name="steps"/> LIF steps: effectively computes, for t = 0..T−1 and n = 0..N−1,
    /// <c>h = β[n]·v[n] + input[t,n]; s = h ≥ θ[n] ? 1 : 0; v[n] = reset(h, s)</c>, writing
    /// <c>spikes[t,n] = s</c> and, when training, <c>hSaved[t,n] = h</c>.
    /// </summary>
    /// <param name="input">Synaptic current I[T,N].</param>
    /// <param name="steps">T, the number of time steps (≥ 0).</param>
    /// <param name="neurons">N, the number of neurons (batch × neurons, ≥ 0).</param>
    /// <param name="beta">Decay β[N], expected in (0, 1].</param>
    /// <param name="threshold">Threshold θ[N], expected &gt; 0.</param>
    /// <param name="reset">Soft or hard reset.</param>
    /// <param name="v">Membrane V[N]: V0 in, V_{T−1} out. Keep a copy of V0 if the backward pass needs it.</param>
    /// <param name="spikes">Destination S[T,N] (0 or 1); may be the very same span as <paramref name="input"/>.</param>
    /// <param name="hSaved">
    /// Destination H[T,N] for the backward pass, or empty for inference; may be the very same span as
    /// <paramref name="input"/>. Other overlaps are not supported.
    /// </param>
    /// <param name="threads">
    /// Threads to use, 1 to <see cref="FixedPartition.MaxThreads"/>: whole 1024-neuron tiles are split over them
    /// (N within one tile runs on the calling thread). Results are bitwise equal for every thread count.
    /// </param>
    /// <exception cref="ArgumentException">A span is too short, or a count is negative.</exception>
    public static void ScanForward(ReadOnlySpan<float> input, int steps, int neurons, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> threshold, LifReset reset, Span<float> v, Span<float> spikes, Span<float> hSaved,
        int threads = 1)
    {
        CheckCounts(steps, neurons);
        CheckThreads(threads, "Lif.ScanForward");
        nuint total = (nuint)steps * (nuint)neurons;
        if ((nuint)input.Length < total) Throw.LengthMismatch("Lif.ScanForward: input must hold T·N values", (int)Math.Min(total, int.MaxValue), input.Length);
        CheckNeuronSpans(neurons, beta, threshold);
        if (v.Length < neurons) Throw.DestinationTooShort(nameof(v));
        if ((nuint)spikes.Length < total) Throw.DestinationTooShort(nameof(spikes));
        bool save = !hSaved.IsEmpty;
        if (save && (nuint)hSaved.Length < total) Throw.DestinationTooShort(nameof(hSaved));
        if (total == 0) return;

        fixed (float* pi = input, pb = beta, pt = threshold, pv = v, ps = spikes, ph = hSaved)
        {
            var job = new ForwardJob
            {
                Input = pi, Beta = pb, Threshold = pt, V = pv, Spikes = ps, H = ph,
                N = (nuint)neurons, T = (nuint)steps, Soft = reset == LifReset.Soft, Save = save,
            };
            RunTiles(neurons, threads, in job);
        }
    }

    /// <summary>Runs <paramref name="job"/> over the neuron tiles: inline for one tile or thread, else split by <see cref="FixedPartition"/>.</summary>
    internal static void RunTiles<TJob>(int neurons, int threads, in TJob job) where TJob : struct, IRangeBody
    {
        int tiles = (int)(((nuint)neurons + Tile - 1) / Tile);
        if (threads == 1 || tiles <= 1) job.Invoke(0, tiles);
        else FixedPartition.Run(tiles, threads, in job);
    }

    /// <summary>
    /// A fused time loop over one tile of neurons, written once over a lane width (<see cref="ILanes{TV}"/>) and run
    /// by <see cref="RunLanes{TLoop}"/> at the widest accelerated width, then over the scalar tail with the same code.
    /// </summary>
    internal interface ITileLoop
    {
        /// <summary>
        /// Runs the whole time loop over neurons [r0, r1) (a whole number of lane groups, r0 a tile boundary) tile by
        /// tile. The tile loop is inside each kernel's method, as it was in the per-width code: one call per tile ran
        /// the ALIF training forward about 10 % slower (same inner-loop instructions; CPU time A/B in one process).
        /// </summary>
        void Tiles<TL, TV>(nuint r0, nuint r1) where TL : struct, ILanes<TV> where TV : struct;
    }

    /// <summary>
    /// Runs <paramref name="loop"/> over neurons [r0, r1) (r0 a tile boundary) tile by tile: whole lane groups of the
    /// widest accelerated width (Vector512, else 256, else 128), then the scalar tail (<see cref="Lanes1"/>).
    /// </summary>
    internal static void RunLanes<TLoop>(TLoop loop, nuint r0, nuint r1) where TLoop : struct, ITileLoop
    {
        nuint j = r0;
        if (Vector512.IsHardwareAccelerated) j = RunLanes<TLoop, Lanes512, Vector512<float>>(ref loop, r0, r1);
        else if (Vector256.IsHardwareAccelerated) j = RunLanes<TLoop, Lanes256, Vector256<float>>(ref loop, r0, r1);
        else if (Vector128.IsHardwareAccelerated) j = RunLanes<TLoop, Lanes128, Vector128<float>>(ref loop, r0, r1);
        RunLanes<TLoop, Lanes1, float>(ref loop, j, r1);
    }

    /// <summary>Runs the whole lane groups of [r0, r1); returns where they stopped (the tail's start).</summary>
    static nuint RunLanes<TLoop, TL, TV>(ref TLoop loop, nuint r0, nuint r1)
        where TLoop : struct, ITileLoop where TL : struct, ILanes<TV> where TV : struct
    {
        nuint end = r1 - (r1 - r0) % TL.Count;
        if (end > r0) loop.Tiles<TL, TV>(r0, end);
        return end;
    }

    /// <summary>One forward scan's operands; <see cref="Invoke"/> runs the neuron tiles [start, limit).</summary>
    struct ForwardJob : IRangeBody, ITileLoop
    {
        public float* Input, Beta, Threshold, V, Spikes, H;
        public nuint N, T;
        public bool Soft, Save;

        public readonly void Invoke(int start, int limit) => RunLanes(this, (nuint)start * Lif.Tile, Math.Min((nuint)limit * Lif.Tile, N));

        /// <summary>The time loop, tile by tile over [r0, r1): t outer, so the tile's V, β and θ stay in L1 (see <see cref="Lif.Tile"/>).</summary>
        public readonly void Tiles<TL, TV>(nuint r0, nuint r1) where TL : struct, ILanes<TV> where TV : struct
        {
            ref float ir = ref Unsafe.AsRef<float>(Input);
            ref float br = ref Unsafe.AsRef<float>(Beta);
            ref float tr = ref Unsafe.AsRef<float>(Threshold);
            ref float vr = ref Unsafe.AsRef<float>(V);
            ref float sr = ref Unsafe.AsRef<float>(Spikes);
            ref float hr = ref Unsafe.AsRef<float>(H);
            bool soft = Soft, save = Save;
            nuint n = N, steps = T, w = TL.Count;
            TV one = TL.Splat(1f);
            for (nuint j0 = r0; j0 < r1; j0 += Lif.Tile)
            {
                nuint j1 = Math.Min(j0 + Lif.Tile, r1);
                for (nuint t = 0, row = 0; t < steps; t++, row += n)
                    for (nuint k = j0; k < j1; k += w)
                    {
                        nuint i = row + k;
                        TV th = TL.Load(ref tr, k);
                        TV h = Charge<TL, TV>(TL.Load(ref br, k), TL.Load(ref vr, k), TL.Load(ref ir, i));
                        TV s = TL.GreaterOrEqualOne(h, th);
                        TL.Store(Reset<TL, TV>(soft, h, s, th, one), ref vr, k);
                        TL.Store(s, ref sr, i);
                        if (save) TL.Store(h, ref hr, i);
                    }
            }
        }
    }

    /// <summary>H = fl(fl(β·V) + I): the membrane before the reset (LIF and ALIF).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV Charge<TL, TV>(TV beta, TV v, TV input) where TL : struct, ILanes<TV> where TV : struct =>
        TL.Add(TL.Mul(beta, v), input);

    /// <summary>V after the spike: H − S·θ (soft) or H·(1 − S) (hard).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV Reset<TL, TV>(bool soft, TV h, TV s, TV th, TV one) where TL : struct, ILanes<TV> where TV : struct =>
        soft ? TL.Sub(h, TL.Mul(s, th)) : TL.Mul(h, TL.Sub(one, s));

    /// <summary>
    /// One LIF time step (streaming inference, online rules): the same as <see cref="ScanForward"/> with T = 1.
    /// Allocates nothing.
    /// </summary>
    /// <param name="input">Synaptic current I[N] for this step.</param>
    /// <param name="beta">Decay β[N].</param>
    /// <param name="threshold">Threshold θ[N].</param>
    /// <param name="reset">Soft or hard reset.</param>
    /// <param name="v">Membrane V[N], updated in place.</param>
    /// <param name="spikes">Destination S[N].</param>
    /// <param name="h">Destination H[N] (pre-reset potential), or empty.</param>
    /// <exception cref="ArgumentException">A span is too short.</exception>
    public static void Step(ReadOnlySpan<float> input, ReadOnlySpan<float> beta, ReadOnlySpan<float> threshold,
        LifReset reset, Span<float> v, Span<float> spikes, Span<float> h) =>
        ScanForward(input, 1, input.Length, beta, threshold, reset, v, spikes, h);

    internal static void CheckThreads(int threads, string kernel)
    {
        if (threads < 1 || threads > FixedPartition.MaxThreads)
            Throw.OutOfRange(nameof(threads), $"{kernel}: threads must be between 1 and {FixedPartition.MaxThreads}, got {threads}.");
    }

    internal static void CheckCounts(int steps, int neurons)
    {
        if (steps < 0) Throw.OutOfRange(nameof(steps), "The number of time steps must be non-negative.");
        if (neurons < 0) Throw.OutOfRange(nameof(neurons), "The number of neurons must be non-negative.");
    }

    static void CheckNeuronSpans(int neurons, ReadOnlySpan<float> beta, ReadOnlySpan<float> threshold)
    {
        if (beta.Length < neurons) Throw.LengthMismatch("Lif: beta must hold N values", neurons, beta.Length);
        if (threshold.Length < neurons) Throw.LengthMismatch("Lif: threshold must hold N values", neurons, threshold.Length);
    }
}
