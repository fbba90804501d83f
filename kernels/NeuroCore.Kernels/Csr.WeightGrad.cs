using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using NeuroCore.Kernels.Parallel;

namespace NeuroCore.Kernels;

public static unsafe partial class Csr
{
    /// <summary>Lanes of the fixed summation order of <see cref="WeightGrad"/>.</summary>
    internal const int GradLanes = 16;

    /// <summary>
    /// Samples per block of <see cref="WeightGrad"/>: each block's sums are reduced and added to the gradient on their
    /// own, so one block of Xᵀ ([in, 128] floats, 392 KiB at in = 784) stays in L2 while every output row uses it.
    /// </summary>
    internal const int GradBlock = 128;

    /// <summary>
    /// The weight gradient on the pattern from feature-major data: effectively computes, for every connection (o, i)
    /// with slot s, <c>gradValues[s] += Σ_j gradOutputT[o·n + j] · inputT[i·n + j]</c>, i.e. (Gᵀ·X) at the connections
    /// only, summed over all n samples (T·B rows). The sum has a fixed order that depends on neither the vector width nor
    /// the thread count: the samples are cut into blocks of <see cref="GradBlock"/> (the last one shorter); within a block,
    /// 16 lane sums, lane l taking the j ≡ l (mod 16) in increasing j, each step a fused multiply-add
    /// (<see cref="MathF.FusedMultiplyAdd"/>); then halving (lane l += lane l + 8 for l &lt; 8, then l + 4, l + 2, l + 1),
    /// and the block's value is added to gradValues[s], blocks in order. Output rows are split over
    /// <paramref name="threads"/>; bitwise equal to <see cref="Reference.CsrWeightGrad"/> at every width and thread count.
    /// </summary>
    /// <remarks>
    /// Per output row, the connections are taken several at a time (8 at 512 bits, 4 at 256, 2 at 128): one load of
    /// ∂Iᵀ[o] serves them all, and each adds one FMA per 16 samples into its own accumulator, so the loop runs at the
    /// load ports' rate with no horizontal work until the block ends. The block's 16-lane sums are then reduced in the
    /// order above.
    /// </remarks>
    /// <param name="pattern">The connection pattern W [out, in].</param>
    /// <param name="gradOutputT">∂L/∂Yᵀ [out, n].</param>
    /// <param name="inputT">Xᵀ [in, n].</param>
    /// <param name="n">Samples, ≥ 0.</param>
    /// <param name="gradValues">∂L/∂values by slot [nnz], ADDED to.</param>
    /// <param name="threads">Threads, 1 to <see cref="FixedPartition.MaxThreads"/>.</param>
    /// <exception cref="ArgumentException">A span is too short or overlaps.</exception>
    public static void WeightGrad(CsrPattern pattern, ReadOnlySpan<float> gradOutputT, ReadOnlySpan<float> inputT, int n,
        Span<float> gradValues, int threads = 1) =>
        WeightGrad(pattern, gradOutputT, inputT, n, gradValues, threads, ParallelThreshold);

    /// <summary><see cref="WeightGrad(CsrPattern, ReadOnlySpan{float}, ReadOnlySpan{float}, int, Span{float}, int)"/> with an explicit parallel threshold (tests pass 0).</summary>
    internal static void WeightGrad(CsrPattern pattern, ReadOnlySpan<float> gradOutputT, ReadOnlySpan<float> inputT, int n,
        Span<float> gradValues, int threads, long parallelThreshold)
    {
        const string Op = "Csr.WeightGrad";
        ArgumentNullException.ThrowIfNull(pattern);
        CheckThreads(Op, threads);
        if (n < 0) Throw.OutOfRange(nameof(n), $"{Op}: n must be non-negative, got {n}.");
        if (gradOutputT.Length < (long)pattern.Rows * n)
            Throw.Argument($"{Op}: gradOutputT holds {gradOutputT.Length} values, shorter than [out, n] = [{pattern.Rows}, {n}]; it must be feature-major.", nameof(gradOutputT));
        if (inputT.Length < (long)pattern.Columns * n)
            Throw.Argument($"{Op}: inputT holds {inputT.Length} values, shorter than [in, n] = [{pattern.Columns}, {n}]; it must be feature-major.", nameof(inputT));
        if (gradValues.Length < pattern.Nnz)
            Throw.Argument($"{Op}: gradValues holds {gradValues.Length} values but nnz = {pattern.Nnz}.", nameof(gradValues));
        if (n == 0) return;
        if (gradValues.Overlaps(gradOutputT) || gradValues.Overlaps(inputT))
            Throw.Argument($"{Op}: gradValues overlaps an input; pass separate buffers.", nameof(gradValues));
        fixed (int* st = pattern.RowStart, ix = pattern.RowColumns, sl = pattern.RowSlots)
        fixed (float* g = gradOutputT, x = inputT, gv = gradValues)
        {
            var job = new DotJob { Start = st, Index = ix, Slots = sl, G = g, X = x, GradValues = gv, N = n };
            long work = (long)pattern.Nnz * n;
            FixedPartition.Run(pattern.Rows, work < parallelThreshold ? 1 : threads, in job);
        }
    }

