using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NeuroCore.Kernels;

/// <summary>
/// 2-D max and average pooling over [planes, H, W] (planes = batch·channels), PyTorch semantics with
/// <c>ceil_mode = false</c>: output size from <see cref="Conv.OutputSize"/>, padding at most half the kernel,
/// max pooling treats padding as −∞ (it is never picked) and propagates NaN, average pooling counts the padding in
/// the divisor (<c>count_include_pad = true</c>), so every window divides by kH·kW.
/// </summary>
public static partial class Pool
{
    /// <summary>
    /// Max pooling: effectively computes <c>y[p, oy, ox] = max over the window of x[p, iy, ix]</c>, where
    /// <c>iy = oy·sH − pH + i</c>, <c>ix = ox·sW − pW + j</c>, in bounds, and records
    /// <c>argmax[p, oy, ox] = iy·W + ix</c> of the first maximum in row-major window order (the first NaN wins).
    /// </summary>
    /// <param name="x">The input, [planes, H, W].</param>
    /// <param name="planes">Number of planes.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="kernelH">kH.</param>
    /// <param name="kernelW">kW.</param>
    /// <param name="strideH">sH.</param>
    /// <param name="strideW">sW.</param>
    /// <param name="padH">pH ≤ kH/2.</param>
    /// <param name="padW">pW ≤ kW/2.</param>
    /// <param name="y">The output, [planes, outH, outW].</param>
    /// <param name="argmax">Flat index within the plane of each output's maximum, [planes, outH, outW].</param>
    /// <exception cref="ArgumentException">Invalid geometry or a span shorter than it requires.</exception>
    public static void MaxForward(ReadOnlySpan<float> x, int planes, int height, int width, int kernelH, int kernelW,
        int strideH, int strideW, int padH, int padW, Span<float> y, Span<int> argmax)
    {
        var (outH, outW) = Check("Pool.MaxForward", planes, height, width, kernelH, kernelW, strideH, strideW, padH, padW, x.Length, y.Length);
        if (argmax.Length < (long)planes * outH * outW)
            Throw.LengthMismatch("Pool.MaxForward: argmax must hold one index per output", planes * outH * outW, argmax.Length);
        // Spans are validated above; the loops use refs so the window walk has no bounds checks, and the
        // comparison is branch-free (random data mispredicts a "v > best" branch about every other window).
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref int ar = ref MemoryMarshal.GetReference(argmax);
        int hw = height * width, o = 0;
        bool twoByTwo = kernelH == 2 && kernelW == 2 && strideH == 2 && strideW == 2 && padH == 0 && padW == 0;
        for (int p = 0; p < planes; p++)
        {
            ref float plane = ref Unsafe.Add(ref xr, (nint)p * hw);
            for (int oy = 0; oy < outH; oy++)
            {
                var (yBegin, yEnd) = Window(oy, strideH, padH, kernelH, height);
                int ox = 0;
                if (twoByTwo)
                {
                    ox = MaxRow2x2(ref Unsafe.Add(ref plane, yBegin * width), yBegin * width, width, outW,
                        ref Unsafe.Add(ref yr, o), ref Unsafe.Add(ref ar, o));
                    o += ox;
                }
                for (; ox < outW; ox++, o++)
                {
                    var (xBegin, xEnd) = Window(ox, strideW, padW, kernelW, width);
                    float best = float.NegativeInfinity;
                    int bestIndex = yBegin * width + xBegin;
                    for (int iy = yBegin; iy < yEnd; iy++)
                    {
                        for (int index = iy * width + xBegin, last = iy * width + xEnd; index < last; index++)
                        {
                            float v = Unsafe.Add(ref plane, index);
                            // Larger, or the first NaN (a NaN best is never replaced): PyTorch's NaN propagation.
                            bool take = v > best | (float.IsNaN(v) & !float.IsNaN(best));
                            best = take ? v : best;
                            bestIndex = take ? index : bestIndex;
                        }
                    }
                    Unsafe.Add(ref yr, o) = best;
                    Unsafe.Add(ref ar, o) = bestIndex;
                }
            }
        }
    }

