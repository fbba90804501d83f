using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NeuroCore.Kernels.Parallel;

namespace NeuroCore.Kernels;

/// <summary>
/// Fused optimizer steps over one flat parameter span (a <c>ParameterStore</c>'s values, grads and state): one
/// pass reads p, g and the state once and writes p and the state once. Semantics and the order of float operations
/// follow PyTorch's single-tensor <c>torch.optim</c> implementations, so runs can be compared step for step; no
/// fused multiply-add is used, so the vector paths are bitwise equal to <see cref="Reference"/>'s scalar twins.
/// </summary>
public static partial class Optim
{
    /// <summary>
    /// SGD with optional momentum, dampening, Nesterov and L2 weight decay (PyTorch <c>torch.optim.SGD</c>).
    /// Effectively computes, per element: <c>d = g + wd·p</c>; if momentum ≠ 0:
    /// <c>buf = firstStep ? d : momentum·buf + (1 − dampening)·d</c> and <c>d = nesterov ? d + momentum·buf : buf</c>;
    /// then <c>p = p − lr·d</c>.
    /// </summary>
    /// <param name="p">Parameters, updated in place.</param>
    /// <param name="g">Gradients, same length as p.</param>
    /// <param name="velocity">Momentum buffer, same length as p (may be empty when momentum is 0).</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="momentum">Momentum factor (0 for plain SGD).</param>
    /// <param name="dampening">Dampening of the gradient's contribution to the buffer.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    /// <param name="nesterov">Use Nesterov momentum (requires momentum &gt; 0 and dampening 0, as in PyTorch).</param>
    /// <param name="firstStep">True on the first step, when the buffer is initialised to the gradient.</param>
    /// <exception cref="ArgumentException">Lengths differ or the Nesterov conditions do not hold.</exception>
    public static void SgdMomentum(Span<float> p, ReadOnlySpan<float> g, Span<float> velocity, float lr, float momentum,
        float dampening, float weightDecay, bool nesterov, bool firstStep)
    {
        CheckLengths("Optim.SgdMomentum", p.Length, g.Length, "velocity", momentum == 0f ? p.Length : velocity.Length, 0, false);
        if (nesterov && (momentum <= 0f || dampening != 0f))
            Throw.Argument($"Optim.SgdMomentum: Nesterov momentum needs momentum > 0 and dampening 0 (got momentum {momentum}, dampening {dampening}).", nameof(nesterov));
        if (momentum == 0f)
            Run(new SgdUpdate(lr, weightDecay), p, g, Span<float>.Empty, Span<float>.Empty);
        else
            Run(new SgdMomentumUpdate(lr, momentum, dampening, weightDecay, nesterov, firstStep), p, g, velocity, Span<float>.Empty);
    }

    /// <summary>
    /// Adam (PyTorch <c>torch.optim.Adam</c>, L2 weight decay added to the gradient). Effectively computes, per element:
    /// <c>d = g + wd·p</c>, <c>m = m + (1 − β1)·(d − m)</c>, <c>v = β2·v + (1 − β2)·d·d</c>,
    /// <c>p = p − (lr / (1 − β1^t))·m / (√v / √(1 − β2^t) + ε)</c>.
    /// </summary>
    /// <param name="p">Parameters, updated in place.</param>
    /// <param name="g">Gradients.</param>
    /// <param name="m">First-moment state (zeros before step 1).</param>
    /// <param name="v">Second-moment state (zeros before step 1).</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="beta1">First-moment decay β1 in [0, 1).</param>
    /// <param name="beta2">Second-moment decay β2 in [0, 1).</param>
    /// <param name="eps">ε added to the denominator.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    /// <param name="step">The 1-based step number t, used for bias correction.</param>
    /// <exception cref="ArgumentException">Lengths differ or step &lt; 1.</exception>
    public static void Adam(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, float lr, float beta1,
        float beta2, float eps, float weightDecay, int step) => Adam(p, g, m, v, lr, beta1, beta2, eps, weightDecay, step, 1);

    /// <summary>
    /// <see cref="Adam(Span{float}, ReadOnlySpan{float}, Span{float}, Span{float}, float, float, float, float, float, int)"/>
    /// on up to <paramref name="threads"/> threads, which take fixed blocks of elements. Every element is updated by the
    /// same operations wherever it lands, so the result is bitwise the same for any thread count.
    /// </summary>
    /// <param name="p">Parameters, updated in place.</param>
    /// <param name="g">Gradients.</param>
    /// <param name="m">First-moment state (zeros before step 1).</param>
    /// <param name="v">Second-moment state (zeros before step 1).</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="beta1">First-moment decay β1 in [0, 1).</param>
    /// <param name="beta2">Second-moment decay β2 in [0, 1).</param>
    /// <param name="eps">ε added to the denominator.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    /// <param name="step">The 1-based step number t, used for bias correction.</param>
    /// <param name="threads">Threads to use, 1 to <see cref="FixedPartition.MaxThreads"/>.</param>
    /// <exception cref="ArgumentException">Lengths differ, step &lt; 1, or threads is out of range.</exception>
    public static void Adam(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, float lr, float beta1,
        float beta2, float eps, float weightDecay, int step, int threads) =>
        AdamCore(false, p, g, m, v, lr, beta1, beta2, eps, weightDecay, step, threads, ParallelThreshold);

