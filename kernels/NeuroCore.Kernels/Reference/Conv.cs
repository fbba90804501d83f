namespace NeuroCore.Kernels;

public static partial class Reference
{
    /// <summary>
    /// Scalar twin of <see cref="Conv.Im2Col"/>: for every (c, i, j, oy, ox),
    /// <c>columns[(c·kH + i)·kW + j, oy·outW + ox] = image[c, oy·sH − pH + i, ox·sW − pW + j]</c>, or 0 outside the image.
    /// </summary>
    /// <param name="image">[C, H, W].</param>
    /// <param name="channels">C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="kernelH">kH.</param>
    /// <param name="kernelW">kW.</param>
    /// <param name="strideH">sH.</param>
    /// <param name="strideW">sW.</param>
    /// <param name="padH">pH.</param>
    /// <param name="padW">pW.</param>
    /// <param name="columns">[C·kH·kW, outH·outW].</param>
    public static void Im2Col(ReadOnlySpan<float> image, int channels, int height, int width, int kernelH, int kernelW,
        int strideH, int strideW, int padH, int padW, Span<float> columns)
    {
        int outH = (height + 2 * padH - kernelH) / strideH + 1, outW = (width + 2 * padW - kernelW) / strideW + 1;
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < kernelH; i++)
                for (int j = 0; j < kernelW; j++)
                    for (int oy = 0; oy < outH; oy++)
                        for (int ox = 0; ox < outW; ox++)
                        {
                            int iy = oy * strideH - padH + i, ix = ox * strideW - padW + j;
                            bool inside = iy >= 0 && iy < height && ix >= 0 && ix < width;
                            columns[(((c * kernelH + i) * kernelW + j) * outH + oy) * outW + ox] =
                                inside ? image[(c * height + iy) * width + ix] : 0f;
                        }
    }

    /// <summary>
    /// Scalar twin of <see cref="Conv.Col2Im"/>: for every (c, i, j, oy, ox) inside the image,
    /// <c>image[c, oy·sH − pH + i, ox·sW − pW + j] += columns[(c·kH + i)·kW + j, oy·outW + ox]</c>.
    /// </summary>
    /// <param name="columns">[C·kH·kW, outH·outW].</param>
    /// <param name="channels">C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="kernelH">kH.</param>
    /// <param name="kernelW">kW.</param>
    /// <param name="strideH">sH.</param>
    /// <param name="strideW">sW.</param>
    /// <param name="padH">pH.</param>
    /// <param name="padW">pW.</param>
    /// <param name="image">[C, H, W], added into.</param>
    public static void Col2Im(ReadOnlySpan<float> columns, int channels, int height, int width, int kernelH, int kernelW,
        int strideH, int strideW, int padH, int padW, Span<float> image)
    {
        int outH = (height + 2 * padH - kernelH) / strideH + 1, outW = (width + 2 * padW - kernelW) / strideW + 1;
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < kernelH; i++)
                for (int j = 0; j < kernelW; j++)
                    for (int oy = 0; oy < outH; oy++)
                        for (int ox = 0; ox < outW; ox++)
                        {
                            int iy = oy * strideH - padH + i, ix = ox * strideW - padW + j;
                            if (iy >= 0 && iy < height && ix >= 0 && ix < width)
                                image[(c * height + iy) * width + ix] += columns[(((c * kernelH + i) * kernelW + j) * outH + oy) * outW + ox];
                        }
    }

    /// <summary>
    /// Scalar twin of <see cref="Conv.RowDots"/>: <c>c[i·rowsB + j] = Σ_p a[i·length + p]·b[j·length + p] + beta·c[i·rowsB + j]</c>
    /// (the old c not read when beta is 0), each dot summed in double.
    /// </summary>
    /// <param name="a">[rowsA, length].</param>
    /// <param name="rowsA">Rows of A.</param>
    /// <param name="b">[rowsB, length].</param>
    /// <param name="rowsB">Rows of B.</param>
    /// <param name="length">Row length.</param>
    /// <param name="beta">Scale of the old C.</param>
    /// <param name="c">[rowsA, rowsB].</param>
    public static void RowDots(ReadOnlySpan<float> a, int rowsA, ReadOnlySpan<float> b, int rowsB, int length, float beta, Span<float> c)
    {
        for (int i = 0; i < rowsA; i++)
            for (int j = 0; j < rowsB; j++)
            {
                double s = 0;
                for (int p = 0; p < length; p++) s += (double)a[i * length + p] * b[j * length + p];
                c[i * rowsB + j] = beta == 0f ? (float)s : (float)(s + (double)beta * c[i * rowsB + j]);
            }
    }
}
