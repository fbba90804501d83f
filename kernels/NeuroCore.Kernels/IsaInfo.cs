using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

/// <summary>
/// Which vector widths the running process actually accelerates. Tests and tools print this rather than trusting
/// environment knobs such as <c>DOTNET_EnableAVX512</c>, whose names change between runtime versions.
/// </summary>
public static class IsaInfo
{
    /// <summary>The widest accelerated vector width in bits (512, 256, 128), or 0 when only scalar code runs.</summary>
    public static int WidestVectorBits =>
        Vector512.IsHardwareAccelerated ? 512 :
        Vector256.IsHardwareAccelerated ? 256 :
        Vector128.IsHardwareAccelerated ? 128 : 0;

    /// <summary>A one-line description such as <c>V512=yes V256=yes V128=yes (widest 512)</c>.</summary>
    public static string Describe() =>
        $"V512={YesNo(Vector512.IsHardwareAccelerated)} V256={YesNo(Vector256.IsHardwareAccelerated)} " +
        $"V128={YesNo(Vector128.IsHardwareAccelerated)} (widest {WidestVectorBits})";

    static string YesNo(bool b) => b ? "yes" : "no";
}