    /// <summary>
    /// Max pooling backward, ADDING into dx: effectively computes <c>dx[p, argmax[p, o]] += dy[p, o]</c>.
    /// </summary>
    /// <param name="dy">The output gradient, [planes, outH, outW].</param>
    /// <param name="argmax">The indices recorded by <see cref="MaxForward"/>.</param>
    /// <param name="planes">Number of planes.</param>
    /// <param name="outH">Output height.</param>
    /// <param name="outW">Output width.</param>
    /// <param name="height">Input height H.</param>
    /// <param name="width">Input width W.</param>
    /// <param name="dx">The input gradient, [planes, H, W], added into.</param>
    /// <exception cref="ArgumentException">A span is too short or an index lies outside the plane.</exception>
    public static void MaxBackward(ReadOnlySpan<float> dy, ReadOnlySpan<int> argmax, int planes, int outH, int outW,
        int height, int width, Span<float> dx)
    {
        if (planes < 0 || outH < 0 || outW < 0 || height < 0 || width < 0)
            Throw.Argument($"Pool.MaxBackward: sizes must be non-negative; got planes {planes}, out {outH}x{outW}, in {height}x{width}.");
        long outCount = (long)planes * outH * outW;
        if (dy.Length < outCount || argmax.Length < outCount)
            Throw.Argument($"Pool.MaxBackward: dy and argmax need [{planes}, {outH}, {outW}] = {outCount} elements; got {dy.Length} and {argmax.Length}.");
        int hw = height * width;
        if (dx.Length < (long)planes * hw)
            Throw.Argument($"Pool.MaxBackward: dx needs [{planes}, {height}, {width}] = {(long)planes * hw} elements; got {dx.Length}.");
        int perPlane = outH * outW;
        for (int p = 0; p < planes; p++)
        {
            Span<float> plane = dx.Slice(p * hw, hw);
            ReadOnlySpan<float> dyp = dy.Slice(p * perPlane, perPlane);
            ReadOnlySpan<int> ap = argmax.Slice(p * perPlane, perPlane);
            for (int o = 0; o < perPlane; o++)
            {
                int index = ap[o];
                if ((uint)index >= (uint)hw) ThrowBadIndex(p, o, index, hw);
                plane[index] += dyp[o];
            }
        }
    }

    /// <summary>
    /// Average pooling (count_include_pad): effectively computes
    /// <c>y[p, oy, ox] = (Σ over the in-bounds window of x[p, iy, ix]) / (kH·kW)</c>.
    /// </summary>
    /// <param name="x">The input, [planes, H, W].</param>
    /// <param name="planes">Number of planes.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="kernelH">kH.</param>
    /// <param name="kernelW">kW.</param>
    /// <param name="strideH">sH.</param>
    /// <param name="strideW">sW.</param>
    /// <param name="padH">pH ≤ kH/2.</param>
    /// <param name="padW">pW ≤ kW/2.</param>
    /// <param name="y">The output, [planes, outH, outW].</param>
    /// <exception cref="ArgumentException">Invalid geometry or a span shorter than it requires.</exception>
    public static void AvgForward(ReadOnlySpan<float> x, int planes, int height, int width, int kernelH, int kernelW,
        int strideH, int strideW, int padH, int padW, Span<float> y)
    {
        var (outH, outW) = Check("Pool.AvgForward", planes, height, width, kernelH, kernelW, strideH, strideW, padH, padW, x.Length, y.Length);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int hw = height * width, o = 0;
        float inv = 1f / (kernelH * kernelW);
        bool twoByTwo = kernelH == 2 && kernelW == 2 && strideH == 2 && strideW == 2 && padH == 0 && padW == 0;
        for (int p = 0; p < planes; p++)
        {
            ref float plane = ref Unsafe.Add(ref xr, (nint)p * hw);
            for (int oy = 0; oy < outH; oy++)
            {
                var (yBegin, yEnd) = Window(oy, strideH, padH, kernelH, height);
                int ox = 0;
                if (twoByTwo)
                {
                    ox = AvgRow2x2(ref Unsafe.Add(ref plane, yBegin * width), width, outW, ref Unsafe.Add(ref yr, o));
                    o += ox;
                }
                for (; ox < outW; ox++, o++)
                {
                    var (xBegin, xEnd) = Window(ox, strideW, padW, kernelW, width);
                    float sum = 0f;
                    for (int iy = yBegin; iy < yEnd; iy++)
                        for (int index = iy * width + xBegin, last = iy * width + xEnd; index < last; index++)
                            sum += Unsafe.Add(ref plane, index);
                    Unsafe.Add(ref yr, o) = sum * inv;
                }
            }
        }
    }

