using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using NeuroCore.Kernels.Parallel;

namespace NeuroCore.Kernels;

/// <summary>
/// Single-precision general matrix multiply (SGEMM), row-major, with deterministic multi-threading.
/// <para>
/// The layout follows Goto/BLIS: op(B) is packed into KC×NR micro-panels and op(A) into MR×KC micro-panels (the
/// transposes are absorbed by the packing, edges are zero-padded), and a register-blocked MR×NR micro-kernel keeps
/// its C tile in vector registers for a whole KC block. K is cut into equal blocks that depend on k alone, and each C
/// element is produced by the same micro-kernel arithmetic wherever its tile sits, so splitting C among threads on
/// micro-tile boundaries gives bitwise identical results for any thread count. One or two rows of row-major A take a
/// direct matrix-vector path instead (Gemm.Direct.cs), A·Bᵀ with at most 16 columns a row-dot path
/// (Gemm.Narrow.cs), and Aᵀ·B with at most 16 rows a column-block path (Gemm.Skinny.cs).
/// </para>
/// <para>
/// Each thread that runs a packed product keeps about 1.2 MiB of pinned packing buffers for its lifetime, so
/// steady-state calls allocate nothing.
/// </para>
/// </summary>
public static unsafe partial class Gemm
{
    /// <summary>
    /// Row-major C[m×n] = alpha·op(A)[m×k]·op(B)[k×n] + beta·C, where op(X) is X or Xᵀ.
    /// Effectively computes <c>c[i·ldc + j] = alpha·Σ_p opA(i,p)·opB(p,j) + beta·c[i·ldc + j]</c> with
    /// <c>opA(i,p) = transA ? a[p·lda + i] : a[i·lda + p]</c> and <c>opB(p,j) = transB ? b[j·ldb + p] : b[p·ldb + j]</c>.
    /// When <paramref name="beta"/> is 0 the old contents of C are never read, so NaN or garbage there is ignored;
    /// when <paramref name="alpha"/> is 0 or k is 0, A and B are not read and C becomes beta·C.
    /// The result is bitwise identical for every <paramref name="threads"/> value: C is split on fixed micro-tile
    /// boundaries and every element is summed in the same order.
    /// </summary>
    /// <param name="transA">Whether A is stored as k×m (its transpose is used).</param>
    /// <param name="transB">Whether B is stored as n×k (its transpose is used).</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">A, row-major with row stride <paramref name="lda"/> (m×k, or k×m when transposed).</param>
    /// <param name="lda">Row stride of A as stored, at least its stored column count.</param>
    /// <param name="b">B, row-major with row stride <paramref name="ldb"/> (k×n, or n×k when transposed).</param>
    /// <param name="ldb">Row stride of B as stored, at least its stored column count.</param>
    /// <param name="beta">Scale of the old C; 0 means C is write-only.</param>
    /// <param name="c">C, m×n row-major with row stride <paramref name="ldc"/>; must not overlap A or B.</param>
    /// <param name="ldc">Row stride of C, at least n.</param>
    /// <param name="threads">Threads to use, 1 to <see cref="FixedPartition.MaxThreads"/> (1 = the calling thread only).</param>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc,
        int threads = 1) =>
        Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads, ParallelThreshold);

    /// <summary>
    /// Row-major C[m×n] = alpha·op(A)·op(B) + beta·C + bias, with <paramref name="bias"/>[j] added to every element of
    /// column j (a linear layer's <c>x·Wᵀ + b</c> in one call). Effectively computes
    /// <c>c[i·ldc + j] = alpha·Σ_p opA(i,p)·opB(p,j) + (beta·c[i·ldc + j] + bias[j])</c>, the bracket being just
    /// <c>bias[j]</c> when beta is 0 (C is then write-only). The packed path adds the bias in the epilogue of the first
    /// K block instead of writing it into C beforehand, so C is written once and not read back for it; the result is
    /// bitwise what filling each row of C with the bias and calling
    /// <see cref="Sgemm(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int, int)"/>
    /// with beta 1 gives, and likewise bitwise identical for every <paramref name="threads"/> value.
    /// </summary>
    /// <param name="transA">Whether A is stored as k×m (its transpose is used).</param>
    /// <param name="transB">Whether B is stored as n×k (its transpose is used).</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">A, row-major with row stride <paramref name="lda"/> (m×k, or k×m when transposed).</param>
    /// <param name="lda">Row stride of A as stored, at least its stored column count.</param>
    /// <param name="b">B, row-major with row stride <paramref name="ldb"/> (k×n, or n×k when transposed).</param>
    /// <param name="ldb">Row stride of B as stored, at least its stored column count.</param>
    /// <param name="beta">Scale of the old C; 0 means C is write-only.</param>
    /// <param name="c">C, m×n row-major with row stride <paramref name="ldc"/>; must not overlap A, B or the bias.</param>
    /// <param name="ldc">Row stride of C, at least n.</param>
    /// <param name="bias">The column bias, at least n values (bias[j] for column j).</param>
    /// <param name="threads">Threads to use, 1 to <see cref="FixedPartition.MaxThreads"/> (1 = the calling thread only).</param>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc,
        ReadOnlySpan<float> bias, int threads = 1) =>
        Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bias, threads, ParallelThreshold);

    /// <summary>
    /// Row-major C[m×n] = alpha·op(A)·op(B) + beta·C + rowBias, with <paramref name="rowBias"/>[i] added to every element
    /// of row i (a convolution's per-channel bias when C is [channels, pixels]). Effectively computes
    /// <c>c[i·ldc + j] = alpha·Σ_p opA(i,p)·opB(p,j) + (beta·c[i·ldc + j] + rowBias[i])</c>, the bracket being just
    /// <c>rowBias[i]</c> when beta is 0 (C is then write-only). Like the column-bias overload, the packed path adds the
    /// bias in the epilogue of the first K block, so C is written once and not read back for it; the result is bitwise
    /// what filling each row i of C with rowBias[i] and calling the overload without a bias with beta 1 gives, and
    /// bitwise identical for every <paramref name="threads"/> value.
    /// </summary>
    /// <param name="transA">Whether A is stored as k×m (its transpose is used).</param>
    /// <param name="transB">Whether B is stored as n×k (its transpose is used).</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">A, row-major with row stride <paramref name="lda"/> (m×k, or k×m when transposed).</param>
    /// <param name="lda">Row stride of A as stored, at least its stored column count.</param>
    /// <param name="b">B, row-major with row stride <paramref name="ldb"/> (k×n, or n×k when transposed).</param>
    /// <param name="ldb">Row stride of B as stored, at least its stored column count.</param>
    /// <param name="beta">Scale of the old C; 0 means C is write-only.</param>
    /// <param name="c">C, m×n row-major with row stride <paramref name="ldc"/>; must not overlap A, B or the bias.</param>
    /// <param name="ldc">Row stride of C, at least n.</param>
    /// <param name="rowBias">The row bias, at least m values (rowBias[i] for row i).</param>
    /// <param name="threads">Threads to use, 1 to <see cref="FixedPartition.MaxThreads"/> (1 = the calling thread only).</param>
    public static void SgemmRowBias(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc,
        ReadOnlySpan<float> rowBias, int threads = 1) =>
        SgemmRowBias(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, rowBias, threads, ParallelThreshold);

    /// <summary>The row-bias overload with an explicit parallel threshold (tests pass 0 to force the split).</summary>
    internal static void SgemmRowBias(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc,
        ReadOnlySpan<float> rowBias, int threads, long parallelThreshold)
    {
        if (rowBias.Length < m)
            Throw.Argument($"Gemm.SgemmRowBias: the bias must hold one value per row of C (m={m}), but the span has {rowBias.Length}. " +
                "Pass a bias of length m, or call Sgemm without a bias.", nameof(rowBias));
        fixed (float* pbias = rowBias)
            SgemmCore(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads, parallelThreshold, m == 0 ? null : pbias, rowBias: true);
    }

    /// <summary>The bias overload with an explicit parallel threshold (tests pass 0 to force the split).</summary>
    internal static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc,
        ReadOnlySpan<float> bias, int threads, long parallelThreshold)
    {
        if (bias.Length < n)
            Throw.Argument($"Gemm.Sgemm: the bias must hold one value per column of C (n={n}), but the span has {bias.Length}. " +
                "Pass a bias of length n, or call the overload without a bias.", nameof(bias));
        fixed (float* pbias = bias)
            SgemmCore(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads, parallelThreshold, n == 0 ? null : pbias);
    }

    /// <summary><see cref="Sgemm(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int, int)"/>
    /// with an explicit size (multiply-adds) below which one thread is used; tests pass 0 to force the split.</summary>
    internal static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc,
        int threads, long parallelThreshold) =>
        SgemmCore(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads, parallelThreshold, null);

    /// <summary>Every SGEMM overload ends here; <paramref name="bias"/> is the column bias (the row bias when
    /// <paramref name="rowBias"/>) or null.</summary>
    static void SgemmCore(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc,
        int threads, long parallelThreshold, float* bias, bool rowBias = false)
    {
        Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (threads < 1 || threads > FixedPartition.MaxThreads)
            Throw.OutOfRange(nameof(threads), $"Gemm.Sgemm: threads must be between 1 and {FixedPartition.MaxThreads}, got {threads}.");
        if (m == 0 || n == 0) return;
        fixed (float* pa = a, pb = b, pc = c)
        {
            if (k == 0 || alpha == 0f)
            {
                ScaleC(m, n, pc, ldc, beta, bias, rowBias);
                return;
            }
            var job = new GemmJob
            {
                A = pa, B = pb, C = pc, Lda = lda, Ldb = ldb, Ldc = ldc, M = m, N = n, K = k,
                TransA = transA, TransB = transB, Alpha = alpha, Beta = beta,
            };
            if (bias != null)
            {
                // The packed path adds a bias in its first K block's epilogue when C is write-only; otherwise (old C
                // kept, or the direct and narrow paths, whose C is small) C becomes beta·C + bias first, then beta = 1.
                bool packed = !(m <= DirectMaxRows && !transA) && !IsNarrow(transA, transB, n, k) && !IsSkinny(transA, transB, m, k);
                if (packed && beta == 0f)
                {
                    job.Bias = bias;
                    job.RowBias = rowBias;
                }
                else
                {
                    ScaleC(m, n, pc, ldc, beta, bias, rowBias);
                    job.Beta = 1f;
                }
            }
            // Tiny products stay on one thread: the hand-off would cost more than it saves. No choice made here
            // changes any result, since every element is computed the same way wherever the split falls.
            if ((long)m * n * k < parallelThreshold) threads = 1;
            if (m <= DirectMaxRows && !transA)
            {
                // A matrix-vector product: split the columns of C in direct-path blocks.
                job.Direct = true;
                FixedPartition.Run((n + DirectBlock - 1) / DirectBlock, threads, in job);
                return;
            }
            if (IsNarrow(transA, transB, n, k))
            {
                // A few columns of row-by-row dot products: split the rows of C in narrow-path blocks.
                job.Narrow = true;
                FixedPartition.Run((m + NarrowBlock - 1) / NarrowBlock, threads, in job);
                return;
            }
            if (IsSkinny(transA, transB, m, k))
            {
                // A few rows of Aᵀ·B: split the columns of C in skinny-path blocks.
                job.Skinny = true;
                FixedPartition.Run((n + SkinnyBlock - 1) / SkinnyBlock, threads, in job);
                return;
            }
            // Split the larger side of C (less duplicated packing) on micro-tile boundaries, unless only the other
            // side has enough tiles for every thread.
            int mTiles = (m + Mr - 1) / Mr, nTiles = (n + Nr - 1) / Nr;
            job.SplitM = m >= n ? mTiles >= threads || mTiles >= nTiles : nTiles < threads && mTiles > nTiles;
            int tiles = job.SplitM ? mTiles : nTiles;
            FixedPartition.Run(tiles, threads, in job);
        }
    }

    /// <summary>
    /// Below this many multiply-adds (about 5 µs of work) one thread does the whole product: waking a parked worker
    /// costs microseconds, and a matrix-vector product of this size is bound by memory, not by the FMA units.
    /// </summary>
    const long ParallelThreshold = 1L << 20;

    /// <summary>Largest K block: a KC×NR panel of B (32 KiB at NR = 32) and an MR×KC panel of A stay in the 48 KiB L1D.</summary>
    const int KcMax = 256;

    /// <summary>Rows of A packed per block: an MC×KC block (192 KiB) stays in the 1 MiB L2 while B panels stream past it.</summary>
    static int Mc => Mr * (McTarget / Mr);

    const int McTarget = 192;

    /// <summary>Columns of B packed per block: a KC×NC block (1 MiB) in L2/L3, reused for all rows of the thread's range.</summary>
    const int Nc = 1024;

    /// <summary>Micro-tile rows: how many rows of A the micro-kernel broadcasts per k step.</summary>
    internal static int Mr => Vector512.IsHardwareAccelerated ? Mr512 : Use256 ? Mr256 : MrScalar;

    /// <summary>Micro-tile columns: two vectors of the widest accelerated width, or 4 scalars.</summary>
    internal static int Nr => Vector512.IsHardwareAccelerated ? 32 : Use256 ? 16 : NrScalar;

    /// <summary>The 256-bit kernel needs hardware FMA; without it the scalar kernel is faster than emulated FMA.</summary>
    static bool Use256 => Vector256.IsHardwareAccelerated && Fma.IsSupported;

    /// <summary>
    /// The C = beta·C (+ bias) update for k = 0 or alpha = 0 (BLAS semantics: A and B are not read), and the bias
    /// fill before the paths that do not add it in their epilogue.
    /// </summary>
    static void ScaleC(int m, int n, float* c, int ldc, float beta, float* bias = null, bool rowBias = false)
    {
        var biasRow = bias == null || rowBias ? default : new ReadOnlySpan<float>(bias, n);
        for (int i = 0; i < m; i++)
        {
            var row = new Span<float>(c + (nint)i * ldc, n);
            if (beta == 0f)
            {
                if (bias == null) row.Clear();
                else if (rowBias) row.Fill(bias[i]);
                else biasRow.CopyTo(row);
                continue;
            }
            if (beta != 1f) System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
            if (bias == null) continue;
            if (rowBias) System.Numerics.Tensors.TensorPrimitives.Add(row, bias[i], row);
            else System.Numerics.Tensors.TensorPrimitives.Add(row, biasRow, row);
        }
    }

    /// <summary>One SGEMM call's operands; <see cref="Invoke"/> computes a range of micro-tile rows or columns of C.</summary>
    struct GemmJob : IRangeBody
    {
        public float* A, B, C;

        /// <summary>Column bias (row bias when <see cref="RowBias"/>) added in the first K block's epilogue (packed path, beta 0), or null.</summary>
        public float* Bias;
        public bool RowBias;
        public int Lda, Ldb, Ldc, M, N, K;
        public bool TransA, TransB, SplitM, Direct, Narrow, Skinny;
        public float Alpha, Beta;

        public readonly void Invoke(int start, int limit)
        {
            if (Direct) Gemm.Direct(in this, start * DirectBlock, Math.Min(limit * DirectBlock, N));
            else if (Narrow) Gemm.Narrow(in this, start * NarrowBlock, Math.Min(limit * NarrowBlock, M));
            else if (Skinny) Gemm.Skinny(in this, start * SkinnyBlock, Math.Min(limit * SkinnyBlock, N));
            else if (SplitM) Compute(in this, start * Mr, Math.Min(limit * Mr, M), 0, N);
            else Compute(in this, 0, M, start * Nr, Math.Min(limit * Nr, N));
        }
    }

    /// <summary>Computes the block C[m0..m1, n0..n1) on the calling thread; m0 and n0 are micro-tile aligned.</summary>
    static void Compute(in GemmJob job, int m0, int m1, int n0, int n1)
    {
        int mr = Mr, nr = Nr, mcMax = Mc;
        PackBuffers buffers = PackBuffers.ForCurrentThread();
        float* packA = buffers.A, packB = buffers.B;
        float* edge = stackalloc float[MaxTile];
        // Row-bias block: MC rows, each its bias value repeated across NR columns (the first K block's "old C").
        float* rowBiasPanel = stackalloc float[job.RowBias ? McTarget * 32 : 0];
        int k = job.K;
        int kBlocks = (k + KcMax - 1) / KcMax;
        nint ldc = job.Ldc;
        for (int jc = n0; jc < n1; jc += Nc)
        {
            int nc = Math.Min(Nc, n1 - jc);
            for (int kb = 0; kb < kBlocks; kb++)
            {
                // Equal K blocks that depend on k alone, so every element is summed the same way on any thread.
                int p0 = (int)((long)k * kb / kBlocks), kc = (int)((long)k * (kb + 1) / kBlocks) - p0;
                PackB(job.TransB, job.B, job.Ldb, p0, kc, jc, nc, packB);
                // The first block scales the old C by beta, or reads the bias row (stride 0) as its "old C" with beta 1.
                bool biasBlock = kb == 0 && job.Bias != null;
                float beta = kb == 0 ? (biasBlock ? 1f : job.Beta) : 1f;
                for (int ic = m0; ic < m1; ic += mcMax)
                {
                    int mc = Math.Min(mcMax, m1 - ic);
                    PackA(job.TransA, job.A, job.Lda, ic, mc, p0, kc, packA);
                    if (biasBlock && job.RowBias)
                        for (int i = 0; i < mc; i++) new Span<float>(rowBiasPanel + (nint)i * nr, nr).Fill(job.Bias[ic + i]);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int nrValid = Math.Min(nr, nc - jr);
                        float* bPanel = packB + (nint)jr * kc;
                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            int mrValid = Math.Min(mr, mc - ir);
                            float* aPanel = packA + (nint)ir * kc;
                            float* cTile = job.C + (ic + ir) * ldc + jc + jr;
                            float* cIn = cTile;
                            nint ldcIn = ldc;
                            if (biasBlock && job.RowBias)
                            {
                                // The tile's "old C" is its rows' bias values, each repeated across the NR columns.
                                cIn = rowBiasPanel + (nint)ir * nr;
                                ldcIn = nr;
                            }
                            else if (biasBlock)
                            {
                                cIn = job.Bias + jc + jr;
                                ldcIn = 0;
                            }
                            if (mrValid == mr && nrValid == nr) Kernel(kc, aPanel, bPanel, cTile, ldc, cIn, ldcIn, job.Alpha, beta);
                            else EdgeTile(kc, aPanel, bPanel, cTile, ldc, cIn, ldcIn, job.Alpha, beta, mrValid, nrValid, edge);
                        }
                    }
                }
            }
        }
    }

    /// <summary>A partial tile: run the same micro-kernel on a full-size scratch tile, then copy the valid part.</summary>
    static void EdgeTile(int kc, float* a, float* b, float* c, nint ldc, float* cIn, nint ldcIn, float alpha, float beta, int rows, int cols, float* tile)
    {
        int nr = Nr;
        new Span<float>(tile, Mr * nr).Clear();
        if (beta != 0f)
            for (int i = 0; i < rows; i++) new ReadOnlySpan<float>(cIn + i * ldcIn, cols).CopyTo(new Span<float>(tile + i * nr, cols));
        Kernel(kc, a, b, tile, nr, tile, nr, alpha, beta);
        for (int i = 0; i < rows; i++) new ReadOnlySpan<float>(tile + i * nr, cols).CopyTo(new Span<float>(c + i * ldc, cols));
    }

    /// <summary>The micro-kernel of the widest accelerated width (the ISA checks are JIT-time constants).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Kernel(int kc, float* a, float* b, float* c, nint ldc, float* cIn, nint ldcIn, float alpha, float beta)
    {
        if (Vector512.IsHardwareAccelerated) Kernel512(kc, a, b, c, ldc, cIn, ldcIn, alpha, beta);
        else if (Use256) Kernel256(kc, a, b, c, ldc, cIn, ldcIn, alpha, beta);
        else KernelScalar(kc, a, b, c, ldc, cIn, ldcIn, alpha, beta);
    }

    /// <summary>Checks sizes and strides of an SGEMM call; throws an <see cref="ArgumentException"/> naming the problem.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Validate(bool transA, bool transB, int m, int n, int k,
        int aLength, int lda, int bLength, int ldb, int cLength, int ldc)
    {
        if (m < 0 || n < 0 || k < 0) ThrowNegativeSize(m, n, k);
        // Stored shapes: A is m×k (k×m when transposed), B is k×n (n×k when transposed).
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        CheckOperand("A", "lda", aRows, aCols, lda, aLength, transA);
        CheckOperand("B", "ldb", bRows, bCols, ldb, bLength, transB);
        CheckOperand("C", "ldc", m, n, ldc, cLength, false);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void CheckOperand(string name, string ldName, int rows, int cols, int ld, int length, bool transposed)
    {
        if (ld < Math.Max(1, cols)) ThrowStride(name, ldName, rows, cols, ld, transposed);
        if (rows > 0 && cols > 0 && length < (long)(rows - 1) * ld + cols) ThrowLength(name, ldName, rows, cols, ld, length, transposed);
    }

    static void ThrowNegativeSize(int m, int n, int k) =>
        Throw.Argument($"Gemm.Sgemm: sizes must be non-negative, got m={m}, n={n}, k={k}.");

    static void ThrowStride(string name, string ldName, int rows, int cols, int ld, bool transposed) =>
        Throw.Argument($"Gemm.Sgemm: {name} is stored as [{rows}, {cols}]{(transposed ? " (transposed)" : "")}, " +
            $"so {ldName} must be at least {Math.Max(1, cols)}, got {ld}. Pass the row stride of {name} as stored.", ldName);

    static void ThrowLength(string name, string ldName, int rows, int cols, int ld, int length, bool transposed) =>
        Throw.Argument($"Gemm.Sgemm: {name} is stored as [{rows}, {cols}]{(transposed ? " (transposed)" : "")} with " +
            $"{ldName}={ld}, which needs at least {(long)(rows - 1) * ld + cols} elements, but the span has {length}. " +
            $"Check m, n, k, the transpose flags and {ldName}.", name.ToLowerInvariant());
}
