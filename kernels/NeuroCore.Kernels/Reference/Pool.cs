namespace NeuroCore.Kernels;

public static partial class Reference
{
    /// <summary>
    /// Scalar twin of <see cref="Pool.MaxForward"/>: <c>y[p,oy,ox] = max x[p, oy·sH − pH + i, ox·sW − pW + j]</c> over the
    /// in-bounds (i, j), argmax = flat in-plane index of the first maximum in row-major window order, first NaN wins.
    /// </summary>
    /// <param name="x">[planes, H, W].</param>
    /// <param name="planes">Planes.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="kernelH">kH.</param>
    /// <param name="kernelW">kW.</param>
    /// <param name="strideH">sH.</param>
    /// <param name="strideW">sW.</param>
    /// <param name="padH">pH.</param>
    /// <param name="padW">pW.</param>
    /// <param name="y">[planes, outH, outW].</param>
    /// <param name="argmax">[planes, outH, outW].</param>
    public static void MaxPoolForward(ReadOnlySpan<float> x, int planes, int height, int width, int kernelH, int kernelW,
        int strideH, int strideW, int padH, int padW, Span<float> y, Span<int> argmax)
    {
        int outH = (height + 2 * padH - kernelH) / strideH + 1, outW = (width + 2 * padW - kernelW) / strideW + 1;
        for (int p = 0; p < planes; p++)
            for (int oy = 0; oy < outH; oy++)
                for (int ox = 0; ox < outW; ox++)
                {
                    float best = float.NegativeInfinity;
                    int bestIndex = -1;
                    bool nan = false;
                    for (int i = 0; i < kernelH && !nan; i++)
                        for (int j = 0; j < kernelW && !nan; j++)
                        {
                            int iy = oy * strideH - padH + i, ix = ox * strideW - padW + j;
                            if (iy < 0 || iy >= height || ix < 0 || ix >= width) continue;
                            float v = x[(p * height + iy) * width + ix];
                            if (bestIndex < 0 || v > best || float.IsNaN(v))
                            {
                                best = v;
                                bestIndex = iy * width + ix;
                                nan = float.IsNaN(v);
                            }
                        }
                    int o = (p * outH + oy) * outW + ox;
                    y[o] = best;
                    argmax[o] = bestIndex;
                }
    }

    /// <summary>Scalar twin of <see cref="Pool.MaxBackward"/>: <c>dx[p, argmax[p,o]] += dy[p,o]</c>.</summary>
    /// <param name="dy">[planes, outH, outW].</param>
    /// <param name="argmax">[planes, outH, outW].</param>
    /// <param name="planes">Planes.</param>
    /// <param name="outH">outH.</param>
    /// <param name="outW">outW.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="dx">[planes, H, W], added into.</param>
    public static void MaxPoolBackward(ReadOnlySpan<float> dy, ReadOnlySpan<int> argmax, int planes, int outH, int outW,
        int height, int width, Span<float> dx)
    {
        for (int p = 0; p < planes; p++)
            for (int o = 0; o < outH * outW; o++)
                dx[p * height * width + argmax[p * outH * outW + o]] += dy[p * outH * outW + o];
    }

    /// <summary>
    /// Scalar twin of <see cref="Pool.AvgForward"/>: <c>y[p,oy,ox] = (Σ in-bounds window x) · (1/(kH·kW))</c>
    /// (count_include_pad).
    /// </summary>
    /// <param name="x">[planes, H, W].</param>
    /// <param name="planes">Planes.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="kernelH">kH.</param>
    /// <param name="kernelW">kW.</param>
    /// <param name="strideH">sH.</param>
    /// <param name="strideW">sW.</param>
    /// <param name="padH">pH.</param>
    /// <param name="padW">pW.</param>
    /// <param name="y">[planes, outH, outW].</param>
    public static void AvgPoolForward(ReadOnlySpan<float> x, int planes, int height, int width, int kernelH, int kernelW,
        int strideH, int strideW, int padH, int padW, Span<float> y)
    {
        int outH = (height + 2 * padH - kernelH) / strideH + 1, outW = (width + 2 * padW - kernelW) / strideW + 1;
        float inv = 1f / (kernelH * kernelW);
        for (int p = 0; p < planes; p++)
            for (int oy = 0; oy < outH; oy++)
                for (int ox = 0; ox < outW; ox++)
                {
                    float s = 0f;
                    for (int i = 0; i < kernelH; i++)
                        for (int j = 0; j < kernelW; j++)
                        {
                            int iy = oy * strideH - padH + i, ix = ox * strideW - padW + j;
                            if (iy >= 0 && iy < height && ix >= 0 && ix < width) s += x[(p * height + iy) * width + ix];
                        }
                    y[(p * outH + oy) * outW + ox] = s * inv;
                }
    }

    /// <summary>
    /// Scalar twin of <see cref="Pool.AvgBackward"/>: <c>dx[p,iy,ix] += dy[p,oy,ox] · (1/(kH·kW))</c> over every in-bounds
    /// (iy, ix) of every window.
    /// </summary>
    /// <param name="dy">[planes, outH, outW].</param>
    /// <param name="planes">Planes.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="kernelH">kH.</param>
    /// <param name="kernelW">kW.</param>
    /// <param name="strideH">sH.</param>
    /// <param name="strideW">sW.</param>
    /// <param name="padH">pH.</param>
    /// <param name="padW">pW.</param>
    /// <param name="dx">[planes, H, W], added into.</param>
    public static void AvgPoolBackward(ReadOnlySpan<float> dy, int planes, int height, int width, int kernelH, int kernelW,
        int strideH, int strideW, int padH, int padW, Span<float> dx)
    {
        int outH = (height + 2 * padH - kernelH) / strideH + 1, outW = (width + 2 * padW - kernelW) / strideW + 1;
        float inv = 1f / (kernelH * kernelW);
        for (int p = 0; p < planes; p++)
            for (int oy = 0; oy < outH; oy++)
                for (int ox = 0; ox < outW; ox++)
                    for (int i = 0; i < kernelH; i++)
                        for (int j = 0; j < kernelW; j++)
                        {
                            int iy = oy * strideH - padH + i, ix = ox * strideW - padW + j;
                            if (iy >= 0 && iy < height && ix >= 0 && ix < width)
                                dx[(p * height + iy) * width + ix] += dy[(p * outH + oy) * outW + ox] * inv;
                        }
    }
}
