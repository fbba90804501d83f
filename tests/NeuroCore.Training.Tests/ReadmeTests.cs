using NeuroCore.Cli;

namespace NeuroCore.Training.Tests;

/// <summary>
/// The README is tested (STYLE.md habit 14): every `neurocore ...` command it shows must parse, and CI must run
/// exactly the test command it gives.
/// </summary>
public sealed class ReadmeTests
{
    const string CliPrefix = "dotnet run --project src/NeuroCore.Cli -c Release -- ";

    static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NeuroCore.sln"))) return dir.FullName;
        throw new InvalidOperationException("NeuroCore.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Lines inside ``` blocks of a markdown file.</summary>
    static List<string> CodeLines(string markdown)
    {
        var lines = new List<string>();
        bool inside = false;
        foreach (var raw in markdown.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("```", StringComparison.Ordinal)) { inside = !inside; continue; }
            if (inside) lines.Add(line.Trim());
        }
        return lines;
    }

    static List<string> CliCommands(string markdown)
    {
        var commands = new List<string>();
        foreach (var line in CodeLines(markdown))
        {
            string? args = line.StartsWith(CliPrefix, StringComparison.Ordinal) ? line[CliPrefix.Length..]
                : line.StartsWith("neurocore ", StringComparison.Ordinal) ? line["neurocore ".Length..] : null;
            if (args is null) continue;
            int comment = args.IndexOf('#', StringComparison.Ordinal);
            commands.Add((comment >= 0 ? args[..comment] : args).Trim());
        }
        return commands;
    }

    public static TheoryData<string> ReadmeFiles() =>
        new() { "README.md", "src/NeuroCore.Training/README.md", "src/NeuroCore.Training/Methods/SurrogateBptt/README.md",
            "src/NeuroCore.Training/Methods/CeLif/README.md", "src/NeuroCore.Training/Methods/Kdsnn/README.md",
            "src/NeuroCore.Training/Methods/Esl/README.md" };

    [Theory]
    [MemberData(nameof(ReadmeFiles))]
    public void CliCommandsShown_AllParse(string relativePath)
    {
        var commands = CliCommands(File.ReadAllText(Path.Combine(RepoRoot(), relativePath)));
        Assert.NotEmpty(commands);
        foreach (var command in commands)
        {
            var app = new CliApp(new CliConsole(TextWriter.Null, TextWriter.Null, interactive: false));
            var parse = app.BuildRootCommand().Parse(command);
            Assert.True(parse.Errors.Count == 0,
                $"{relativePath}: `neurocore {command}` does not parse: {string.Join("; ", parse.Errors.Select(e => e.Message))}");
        }
    }

    [Fact]
    public void CiScript_RunsTheReadmeTestCommand()
    {
        string root = RepoRoot();
        var lines = CodeLines(File.ReadAllText(Path.Combine(root, "README.md")));
        string testCommand = Assert.Single(lines, l => l.StartsWith("dotnet test", StringComparison.Ordinal));
        Assert.Contains(testCommand, File.ReadAllText(Path.Combine(root, ".ci", "run")), StringComparison.Ordinal);
    }
}
