using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

/// <summary>
/// Convolution lowering: <see cref="Im2Col"/> unfolds every kernel window of a [C, H, W] image into a column of a
/// [C·kH·kW, outH·outW] matrix so a convolution becomes one GEMM, and <see cref="Col2Im"/> folds such a matrix back,
/// adding overlapping windows (the adjoint of Im2Col, used for the input gradient).
/// Row <c>(c·kH + i)·kW + j</c>, column <c>oy·outW + ox</c> holds <c>image[c, oy·sH − pH + i, ox·sW − pW + j]</c>,
/// or 0 where that falls in the padding. The order matches PyTorch's <c>unfold</c>, so weights [O, C, kH, kW]
/// reshape to [O, C·kH·kW] directly.
/// </summary>
public static class Conv
{
    /// <summary>
    /// Output length of a convolution or pooling axis: effectively computes <c>(input + 2·pad − kernel) / stride + 1</c>.
    /// </summary>
    /// <param name="input">Input length (≥ 1).</param>
    /// <param name="kernel">Kernel length (≥ 1).</param>
    /// <param name="stride">Stride (≥ 1).</param>
    /// <param name="pad">Zero padding on each side (≥ 0).</param>
    /// <returns>The number of window positions, at least 1.</returns>
    /// <exception cref="ArgumentException">A value is out of range or the kernel does not fit the padded input.</exception>
    public static int OutputSize(int input, int kernel, int stride, int pad)
    {
        if (input < 1 || kernel < 1 || stride < 1 || pad < 0)
            Throw.Argument($"Conv.OutputSize: need input >= 1, kernel >= 1, stride >= 1, pad >= 0; got input {input}, kernel {kernel}, stride {stride}, pad {pad}.");
        if (kernel > input + 2 * pad)
            Throw.Argument($"Conv.OutputSize: kernel {kernel} is larger than the padded input {input} + 2·{pad}; use a smaller kernel or more padding.");
        return (input + 2 * pad - kernel) / stride + 1;
    }

    /// <summary>
    /// Unfolds windows: effectively computes
    /// <c>columns[(c·kH + i)·kW + j, oy·outW + ox] = image[c, oy·sH − pH + i, ox·sW − pW + j]</c> (0 in the padding),
    /// with outH/outW from <see cref="OutputSize"/>. Overwrites all of columns[..C·kH·kW·outH·outW].
    /// </summary>
    /// <param name="image">The image, [C, H, W].</param>
    /// <param name="channels">C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="kernelH">kH.</param>
    /// <param name="kernelW">kW.</param>
    /// <param name="strideH">sH.</param>
    /// <param name="strideW">sW.</param>
    /// <param name="padH">pH, zero rows above and below.</param>
    /// <param name="padW">pW, zero columns left and right.</param>
    /// <param name="columns">The destination, [C·kH·kW, outH·outW].</param>
    /// <exception cref="ArgumentException">Invalid geometry or a span shorter than it requires.</exception>
    public static void Im2Col(ReadOnlySpan<float> image, int channels, int height, int width, int kernelH, int kernelW,
        int strideH, int strideW, int padH, int padW, Span<float> columns)
    {
        var g = Geometry.Create("Conv.Im2Col", channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW,
            image.Length, columns.Length);
        int outH = g.OutH, outW = g.OutW, hw = height * width, rowLength = outH * outW;
        // Validated above; refs from here on, because the rows are short (a few dozen floats) and per-row span
        // slicing and memmove calls would cost more than the copying itself.
        ref float img = ref MemoryMarshal.GetReference(image);
        ref float col = ref MemoryMarshal.GetReference(columns);
        if (strideH == 1 && strideW == 1 && outW == width)
        {
            Im2ColSameWidth(ref img, channels, height, width, kernelH, kernelW, padH, padW, outH, ref col);
            return;
        }
        for (int c = 0; c < channels; c++)
        {
            ref float plane = ref Unsafe.Add(ref img, (nint)c * hw);
            for (int i = 0; i < kernelH; i++)
            {
                for (int j = 0; j < kernelW; j++)
                {
                    ref float row = ref Unsafe.Add(ref col, (nint)((c * kernelH + i) * kernelW + j) * rowLength);
                    // Output columns ox whose input column ix = ox·sW − pW + j lies inside [0, W).
                    Geometry.ValidRange(j, strideW, padW, width, outW, out int oxBegin, out int oxEnd);
                    for (int oy = 0; oy < outH; oy++)
                    {
                        ref float dst = ref Unsafe.Add(ref row, oy * outW);
                        int iy = oy * strideH - padH + i;
                        if ((uint)iy >= (uint)height || oxBegin >= oxEnd)
                        {
                            MemoryMarshal.CreateSpan(ref dst, outW).Clear();
                            continue;
                        }
                        for (int ox = 0; ox < oxBegin; ox++) Unsafe.Add(ref dst, ox) = 0f;
                        for (int ox = oxEnd; ox < outW; ox++) Unsafe.Add(ref dst, ox) = 0f;
                        int ix = oxBegin * strideW - padW + j;
                        ref float src = ref Unsafe.Add(ref plane, iy * width + ix);
                        if (strideW == 1)
                            CopyShort(ref src, ref Unsafe.Add(ref dst, oxBegin), oxEnd - oxBegin);
                        else
                            for (int ox = oxBegin, k = 0; ox < oxEnd; ox++, k += strideW)
                                Unsafe.Add(ref dst, ox) = Unsafe.Add(ref src, k);
                    }
                }
            }
        }
    }