    struct DotJob : IRangeBody
    {
        public int* Start, Index, Slots;
        public float* G, X, GradValues;
        public int N;

        public readonly void Invoke(int start, int limit)
        {
            // The lane sums of up to 8 connections, stored when a block ends: connection p's 16 lanes at [16p, 16p + 16).
            float* lanes = stackalloc float[8 * GradLanes];
            for (int jb = 0; jb < N; jb += GradBlock)
            {
                int je = Math.Min(N, jb + GradBlock);
                for (int o = start; o < limit; o++)
                {
                    var row = new GradRow { G = G + (nint)o * N, X = X, N = N, Index = Index, Slots = Slots, GradValues = GradValues, Begin = jb, End = je, Lanes = lanes };
                    int k = Start[o], k1 = Start[o + 1];
                    if (Vector512.IsHardwareAccelerated) k = row.Connections<Lanes512, Vector512<float>>(k, k1);
                    else if (Vector256.IsHardwareAccelerated) k = row.Connections<Lanes256, Vector256<float>>(k, k1);
                    else if (Vector128.IsHardwareAccelerated) k = row.Connections<Lanes128, Vector128<float>>(k, k1);
                    // No accelerated width (the vector paths return k1): every sample through the scalar lanes.
                    for (; k < k1; k++)
                    {
                        new Span<float>(lanes, GradLanes).Clear();
                        row.Tail(k, 0, jb);
                        GradValues[Slots[k]] += Reduce16(lanes);
                    }
                }
            }
        }
    }

    /// <summary>One output row's connections over one block of samples [Begin, End).</summary>
    struct GradRow
    {
        public float* G, X, GradValues, Lanes;
        public int* Index, Slots;
        public int N, Begin, End;

        /// <summary>
        /// Connections [k, k1) of the row: 8·Count/16 at a time, then one at a time. Returns k1.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly int Connections<TW, TV>(int k, int k1) where TW : struct, ILanes<TV> where TV : struct
        {
            nuint c = TW.Count;
            // Vectors per connection (16 lanes) and connections per group of 8 accumulators.
            int perConnection = GradLanes / (int)c, group = 8 / perConnection;
            int whole = Begin + (End - Begin) / GradLanes * GradLanes;
            for (; k + group <= k1; k += group)
            {
                if (Group<TW, TV>(k, whole)) continue;
                for (int p = 0; p < group; p++)
                {
                    Tail(k + p, p, whole);
                    GradValues[Slots[k + p]] += Reduce16(Lanes + p * GradLanes);
                }
            }
            for (; k < k1; k++)
            {
                Single<TW, TV>(k, whole);
                Tail(k, 0, whole);
                GradValues[Slots[k]] += Reduce16(Lanes);
            }
            return k;
        }

