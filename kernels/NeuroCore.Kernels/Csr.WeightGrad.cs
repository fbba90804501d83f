using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NeuroCore.Kernels.Parallel;

namespace NeuroCore.Kernels;

public static unsafe partial class Csr
{
    /// <summary>Lanes of the fixed summation order of <see cref="WeightGrad"/>.</summary>
    internal const int DotLanes = 64;

    /// <summary>
    /// The weight gradient on the pattern from feature-major data: effectively computes, for every connection (o, i)
    /// with slot s, <c>gradValues[s] += Σ_j gradOutputT[o·n + j] · inputT[i·n + j]</c>, i.e. (Gᵀ·X) at the connections
    /// only, summed over all n samples (T·B rows). The sum has a fixed order that does not depend on the vector width:
    /// 64 partial sums, lane l taking j ≡ l (mod 64) in increasing j (each a multiply then an add), then halving
    /// (lane l += lane l + 32 for l &lt; 32, then l + 16 for l &lt; 16, … down to one value), which is added to gradValues[s]. Output rows are split over
    /// <paramref name="threads"/>; bitwise equal to <see cref="Reference.CsrWeightGrad"/> at every width and thread count.
    /// </summary>
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
            for (int o = start; o < limit; o++)
            {
                float* g = G + (nint)o * N;
                for (int k = Start[o]; k < Start[o + 1]; k++)
                    GradValues[Slots[k]] += Dot(g, X + (nint)Index[k] * N, N);
            }
        }
    }

    /// <summary>Σ a[j]·b[j] in the fixed <see cref="DotLanes"/>-lane order of <see cref="WeightGrad"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static float Dot(float* a, float* b, int n)
    {
        float* lanes = stackalloc float[DotLanes];
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            // Four independent chains: lanes 0-15, 16-31, 32-47, 48-63.
            Vector512<float> s0 = Vector512<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
            for (; j + DotLanes <= n; j += DotLanes)
            {
                s0 += Vector512.Load(a + j) * Vector512.Load(b + j);
                s1 += Vector512.Load(a + j + 16) * Vector512.Load(b + j + 16);
                s2 += Vector512.Load(a + j + 32) * Vector512.Load(b + j + 32);
                s3 += Vector512.Load(a + j + 48) * Vector512.Load(b + j + 48);
            }
            s0.Store(lanes);
            s1.Store(lanes + 16);
            s2.Store(lanes + 32);
            s3.Store(lanes + 48);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            new Span<float>(lanes, DotLanes).Clear();
            for (; j + DotLanes <= n; j += DotLanes)
                for (int q = 0; q < DotLanes; q += 8)
                    (Vector256.Load(lanes + q) + Vector256.Load(a + j + q) * Vector256.Load(b + j + q)).Store(lanes + q);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            new Span<float>(lanes, DotLanes).Clear();
            for (; j + DotLanes <= n; j += DotLanes)
                for (int q = 0; q < DotLanes; q += 4)
                    (Vector128.Load(lanes + q) + Vector128.Load(a + j + q) * Vector128.Load(b + j + q)).Store(lanes + q);
        }
        else
        {
            new Span<float>(lanes, DotLanes).Clear();
        }
        for (; j < n; j++) lanes[j & (DotLanes - 1)] += a[j] * b[j];
        for (int half = DotLanes / 2; half >= 1; half /= 2)
            for (int l = 0; l < half; l++) lanes[l] += lanes[l + half];
        return lanes[0];
    }
}
