using System.Numerics;
using System.Runtime.InteropServices;
using NeuroCore.Kernels;
using NeuroCore.Training;

namespace NeuroCore.Cli;

/// <summary><c>neurocore info</c>: version, active SIMD widths and threads.</summary>
internal static class InfoCommand
{
    public static int Run(CliConsole console)
    {
        console.Line($"NeuroCore {Version}");
        console.Line($"runtime:  .NET {Environment.Version} ({RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture})");
        console.Line($"simd:     {IsaInfo.Describe()}; Vector<float> has {Vector<float>.Count} lanes");
        console.Line($"threads:  {Environment.ProcessorCount} logical processors (default --threads {Environment.ProcessorCount})");
        return 0;
    }

    /// <summary>The informational version of this build (e.g. 0.1.0), without the source-revision suffix.</summary>
    public static string Version => TrainingReport.CurrentVersion;
}