        /// <summary>
        /// Lanes of the 8·Count/16 connections k.. over the whole 16-sample steps of the block. Accumulator v belongs to
        /// connection v / (16/Count) and covers lanes (v mod (16/Count))·Count... With 512-bit vectors and no sample
        /// left over, reduces them in registers and adds them to the gradient (returns true); otherwise stores them to
        /// <see cref="Lanes"/> for the caller (returns false).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        readonly bool Group<TW, TV>(int k, int whole) where TW : struct, ILanes<TV> where TV : struct
        {
            nuint c = TW.Count;
            int per = GradLanes / (int)c;
            nuint o1 = (nuint)(1 % per) * c, o2 = (nuint)(2 % per) * c, o3 = (nuint)(3 % per) * c;
            nint n = N;
            ref float g = ref *G;
            ref float x0 = ref *(X + Index[k] * n);
            ref float x1 = ref *(X + Index[k + 1 / per] * n);
            ref float x2 = ref *(X + Index[k + 2 / per] * n);
            ref float x3 = ref *(X + Index[k + 3 / per] * n);
            ref float x4 = ref *(X + Index[k + 4 / per] * n);
            ref float x5 = ref *(X + Index[k + 5 / per] * n);
            ref float x6 = ref *(X + Index[k + 6 / per] * n);
            ref float x7 = ref *(X + Index[k + 7 / per] * n);
            TV a0 = TW.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            for (nuint j = (nuint)Begin; j < (nuint)whole; j += GradLanes)
            {
                // The ∂I vector of each lane range: g1..g3 alias g0 (or g1) where a connection spans fewer vectors.
                TV g0 = TW.Load(ref g, j);
                TV g1 = per > 1 ? TW.Load(ref g, j + c) : g0;
                TV g2 = per > 2 ? TW.Load(ref g, j + 2 * c) : g0;
                TV g3 = per > 2 ? TW.Load(ref g, j + 3 * c) : g1;
                a0 = TW.FusedMultiplyAdd(g0, TW.Load(ref x0, j), a0);
                a1 = TW.FusedMultiplyAdd(g1, TW.Load(ref x1, j + o1), a1);
                a2 = TW.FusedMultiplyAdd(g2, TW.Load(ref x2, j + o2), a2);
                a3 = TW.FusedMultiplyAdd(g3, TW.Load(ref x3, j + o3), a3);
                a4 = TW.FusedMultiplyAdd(g0, TW.Load(ref x4, j), a4);
                a5 = TW.FusedMultiplyAdd(g1, TW.Load(ref x5, j + o1), a5);
                a6 = TW.FusedMultiplyAdd(g2, TW.Load(ref x6, j + o2), a6);
                a7 = TW.FusedMultiplyAdd(g3, TW.Load(ref x7, j + o3), a7);
            }
            if (typeof(TV) == typeof(Vector512<float>) && Avx512F.IsSupported && whole == End)
            {
                Reduce8(Unsafe.As<TV, Vector512<float>>(ref a0), Unsafe.As<TV, Vector512<float>>(ref a1), Unsafe.As<TV, Vector512<float>>(ref a2),
                    Unsafe.As<TV, Vector512<float>>(ref a3), Unsafe.As<TV, Vector512<float>>(ref a4), Unsafe.As<TV, Vector512<float>>(ref a5),
                    Unsafe.As<TV, Vector512<float>>(ref a6), Unsafe.As<TV, Vector512<float>>(ref a7), k);
                return true;
            }
            ref float l = ref *Lanes;
            TW.Store(a0, ref l, 0);
            TW.Store(a1, ref l, c);
            TW.Store(a2, ref l, 2 * c);
            TW.Store(a3, ref l, 3 * c);
            TW.Store(a4, ref l, 4 * c);
            TW.Store(a5, ref l, 5 * c);
            TW.Store(a6, ref l, 6 * c);
            TW.Store(a7, ref l, 7 * c);
            return false;
        }

