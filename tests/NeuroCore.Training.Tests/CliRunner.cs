using NeuroCore.Cli;

namespace NeuroCore.Training.Tests;

/// <summary>Runs the <c>neurocore</c> command tree in-process on non-interactive writers and returns what it printed.</summary>
internal static class CliRunner
{
    public static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = new CliApp(new CliConsole(output, error, interactive: false)).Run(args);
        return (code, output.ToString(), error.ToString());
    }
}