    /// <summary>
    /// AdamW (PyTorch <c>torch.optim.AdamW</c>, decoupled weight decay). Effectively computes, per element:
    /// <c>p = p·(1 − lr·wd)</c>, then the <see cref="Adam"/> update with <c>d = g</c>.
    /// </summary>
    /// <param name="p">Parameters, updated in place.</param>
    /// <param name="g">Gradients.</param>
    /// <param name="m">First-moment state (zeros before step 1).</param>
    /// <param name="v">Second-moment state (zeros before step 1).</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="beta1">First-moment decay β1 in [0, 1).</param>
    /// <param name="beta2">Second-moment decay β2 in [0, 1).</param>
    /// <param name="eps">ε added to the denominator.</param>
    /// <param name="weightDecay">Decoupled decay rate (PyTorch's default is 0.01).</param>
    /// <param name="step">The 1-based step number t, used for bias correction.</param>
    /// <exception cref="ArgumentException">Lengths differ or step &lt; 1.</exception>
    public static void AdamW(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, float lr, float beta1,
        float beta2, float eps, float weightDecay, int step) => AdamW(p, g, m, v, lr, beta1, beta2, eps, weightDecay, step, 1);

    /// <summary>
    /// <see cref="AdamW(Span{float}, ReadOnlySpan{float}, Span{float}, Span{float}, float, float, float, float, float, int)"/>
    /// on up to <paramref name="threads"/> threads, bitwise the same for any thread count.
    /// </summary>
    /// <inheritdoc cref="AdamW(Span{float}, ReadOnlySpan{float}, Span{float}, Span{float}, float, float, float, float, float, int)"/>
    /// <param name="threads">Threads to use, 1 to <see cref="FixedPartition.MaxThreads"/>.</param>
    /// <exception cref="ArgumentException">Lengths differ, step &lt; 1, or threads is out of range.</exception>
    public static void AdamW(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, float lr, float beta1,
        float beta2, float eps, float weightDecay, int step, int threads) =>
        AdamCore(true, p, g, m, v, lr, beta1, beta2, eps, weightDecay, step, threads, ParallelThreshold);

    /// <summary>
    /// Adam (or AdamW when <paramref name="decoupled"/>) on up to <paramref name="threads"/> threads, one below
    /// <paramref name="parallelThreshold"/> elements; tests pass 0 to force the split.
    /// </summary>
    internal static void AdamCore(bool decoupled, Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, float lr,
        float beta1, float beta2, float eps, float weightDecay, int step, int threads, int parallelThreshold)
    {
        string op = decoupled ? "Optim.AdamW" : "Optim.Adam";
        CheckLengths(op, p.Length, g.Length, "m", m.Length, v.Length, true);
        CheckStep(op, step);
        CheckThreads(op, threads);
        RunThreaded(new AdamUpdate(lr, beta1, beta2, eps, weightDecay, step, decoupled), p, g, m, v, threads, parallelThreshold);
    }

    /// <summary>Below this many elements a fused update stays on one thread (a wake-up costs more than it saves).</summary>
    const int ParallelThreshold = 1 << 16;

    /// <summary>Elements per unit of the thread split: a multiple of every vector width, so only the last block has a tail.</summary>
    const int Block = 4096;

    /// <summary>
    /// <see cref="Run{TUpdate}"/> over fixed blocks of <see cref="Block"/> elements on up to <paramref name="threads"/>
    /// threads (one below <paramref name="parallelThreshold"/> elements). The update is elementwise and its vector and
    /// scalar forms agree bitwise, so the split cannot change any result.
    /// </summary>
    static unsafe void RunThreaded<TUpdate>(TUpdate update, Span<float> p, ReadOnlySpan<float> g, Span<float> a, Span<float> b,
        int threads, int parallelThreshold) where TUpdate : struct, IFusedUpdate
    {
        if (threads == 1 || p.Length < parallelThreshold)
        {
            Run(update, p, g, a, b);
            return;
        }
        fixed (float* pp = p, pg = g, pa = a, pb = b)
        {
            var job = new FusedJob<TUpdate> { Update = update, P = pp, G = pg, A = pa, B = pb, Length = p.Length };
            FixedPartition.Run((p.Length + Block - 1) / Block, threads, in job);
        }
    }

