using System.CommandLine;
using System.Globalization;
using System.CommandLine.Parsing;

namespace NeuroCore.Cli;

/// <summary>
/// The <c>neurocore</c> command tree (System.CommandLine 2): <c>train ann</c>, <c>eval</c>, <c>info</c>.
/// Options are plain fields so tests can parse without running anything.
/// </summary>
internal sealed class CliApp
{
    readonly CliConsole _console;

    // train ann
    internal readonly Option<string> Model = Choice("--model", "mlp", "The architecture: mlp (784-512-10) or cnn (two conv blocks).", "mlp", "cnn");
    internal readonly Option<string> Data = Choice("--data", "auto",
        "The data set: fmnist (Fashion-MNIST), builtin (procedural shapes) or auto (Fashion-MNIST when installed, else builtin).",
        "auto", "fmnist", "builtin");
    internal readonly Option<string?> DataDir = new("--data-dir")
    {
        Description = "Directory holding the Fashion-MNIST IDX files (default: the dataset-fashion-mnist package's directory).",
    };
    internal readonly Option<int?> Epochs = Positive("--epochs", "Epochs to train, counting those before a resume [default: 10].");
    internal readonly Option<int?> BatchSize = Positive("--batch-size", "Samples per training batch [default: 128].");
    internal readonly Option<double?> LearningRate = new("--lr")
    {
        Description = "Learning rate [default: 1e-3 for adam/adamw, 0.05 for sgd].",
    };
    internal readonly Option<string> Optimizer = Choice("--optimizer", "adam", "adam, adamw (weight decay 0.01) or sgd (momentum 0.9).",
        "adam", "adamw", "sgd");
    internal readonly Option<string?> Schedule = new("--schedule")
    {
        Description = "Learning-rate schedule: constant or cosine [default: constant for mlp, cosine for cnn].",
    };
    internal readonly Option<ulong> Seed = new("--seed")
    {
        Description = "Seed of initialisation, shuffling and dropout (same seed, same weights, for any --threads).",
        DefaultValueFactory = _ => 1,
    };
    internal readonly Option<int> Threads = new("--threads")
    {
        Description = "Worker threads for the kernels (results do not depend on it).",
        DefaultValueFactory = _ => Environment.ProcessorCount,
    };
    internal readonly Option<string?> Out = new("--out")
    {
        Description = "Directory for the model description and a checkpoint per epoch [default: none written].",
    };
    internal readonly Option<string?> Report = new("--report") { Description = "Write a JSON report of the run to this file." };
    internal readonly Option<bool> Resume = new("--resume")
    {
        Description = "Continue from the latest checkpoint in --out (weights, optimizer state, epoch, RNG position).",
    };
    internal readonly Option<int?> LimitTrain = Positive("--limit-train", "Use only the first N training samples.");
    internal readonly Option<int?> LimitTest = Positive("--limit-test", "Evaluate on only the first N test samples.");

    // eval
    internal readonly Option<string> ModelDir = new("--model-dir")
    {
        Description = "A directory written by `neurocore train ... --out DIR`.",
        Required = true,
    };

    public CliApp(CliConsole console)
    {
        _console = console;
        Schedule.AcceptOnlyFromAmong("constant", "cosine");
        LearningRate.Validators.Add(r =>
        {
            if (LastToken(r) is { } text && double.TryParse(text, CultureInfo.InvariantCulture, out double lr) && !(lr > 0 && double.IsFinite(lr)))
                r.AddError($"--lr must be a positive finite number (got {text}).");
        });
        Threads.Validators.Add(r =>
        {
            if (LastToken(r) is { } text && int.TryParse(text, CultureInfo.InvariantCulture, out int v) && v is < 1 or > 1024)
                r.AddError($"--threads must be between 1 and 1024 (got {v}).");
        });
        Resume.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<bool>() && r.Parent?.GetResult(Out) is null)
                r.AddError("--resume needs --out DIR: the directory whose latest checkpoint to continue from.");
        });
    }

    /// <summary>Builds the root command with every subcommand wired to its action.</summary>
    public RootCommand BuildRootCommand()
    {
        var ann = new Command("ann", "Train an ordinary (non-spiking) network with backpropagation.")
        {
            Model, Data, DataDir, Epochs, BatchSize, LearningRate, Optimizer, Schedule, Seed, Threads, Out, Report,
            Resume, LimitTrain, LimitTest,
        };
        ann.SetAction(parse => TrainAnnCommand.Run(ReadTrainAnn(parse), _console));
        var train = new Command("train", "Train a model.") { ann };

        var eval = new Command("eval", "Rebuild a trained model from its directory and report its test accuracy.")
        {
            ModelDir, Data, DataDir, Threads, LimitTest,
        };
        eval.SetAction(parse => EvalCommand.Run(
            parse.GetRequiredValue(ModelDir), parse.GetValue(Data)!, parse.GetValue(DataDir), parse.GetValue(Threads),
            parse.GetValue(LimitTest), _console));

        var info = new Command("info", "Print the version, the active SIMD widths and the thread count.");
        info.SetAction(_ => InfoCommand.Run(_console));

        return new RootCommand("NeuroCore: spiking and ordinary neural networks in pure managed C#.") { train, eval, info };
    }

    /// <summary>Reads the <c>train ann</c> options out of a parse result.</summary>
    internal TrainAnnSettings ReadTrainAnn(ParseResult parse) => new()
    {
        Model = parse.GetValue(Model)!,
        Data = parse.GetValue(Data)!,
        DataDir = parse.GetValue(DataDir),
        Epochs = parse.GetValue(Epochs),
        BatchSize = parse.GetValue(BatchSize),
        LearningRate = parse.GetValue(LearningRate),
        Optimizer = parse.GetValue(Optimizer)!,
        Schedule = parse.GetValue(Schedule),
        Seed = parse.GetValue(Seed),
        Threads = parse.GetValue(Threads),
        OutputDirectory = parse.GetValue(Out),
        ReportPath = parse.GetValue(Report),
        Resume = parse.GetValue(Resume),
        LimitTrain = parse.GetValue(LimitTrain),
        LimitTest = parse.GetValue(LimitTest),
    };

    /// <summary>Parses and runs <paramref name="args"/>; returns the process exit code.</summary>
    public int Run(string[] args)
    {
        var config = new InvocationConfiguration { Output = _console.Output, Error = _console.Error };
        return BuildRootCommand().Parse(args).Invoke(config);
    }

    static Option<string> Choice(string name, string defaultValue, string description, params string[] values)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.AcceptOnlyFromAmong(values);
        return option;
    }

    static Option<int?> Positive(string name, string description)
    {
        var option = new Option<int?>(name) { Description = description };
        option.Validators.Add(r =>
        {
            if (LastToken(r) is { } text && int.TryParse(text, CultureInfo.InvariantCulture, out int v) && v < 1)
                r.AddError($"{name} must be at least 1 (got {v}).");
        });
        return option;
    }

    /// <summary>
    /// The option's raw value, or null when absent. Validators read the token rather than the typed value because
    /// System.CommandLine runs them even when conversion failed (it reports that error itself).
    /// </summary>
    static string? LastToken(OptionResult r) => r.Tokens.Count == 0 ? null : r.Tokens[^1].Value;
}
