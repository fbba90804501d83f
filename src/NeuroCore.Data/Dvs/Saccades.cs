namespace NeuroCore.Data;

/// <summary>
/// N-MNIST-style motion of a static image: three saccades along a triangle, rendered with bilinear sub-pixel shifts
/// on a canvas larger than the image.
/// </summary>
/// <remarks>
/// The image sits centred on a canvas of side <c>size + 2·A</c> (A the amplitude; 34 for 28×28 at A = 3) and is shifted by
/// (dx, dy) along the triangle (0, −A) → (A, A) → (−A, A) → (0, −A), <c>framesPerSaccade</c> frame intervals per leg,
/// moving linearly; frame f of F = 3·framesPerSaccade + 1 frames. Canvas pixel (x, y) shows the image at
/// (x − pad − dx, y − pad − dy), bilinearly interpolated, 0 outside the image.
/// </remarks>
public static class Saccades
{
    /// <summary>The number of frames rendered: 3·<paramref name="framesPerSaccade"/> + 1.</summary>
    public static int FrameCount(int framesPerSaccade) => (3 * framesPerSaccade) + 1;

    /// <summary>The canvas side for an image side and amplitude: the larger side + 2·amplitude.</summary>
    public static int CanvasSize(int height, int width, int amplitude) => Math.Max(height, width) + (2 * amplitude);

    /// <summary>The shift (dx, dy) at frame <paramref name="frame"/>.</summary>
    public static (float Dx, float Dy) Shift(int frame, int framesPerSaccade, float amplitude)
    {
        ReadOnlySpan<float> vx = [0f, 1f, -1f, 0f];
        ReadOnlySpan<float> vy = [-1f, 1f, 1f, -1f];
        int leg = Math.Min(frame / framesPerSaccade, 2);
        float w = (float)(frame - (leg * framesPerSaccade)) / framesPerSaccade;
        return (amplitude * (vx[leg] + ((vx[leg + 1] - vx[leg]) * w)), amplitude * (vy[leg] + ((vy[leg + 1] - vy[leg]) * w)));
    }

    /// <summary>
    /// Renders the moving image into <paramref name="destination"/>, row-major [F, canvas, canvas] with
    /// F = <see cref="FrameCount"/>(<paramref name="framesPerSaccade"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The image or destination sizes disagree, or a setting is out of range.</exception>
    public static void Render(ReadOnlySpan<float> image, int height, int width, int amplitude, int framesPerSaccade, int canvas, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegative(amplitude);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(framesPerSaccade);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(canvas);
        if (image.Length != height * width)
            throw new ArgumentException($"Saccades.Render: the image holds {image.Length} values, not {height}×{width}.", nameof(image));
        int frames = FrameCount(framesPerSaccade), plane = canvas * canvas;
        if (destination.Length != frames * plane)
            throw new ArgumentException($"Saccades.Render: the destination holds {destination.Length} values but [{frames}, {canvas}, {canvas}] needs {frames * plane}.", nameof(destination));
        float padY = (canvas - height) / 2f, padX = (canvas - width) / 2f;
        for (int f = 0; f < frames; f++)
        {
            var (dx, dy) = Shift(f, framesPerSaccade, amplitude);
            var dst = destination.Slice(f * plane, plane);
            for (int y = 0; y < canvas; y++)
            {
                float sy = y - padY - dy;
                int y0 = (int)MathF.Floor(sy);
                float fy = sy - y0;
                for (int x = 0; x < canvas; x++)
                {
                    float sx = x - padX - dx;
                    int x0 = (int)MathF.Floor(sx);
                    float fx = sx - x0;
                    float v = ((1 - fy) * (((1 - fx) * At(image, height, width, y0, x0)) + (fx * At(image, height, width, y0, x0 + 1))))
                            + (fy * (((1 - fx) * At(image, height, width, y0 + 1, x0)) + (fx * At(image, height, width, y0 + 1, x0 + 1))));
                    dst[(y * canvas) + x] = Math.Clamp(v, 0f, 1f);
                }
            }
        }
    }

    static float At(ReadOnlySpan<float> image, int height, int width, int y, int x) =>
        (uint)y < (uint)height && (uint)x < (uint)width ? image[(y * width) + x] : 0f;
}