    /// <summary>One fused update over blocks [start, limit) of <see cref="Block"/> elements.</summary>
    unsafe struct FusedJob<TUpdate> : IRangeBody where TUpdate : struct, IFusedUpdate
    {
        public TUpdate Update;
        public float* P, G, A, B;
        public int Length;

        public readonly void Invoke(int start, int limit)
        {
            int from = start * Block, count = Math.Min(limit * Block, Length) - from;
            bool one = TUpdate.StateCount >= 1, two = TUpdate.StateCount >= 2;
            Run(Update, new Span<float>(P + from, count), new ReadOnlySpan<float>(G + from, count),
                one ? new Span<float>(A + from, count) : default, two ? new Span<float>(B + from, count) : default);
        }
    }

    static void CheckThreads(string op, int threads)
    {
        if (threads < 1 || threads > FixedPartition.MaxThreads)
            Throw.OutOfRange(nameof(threads), $"{op}: threads must be between 1 and {FixedPartition.MaxThreads}, got {threads}.");
    }

    /// <summary>The fused driver: widest vector first, then a scalar tail over the same update.</summary>
    static void Run<TUpdate>(TUpdate update, Span<float> p, ReadOnlySpan<float> g, Span<float> a, Span<float> b)
        where TUpdate : struct, IFusedUpdate
    {
        ref float pr = ref MemoryMarshal.GetReference(p);
        ref float gr = ref MemoryMarshal.GetReference(g);
        ref float ar = ref MemoryMarshal.GetReference(a);
        ref float br = ref MemoryMarshal.GetReference(b);
        bool one = TUpdate.StateCount >= 1, two = TUpdate.StateCount >= 2;
        nuint i = 0, n = (nuint)p.Length;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector512<float>.Count <= n; i += (nuint)Vector512<float>.Count)
            {
                Vector512<float> pv = Vector512.LoadUnsafe(ref pr, i);
                Vector512<float> av = one ? Vector512.LoadUnsafe(ref ar, i) : default;
                Vector512<float> bv = two ? Vector512.LoadUnsafe(ref br, i) : default;
                update.Invoke(ref pv, Vector512.LoadUnsafe(ref gr, i), ref av, ref bv);
                pv.StoreUnsafe(ref pr, i);
                if (one) av.StoreUnsafe(ref ar, i);
                if (two) bv.StoreUnsafe(ref br, i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector256<float>.Count <= n; i += (nuint)Vector256<float>.Count)
            {
                Vector256<float> pv = Vector256.LoadUnsafe(ref pr, i);
                Vector256<float> av = one ? Vector256.LoadUnsafe(ref ar, i) : default;
                Vector256<float> bv = two ? Vector256.LoadUnsafe(ref br, i) : default;
                update.Invoke(ref pv, Vector256.LoadUnsafe(ref gr, i), ref av, ref bv);
                pv.StoreUnsafe(ref pr, i);
                if (one) av.StoreUnsafe(ref ar, i);
                if (two) bv.StoreUnsafe(ref br, i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector128<float>.Count <= n; i += (nuint)Vector128<float>.Count)
            {
                Vector128<float> pv = Vector128.LoadUnsafe(ref pr, i);
                Vector128<float> av = one ? Vector128.LoadUnsafe(ref ar, i) : default;
                Vector128<float> bv = two ? Vector128.LoadUnsafe(ref br, i) : default;
                update.Invoke(ref pv, Vector128.LoadUnsafe(ref gr, i), ref av, ref bv);
                pv.StoreUnsafe(ref pr, i);
                if (one) av.StoreUnsafe(ref ar, i);
                if (two) bv.StoreUnsafe(ref br, i);
            }
        }
        float dummy = 0f;
        for (; i < n; i++)
        {
            // Plain SGD has no state at all: point the state at a local so the scalar form can ignore it.
            ref float ai = ref !one ? ref dummy : ref Unsafe.Add(ref ar, i);
            ref float bi = ref two ? ref Unsafe.Add(ref br, i) : ref dummy;
            update.Invoke(ref Unsafe.Add(ref pr, i), Unsafe.Add(ref gr, i), ref ai, ref bi);
        }
    }

    static void CheckLengths(string op, int p, int g, string stateName, int a, int b, bool hasB)
    {
        if (g != p) Throw.LengthMismatch($"{op}: the gradient must match the parameters", p, g);
        if (a != p) Throw.LengthMismatch($"{op}: the {stateName} state must match the parameters", p, a);
        if (hasB && b != p) Throw.LengthMismatch($"{op}: the v state must match the parameters", p, b);
    }

    static void CheckStep(string op, int step)
    {
        if (step < 1) Throw.OutOfRange(nameof(step), $"{op}: step is 1-based (bias correction divides by 1 − β^step); got {step}.");
    }
}