        /// <summary>
        /// The halving sums of eight 16-lane accumulators (connections k..k+7) in registers, added to their gradients:
        /// the same additions as <see cref="Reduce16"/>, eight connections per instruction. Step 1 pairs the 256-bit halves
        /// of two connections, step 2 the 128-bit quarters of four, steps 3 and 4 work inside each 128-bit quarter, which
        /// ends holding connection q in lane 4q and connection q + 4 in lane 4q + 2.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        readonly void Reduce8(Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3,
            Vector512<float> a4, Vector512<float> a5, Vector512<float> a6, Vector512<float> a7, int k)
        {
            // Lane l < 8 of each connection += lane l + 8: [a.lo256 | b.lo256] + [a.hi256 | b.hi256].
            Vector512<float> u01 = Avx512F.Shuffle4x128(a0, a1, 0x44) + Avx512F.Shuffle4x128(a0, a1, 0xEE);
            Vector512<float> u23 = Avx512F.Shuffle4x128(a2, a3, 0x44) + Avx512F.Shuffle4x128(a2, a3, 0xEE);
            Vector512<float> u45 = Avx512F.Shuffle4x128(a4, a5, 0x44) + Avx512F.Shuffle4x128(a4, a5, 0xEE);
            Vector512<float> u67 = Avx512F.Shuffle4x128(a6, a7, 0x44) + Avx512F.Shuffle4x128(a6, a7, 0xEE);
            // Lane l < 4 += lane l + 4: quarters 0 and 2 of each pair against quarters 1 and 3; quarter q = connection q.
            Vector512<float> v0 = Avx512F.Shuffle4x128(u01, u23, 0x88) + Avx512F.Shuffle4x128(u01, u23, 0xDD);
            Vector512<float> v4 = Avx512F.Shuffle4x128(u45, u67, 0x88) + Avx512F.Shuffle4x128(u45, u67, 0xDD);
            // Lane l < 2 += lane l + 2, connection q in lanes 0-1 and connection q + 4 in lanes 2-3 of quarter q.
            Vector512<float> w = Avx512F.Shuffle(v0, v4, 0x44) + Avx512F.Shuffle(v0, v4, 0xEE);
            // Lane 0 + lane 1.
            Vector512<float> z = w + Avx512F.Shuffle(w, w, 0xB1);
            float* r = Lanes;
            z.Store(r);
            for (int q = 0; q < 4; q++)
            {
                GradValues[Slots[k + q]] += r[4 * q];
                GradValues[Slots[k + q + 4]] += r[4 * q + 2];
            }
        }

        /// <summary>Lanes of connection k alone over the whole 16-sample steps of the block, stored to Lanes[0..16).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        readonly void Single<TW, TV>(int k, int whole) where TW : struct, ILanes<TV> where TV : struct
        {
            nuint c = TW.Count;
            int per = GradLanes / (int)c;
            ref float g = ref *G;
            ref float x = ref *(X + Index[k] * (nint)N);
            TV a0 = TW.Zero, a1 = a0, a2 = a0, a3 = a0;
            for (nuint j = (nuint)Begin; j < (nuint)whole; j += GradLanes)
            {
                a0 = TW.FusedMultiplyAdd(TW.Load(ref g, j), TW.Load(ref x, j), a0);
                if (per > 1) a1 = TW.FusedMultiplyAdd(TW.Load(ref g, j + c), TW.Load(ref x, j + c), a1);
                if (per > 2)
                {
                    a2 = TW.FusedMultiplyAdd(TW.Load(ref g, j + 2 * c), TW.Load(ref x, j + 2 * c), a2);
                    a3 = TW.FusedMultiplyAdd(TW.Load(ref g, j + 3 * c), TW.Load(ref x, j + 3 * c), a3);
                }
            }
            ref float l = ref *Lanes;
            TW.Store(a0, ref l, 0);
            if (per > 1) TW.Store(a1, ref l, c);
            if (per > 2)
            {
                TW.Store(a2, ref l, 2 * c);
                TW.Store(a3, ref l, 3 * c);
            }
        }

        /// <summary>The samples [from, End) of connection k into lanes [16p, 16p + 16) (lane j mod 16), one FMA each.</summary>
        public readonly void Tail(int k, int p, int from)
        {
            float* x = X + Index[k] * (nint)N;
            float* lanes = Lanes + p * GradLanes;
            for (int j = from; j < End; j++) lanes[j & (GradLanes - 1)] = MathF.FusedMultiplyAdd(G[j], x[j], lanes[j & (GradLanes - 1)]);
        }
    }

    /// <summary>The halving sum of 16 lanes: l += l + 8 (l &lt; 8), l += l + 4, l += l + 2, then lane 0 + lane 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static float Reduce16(float* lanes)
    {
        if (Vector128.IsHardwareAccelerated)
        {
            Vector128<float> s = (Vector128.Load(lanes) + Vector128.Load(lanes + 8)) + (Vector128.Load(lanes + 4) + Vector128.Load(lanes + 12));
            Vector128<float> t = s + Vector128.Shuffle(s, Vector128.Create(2, 3, 2, 3));
            return t.ToScalar() + t.GetElement(1);
        }
        for (int half = GradLanes / 2; half >= 1; half /= 2)
            for (int l = 0; l < half; l++) lanes[l] += lanes[l + half];
        return lanes[0];
    }
}