    /// <summary>
    /// Average pooling backward, ADDING into dx: effectively computes
    /// <c>dx[p, iy, ix] += dy[p, oy, ox] / (kH·kW)</c> for every in-bounds (iy, ix) of every window (oy, ox).
    /// Takes the same geometry as <see cref="AvgForward"/>.
    /// </summary>
    /// <param name="dy">The output gradient, [planes, outH, outW].</param>
    /// <param name="planes">Number of planes.</param>
    /// <param name="height">Input height H.</param>
    /// <param name="width">Input width W.</param>
    /// <param name="kernelH">kH.</param>
    /// <param name="kernelW">kW.</param>
    /// <param name="strideH">sH.</param>
    /// <param name="strideW">sW.</param>
    /// <param name="padH">pH.</param>
    /// <param name="padW">pW.</param>
    /// <param name="dx">The input gradient, [planes, H, W], added into.</param>
    /// <exception cref="ArgumentException">Invalid geometry or a span shorter than it requires.</exception>
    public static void AvgBackward(ReadOnlySpan<float> dy, int planes, int height, int width, int kernelH, int kernelW,
        int strideH, int strideW, int padH, int padW, Span<float> dx)
    {
        var (outH, outW) = Check("Pool.AvgBackward", planes, height, width, kernelH, kernelW, strideH, strideW, padH, padW, dx.Length, dy.Length);
        int hw = height * width;
        float inv = 1f / (kernelH * kernelW);
        for (int p = 0; p < planes; p++)
        {
            Span<float> plane = dx.Slice(p * hw, hw);
            ReadOnlySpan<float> dyp = dy.Slice(p * outH * outW, outH * outW);
            for (int oy = 0; oy < outH; oy++)
            {
                var (yBegin, yEnd) = Window(oy, strideH, padH, kernelH, height);
                for (int ox = 0; ox < outW; ox++)
                {
                    var (xBegin, xEnd) = Window(ox, strideW, padW, kernelW, width);
                    float g = dyp[oy * outW + ox] * inv;
                    for (int iy = yBegin; iy < yEnd; iy++)
                        for (int ix = xBegin; ix < xEnd; ix++)
                            plane[iy * width + ix] += g;
                }
            }
        }
    }

    /// <summary>The in-bounds input range [begin, end) of window o along one axis.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static (int Begin, int End) Window(int o, int stride, int pad, int kernel, int size)
    {
        int start = o * stride - pad;
        return (Math.Max(start, 0), Math.Min(start + kernel, size));
    }

    internal static (int OutH, int OutW) Check(string op, int planes, int height, int width, int kernelH, int kernelW,
        int strideH, int strideW, int padH, int padW, int inputLength, int outputLength)
    {
        if (padH > kernelH / 2 || padW > kernelW / 2)
            Throw.Argument($"{op}: padding {padH}x{padW} exceeds half the kernel {kernelH}x{kernelW}; PyTorch requires pad <= kernel/2.");
        // Same validation as im2col: the pooled output is laid out like one im2col row per plane.
        var g = Conv.Geometry.Create(op, planes, height, width, kernelH, kernelW, strideH, strideW, padH, padW,
            inputLength, int.MaxValue);
        long need = (long)planes * g.OutH * g.OutW;
        if (outputLength < need)
            Throw.Argument($"{op}: the output [{planes}, {g.OutH}, {g.OutW}] needs {need} elements but its span has {outputLength}.");
        return (g.OutH, g.OutW);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static void ThrowBadIndex(int plane, int output, int index, int planeSize) =>
        Throw.Argument($"Pool.MaxBackward: argmax[{plane}, {output}] = {index} lies outside the plane of {planeSize} elements; pass the argmax written by Pool.MaxForward for this geometry.");
}
