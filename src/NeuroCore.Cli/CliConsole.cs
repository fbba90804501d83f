using Spectre.Console;

namespace NeuroCore.Cli;

/// <summary>
/// Where the CLI writes: a Spectre console for tables and progress bars, the plain writers underneath it, and
/// whether the output is an interactive terminal (live progress bars) or not (CI, a pipe: plain progress lines).
/// </summary>
internal sealed class CliConsole
{
    public CliConsole(TextWriter output, TextWriter error, bool interactive)
    {
        Output = output;
        Error = error;
        Interactive = interactive;
        Ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!interactive) Ansi.Profile.Width = 120;   // logs are not 80 columns wide; keep table rows on one line
    }

    /// <summary>The process console: live progress only when stdout is a terminal.</summary>
    public static CliConsole FromProcess() =>
        new(Console.Out, Console.Error, interactive: !Console.IsOutputRedirected);

    public TextWriter Output { get; }
    public TextWriter Error { get; }
    public bool Interactive { get; }
    public IAnsiConsole Ansi { get; }

    /// <summary>Writes a plain line to the output.</summary>
    public void Line(string text) => Output.WriteLine(text);

    /// <summary>Writes an error line ("error: ...") to the error stream.</summary>
    public void Fail(string message) => Error.WriteLine("error: " + message);
}