    /// <summary>
    /// <see cref="Im2Col"/> for stride 1 with outW = W (a "same" width, 2·pW = kW − 1): then output (oy, ox) of row
    /// (c, i, j) reads input (oy − pH + i)·W + ox − pW + j, a constant offset from oy·outW + ox, so all valid output rows
    /// are ONE contiguous copy from the image; the few entries per row whose input column falls outside [0, W) (they
    /// picked up the neighbouring image row) are zeroed afterwards. Same values as the general path.
    /// </summary>
    static void Im2ColSameWidth(ref float img, int channels, int height, int width, int kernelH, int kernelW, int padH, int padW,
        int outH, ref float col)
    {
        int outW = width, hw = height * width, rowLength = outH * outW;
        for (int c = 0; c < channels; c++)
        {
            ref float plane = ref Unsafe.Add(ref img, (nint)c * hw);
            for (int i = 0; i < kernelH; i++)
            {
                // Output rows oy whose input row iy = oy − pH + i lies inside [0, H).
                int oyBegin = Math.Max(0, padH - i), oyEnd = Math.Min(outH, height + padH - i);
                for (int j = 0; j < kernelW; j++)
                {
                    ref float row = ref Unsafe.Add(ref col, (nint)((c * kernelH + i) * kernelW + j) * rowLength);
                    Geometry.ValidRange(j, 1, padW, width, outW, out int oxBegin, out int oxEnd);
                    var all = MemoryMarshal.CreateSpan(ref row, rowLength);
                    if (oyBegin >= oyEnd || oxBegin >= oxEnd)
                    {
                        all.Clear();
                        continue;
                    }
                    int first = oyBegin * outW + oxBegin, last = (oyEnd - 1) * outW + oxEnd;
                    all[..first].Clear();
                    all[last..].Clear();
                    int source = (oyBegin - padH + i) * width + oxBegin - padW + j;
                    MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref plane, source), last - first).CopyTo(all[first..last]);
                    // Every valid row's out-of-image columns (between first and last they hold wrapped neighbours).
                    for (int oy = oyBegin; oy < oyEnd; oy++)
                    {
                        ref float dst = ref Unsafe.Add(ref row, oy * outW);
                        for (int ox = 0; ox < oxBegin; ox++) Unsafe.Add(ref dst, ox) = 0f;
                        for (int ox = oxEnd; ox < outW; ox++) Unsafe.Add(ref dst, ox) = 0f;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Copies a short run between non-overlapping buffers: whole vectors, then one last vector overlapping the
    /// previous one instead of a scalar tail.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void CopyShort(ref float src, ref float dst, int length)
    {
        if (Vector256.IsHardwareAccelerated && length >= Vector256<float>.Count)
        {
            int last = length - Vector256<float>.Count;
            for (int k = 0; k < last; k += Vector256<float>.Count)
                Vector256.LoadUnsafe(ref src, (nuint)k).StoreUnsafe(ref dst, (nuint)k);
            Vector256.LoadUnsafe(ref src, (nuint)last).StoreUnsafe(ref dst, (nuint)last);
        }
        else if (Vector128.IsHardwareAccelerated && length >= Vector128<float>.Count)
        {
            int last = length - Vector128<float>.Count;
            for (int k = 0; k < last; k += Vector128<float>.Count)
                Vector128.LoadUnsafe(ref src, (nuint)k).StoreUnsafe(ref dst, (nuint)k);
            Vector128.LoadUnsafe(ref src, (nuint)last).StoreUnsafe(ref dst, (nuint)last);
        }
        else
        {
            for (int k = 0; k < length; k++) Unsafe.Add(ref dst, k) = Unsafe.Add(ref src, k);
        }
    }

    /// <summary>
    /// Folds columns back, ADDING into the image: effectively computes
    /// <c>image[c, oy·sH − pH + i, ox·sW − pW + j] += columns[(c·kH + i)·kW + j, oy·outW + ox]</c> for every entry
    /// that falls inside the image (padding entries are dropped). The adjoint of <see cref="Im2Col"/>.
    /// </summary>
    /// <param name="columns">The columns, [C·kH·kW, outH·outW].</param>
    /// <param name="channels">C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="kernelH">kH.</param>
    /// <param name="kernelW">kW.</param>
    /// <param name="strideH">sH.</param>
    /// <param name="strideW">sW.</param>
    /// <param name="padH">pH.</param>
    /// <param name="padW">pW.</param>
    /// <param name="image">The image, [C, H, W], added into (zero it first for a plain fold).</param>
    /// <exception cref="ArgumentException">Invalid geometry or a span shorter than it requires.</exception>
    public static void Col2Im(ReadOnlySpan<float> columns, int channels, int height, int width, int kernelH, int kernelW,
        int strideH, int strideW, int padH, int padW, Span<float> image)
    {
        var g = Geometry.Create("Conv.Col2Im", channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW,
            image.Length, columns.Length);
        int outH = g.OutH, outW = g.OutW, hw = height * width, rowLength = outH * outW;
        ref float img = ref MemoryMarshal.GetReference(image);
        ref float col = ref MemoryMarshal.GetReference(columns);
        for (int c = 0; c < channels; c++)
        {
            ref float plane = ref Unsafe.Add(ref img, (nint)c * hw);
            for (int i = 0; i < kernelH; i++)
            {
                for (int j = 0; j < kernelW; j++)
                {
                    ref float row = ref Unsafe.Add(ref col, (nint)((c * kernelH + i) * kernelW + j) * rowLength);
                    Geometry.ValidRange(j, strideW, padW, width, outW, out int oxBegin, out int oxEnd);
                    if (oxBegin >= oxEnd) continue;
                    for (int oy = 0; oy < outH; oy++)
                    {
                        int iy = oy * strideH - padH + i;
                        if ((uint)iy >= (uint)height) continue;
                        ref float src = ref Unsafe.Add(ref row, oy * outW + oxBegin);
                        int ix = oxBegin * strideW - padW + j;
                        ref float dst = ref Unsafe.Add(ref plane, iy * width + ix);
                        if (strideW == 1)
                            AddShort(ref src, ref dst, oxEnd - oxBegin);
                        else
                            for (int k = 0, d = 0; k < oxEnd - oxBegin; k++, d += strideW)
                                Unsafe.Add(ref dst, d) += Unsafe.Add(ref src, k);
                    }
                }
            }
        }
    }

    /// <summary>
    /// <see cref="Col2Im"/> for a column matrix that nothing reads afterwards (a convolution's column gradient): the same
    /// sums, bitwise, but <paramref name="columns"/> may be overwritten. For stride 1 with a "same" width (outW = W,
    /// 2·pW = kW − 1), output (oy, ox) of kernel row (c, i, j) folds into image entry (oy − pH + i)·W + ox − pW + j, a
    /// constant offset from oy·outW + ox, so the row's entries whose input column falls outside [0, W) are set to −0
    /// (x + (−0) = x for every x, so they change nothing where they land) and the whole row is then ONE contiguous vector
    /// add instead of one short add per output row. Every image entry still receives its terms in (c, i, j) order.
    /// Other geometries fold as <see cref="Col2Im"/> does, leaving the columns unchanged.
    /// </summary>
    /// <param name="columns">The columns, [C·kH·kW, outH·outW]; overwritten with unspecified values.</param>
    /// <param name="channels">C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="kernelH">kH.</param>
    /// <param name="kernelW">kW.</param>
    /// <param name="strideH">sH.</param>
    /// <param name="strideW">sW.</param>
    /// <param name="padH">pH.</param>
    /// <param name="padW">pW.</param>
    /// <param name="image">The image, [C, H, W], added into (zero it first for a plain fold).</param>
    /// <exception cref="ArgumentException">Invalid geometry or a span shorter than it requires.</exception>
    public static void Col2ImDestructive(Span<float> columns, int channels, int height, int width, int kernelH, int kernelW,
        int strideH, int strideW, int padH, int padW, Span<float> image)
    {
        var g = Geometry.Create("Conv.Col2ImDestructive", channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW,
            image.Length, columns.Length);
        if (strideH != 1 || strideW != 1 || g.OutW != width)
        {
            Col2Im(columns, channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, image);
            return;
        }
        int outH = g.OutH, outW = width, hw = height * width, rowLength = outH * outW;
        for (int c = 0; c < channels; c++)
        {
            var plane = image.Slice(c * hw, hw);
            for (int i = 0; i < kernelH; i++)
            {
                // Output rows oy whose input row iy = oy − pH + i lies inside [0, H).
                int oyBegin = Math.Max(0, padH - i), oyEnd = Math.Min(outH, height + padH - i);
                for (int j = 0; j < kernelW; j++)
                {
                    Geometry.ValidRange(j, 1, padW, width, outW, out int oxBegin, out int oxEnd);
                    if (oyBegin >= oyEnd || oxBegin >= oxEnd) continue;
                    var row = columns.Slice(((c * kernelH + i) * kernelW + j) * rowLength, rowLength);
                    // Between the first and the last valid entry, the out-of-image columns of the valid rows would land on
                    // the neighbouring image row: make them −0.
                    if (oxBegin > 0 || oxEnd < outW)
                        for (int oy = oyBegin; oy < oyEnd; oy++)
                        {
                            var dst = row.Slice(oy * outW, outW);
                            dst[..oxBegin].Fill(-0f);
                            dst[oxEnd..].Fill(-0f);
                        }
                    int first = oyBegin * outW + oxBegin, last = (oyEnd - 1) * outW + oxEnd;
                    var target = plane.Slice(((oyBegin - padH + i) * width) + oxBegin - padW + j, last - first);
                    System.Numerics.Tensors.TensorPrimitives.Add(target, row[first..last], target);
                }
            }
        }
    }

    /// <summary>dst[k] += src[k] for a short run: whole vectors, then a scalar tail (an overlapping vector would add twice).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void AddShort(ref float src, ref float dst, int length)
    {
        int k = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; k + Vector256<float>.Count <= length; k += Vector256<float>.Count)
                (Vector256.LoadUnsafe(ref dst, (nuint)k) + Vector256.LoadUnsafe(ref src, (nuint)k)).StoreUnsafe(ref dst, (nuint)k);
        else if (Vector128.IsHardwareAccelerated)
            for (; k + Vector128<float>.Count <= length; k += Vector128<float>.Count)
                (Vector128.LoadUnsafe(ref dst, (nuint)k) + Vector128.LoadUnsafe(ref src, (nuint)k)).StoreUnsafe(ref dst, (nuint)k);
        for (; k < length; k++) Unsafe.Add(ref dst, k) += Unsafe.Add(ref src, k);
    }

    /// <summary>Validated window geometry shared by the convolution and pooling kernels.</summary>
    internal readonly struct Geometry
    {
        public int OutH { get; init; }
        public int OutW { get; init; }

        public static Geometry Create(string op, int planes, int height, int width, int kernelH, int kernelW,
            int strideH, int strideW, int padH, int padW, int imageLength, int columnsLength)
        {
            if (planes < 0) Throw.Argument($"{op}: channels/planes must be non-negative, got {planes}.");
            if (height < 1 || width < 1 || kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1 || padH < 0 || padW < 0)
                Throw.Argument($"{op}: need H, W, kernel, stride >= 1 and pad >= 0; got H {height}, W {width}, kernel {kernelH}x{kernelW}, stride {strideH}x{strideW}, pad {padH}x{padW}.");
            int outH = OutputSize(height, kernelH, strideH, padH);
            int outW = OutputSize(width, kernelW, strideW, padW);
            long imageNeed = (long)planes * height * width;
            long columnsNeed = (long)planes * kernelH * kernelW * outH * outW;
            if (imageLength < imageNeed)
                Throw.Argument($"{op}: the image [{planes}, {height}, {width}] needs {imageNeed} elements but its span has {imageLength}.");
            if (columnsLength < columnsNeed)
                Throw.Argument($"{op}: the columns [{(long)planes * kernelH * kernelW}, {outH * outW}] need {columnsNeed} elements but the span has {columnsLength}.");
            return new Geometry { OutH = outH, OutW = outW };
        }

        /// <summary>The output positions [begin, end) whose input index o·stride − pad + k falls inside [0, size).</summary>
        public static void ValidRange(int k, int stride, int pad, int size, int outSize, out int begin, out int end)
        {
            // o·s − p + k ≥ 0  ⇔  o ≥ ceil((p − k)/s);   o·s − p + k ≤ size − 1  ⇔  o ≤ floor((size − 1 + p − k)/s).
            int lo = pad - k;
            begin = lo <= 0 ? 0 : (lo + stride - 1) / stride;
            int hi = size - 1 + pad - k;
            end = hi < 0 ? 0 : Math.Min(outSize, hi / stride + 1);
            if (begin > end) begin = end;
        }
    }

    /// <summary>
    /// Dot products of every row of A with every row of B, for a convolution's weight gradient when the kernel has few
    /// taps (<c>dW = dY · colsᵀ</c> with C·kH·kW small, e.g. 9 for one input channel and a 3×3 kernel, where a GEMM would
    /// pad that N to its micro-tile and pack a K as long as the image). Effectively computes
    /// <c>c[i·rowsB + j] = Σ_p a[i·length + p]·b[j·length + p] + beta·c[i·rowsB + j]</c>; with beta 0 the old c is not read.
    /// Each dot runs in vector lanes over p (four rows of B per pass share the load of A's row), then the lanes are
    /// added and the scalar tail after them; the order depends only on the length and the vector width.
    /// </summary>
    /// <param name="a">A, [rowsA, length] row-major.</param>
    /// <param name="rowsA">Rows of A (≥ 0).</param>
    /// <param name="b">B, [rowsB, length] row-major.</param>
    /// <param name="rowsB">Rows of B (≥ 0).</param>
    /// <param name="length">Row length of A and B (≥ 0).</param>
    /// <param name="beta">Scale of the old C; 0 means C is write-only.</param>
    /// <param name="c">C, [rowsA, rowsB] row-major.</param>
    /// <exception cref="ArgumentException">A negative size or a span shorter than the sizes require.</exception>
    public static void RowDots(ReadOnlySpan<float> a, int rowsA, ReadOnlySpan<float> b, int rowsB, int length, float beta, Span<float> c)
    {
        if (rowsA < 0 || rowsB < 0 || length < 0)
            Throw.Argument($"Conv.RowDots: sizes must be non-negative; got rowsA {rowsA}, rowsB {rowsB}, length {length}.");
        if (a.Length < (long)rowsA * length || b.Length < (long)rowsB * length || c.Length < (long)rowsA * rowsB)
            Throw.Argument($"Conv.RowDots: spans too short for A [{rowsA}, {length}], B [{rowsB}, {length}], C [{rowsA}, {rowsB}]; " +
                $"got a {a.Length}, b {b.Length}, c {c.Length}.");
        ref float pa = ref MemoryMarshal.GetReference(a);
        ref float pb = ref MemoryMarshal.GetReference(b);
        ref float pc = ref MemoryMarshal.GetReference(c);
        Span<float> dots = stackalloc float[4];
        for (int i = 0; i < rowsA; i++)
        {
            ref float rowA = ref Unsafe.Add(ref pa, (nint)i * length);
            ref float rowC = ref Unsafe.Add(ref pc, (nint)i * rowsB);
            for (int j = 0; j < rowsB; j += 4)
            {
                int n = Math.Min(4, rowsB - j);
                ref float rowB = ref Unsafe.Add(ref pb, (nint)j * length);
                if (Vector.IsHardwareAccelerated) DotsVector(ref rowA, ref rowB, length, n, dots);
                else DotsScalar(ref rowA, ref rowB, length, n, dots);
                for (int q = 0; q < n; q++)
                {
                    ref float target = ref Unsafe.Add(ref rowC, j + q);
                    target = beta == 0f ? dots[q] : dots[q] + (beta * target);
                }
            }
        }
    }

    /// <summary>
    /// Dots of rowA with n ≤ 4 consecutive rows of B (row stride length): <see cref="Vector{T}"/> lanes (the JIT's
    /// preferred width) then a scalar tail.
    /// </summary>
    static void DotsVector(ref float rowA, ref float rowB, int length, int n, Span<float> dots)
    {
        var s0 = Vector<float>.Zero;
        var s1 = Vector<float>.Zero;
        var s2 = Vector<float>.Zero;
        var s3 = Vector<float>.Zero;
        ref float b1 = ref Unsafe.Add(ref rowB, n > 1 ? length : 0);
        ref float b2 = ref Unsafe.Add(ref rowB, n > 2 ? 2 * length : 0);
        ref float b3 = ref Unsafe.Add(ref rowB, n > 3 ? 3 * length : 0);
        int p = 0;
        for (; p <= length - Vector<float>.Count; p += Vector<float>.Count)
        {
            var x = Vector.LoadUnsafe(ref rowA, (nuint)p);
            s0 = Vector.FusedMultiplyAdd(x, Vector.LoadUnsafe(ref rowB, (nuint)p), s0);
            s1 = Vector.FusedMultiplyAdd(x, Vector.LoadUnsafe(ref b1, (nuint)p), s1);
            s2 = Vector.FusedMultiplyAdd(x, Vector.LoadUnsafe(ref b2, (nuint)p), s2);
            s3 = Vector.FusedMultiplyAdd(x, Vector.LoadUnsafe(ref b3, (nuint)p), s3);
        }
        dots[0] = Vector.Sum(s0);
        dots[1] = Vector.Sum(s1);
        dots[2] = Vector.Sum(s2);
        dots[3] = Vector.Sum(s3);
        DotTail(ref rowA, ref rowB, length, n, p, dots);
    }

    /// <summary>Scalar dots (no vector hardware).</summary>
    static void DotsScalar(ref float rowA, ref float rowB, int length, int n, Span<float> dots)
    {
        dots.Clear();
        DotTail(ref rowA, ref rowB, length, n, 0, dots);
    }

    /// <summary>Adds the products of positions p0..length−1 to the n dots, in order.</summary>
    static void DotTail(ref float rowA, ref float rowB, int length, int n, int p0, Span<float> dots)
    {
        for (int q = 0; q < n; q++)
        {
            ref float rowBq = ref Unsafe.Add(ref rowB, (nint)q * length);
            float s = dots[q];
            for (int p = p0; p < length; p++) s = MathF.FusedMultiplyAdd(Unsafe.Add(ref rowA, p), Unsafe.Add(ref rowBq, p), s);
            dots[q] = s;
        }
    }
}
