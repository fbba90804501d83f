using System.Runtime.Intrinsics;
using Xunit;
using Xunit.Abstractions;

namespace NeuroCore.Kernels.Tests;

/// <summary>
/// Logs which vector widths this test run actually accelerates (CI reruns the project with
/// DOTNET_EnableAVX512=0 and DOTNET_EnableHWIntrinsic=0), and checks the knobs took effect, since their names
/// have changed between runtime versions.
/// </summary>
public class IsaReportTests(ITestOutputHelper output)
{
    [Fact]
    public void Describe_LogsActiveWidths_ConsistentWithEnvironment()
    {
        string description = IsaInfo.Describe();
        output.WriteLine($"ISA: {description}");
        Assert.Contains($"widest {IsaInfo.WidestVectorBits}", description);
        if (Environment.GetEnvironmentVariable("DOTNET_EnableHWIntrinsic") == "0")
        {
            Assert.False(Vector128.IsHardwareAccelerated, "DOTNET_EnableHWIntrinsic=0 but Vector128 is accelerated");
            Assert.False(Vector256.IsHardwareAccelerated, "DOTNET_EnableHWIntrinsic=0 but Vector256 is accelerated");
            Assert.False(Vector512.IsHardwareAccelerated, "DOTNET_EnableHWIntrinsic=0 but Vector512 is accelerated");
            Assert.Equal(0, IsaInfo.WidestVectorBits);
        }
        if (Environment.GetEnvironmentVariable("DOTNET_EnableAVX512") == "0" ||
            Environment.GetEnvironmentVariable("DOTNET_EnableAVX512F") == "0")
        {
            Assert.False(Vector512.IsHardwareAccelerated, "DOTNET_EnableAVX512=0 but Vector512 is accelerated");
        }
        if (Environment.GetEnvironmentVariable("DOTNET_EnableAVX2") == "0")
        {
            Assert.False(Vector256.IsHardwareAccelerated, "DOTNET_EnableAVX2=0 but Vector256 is accelerated");
        }
    }
}
