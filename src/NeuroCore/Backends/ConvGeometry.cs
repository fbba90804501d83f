namespace NeuroCore.Backends;

/// <summary>The geometry of one image's convolution lowering: a [Channels, Height, Width] image and a kernel window.</summary>
/// <param name="Channels">C.</param>
/// <param name="Height">H.</param>
/// <param name="Width">W.</param>
/// <param name="KernelH">kH.</param>
/// <param name="KernelW">kW.</param>
/// <param name="StrideH">sH.</param>
/// <param name="StrideW">sW.</param>
/// <param name="PadH">pH.</param>
/// <param name="PadW">pW.</param>
public readonly record struct ConvGeometry(int Channels, int Height, int Width, int KernelH, int KernelW, int StrideH, int StrideW, int PadH, int PadW)
{
    /// <summary>The image size C·H·W.</summary>
    public int ImageSize => Channels * Height * Width;

    /// <summary>The columns size C·kH·kW · outH·outW.</summary>
    public int ColumnsSize =>
        Channels * KernelH * KernelW
        * Kernels.Conv.OutputSize(Height, KernelH, StrideH, PadH) * Kernels.Conv.OutputSize(Width, KernelW, StrideW, PadW);
}
