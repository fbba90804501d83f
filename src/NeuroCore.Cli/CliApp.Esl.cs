using System.CommandLine;

namespace NeuroCore.Cli;

/// <summary>The <c>train esl</c> command: its own options and reader.</summary>
internal sealed partial class CliApp
{
    internal readonly Option<string> EslData = Choice("--data", "fmnist",
        "The data set: fmnist (Fashion-MNIST, MLP 784-512-10, T = 4), dvs-fmnist (its event-camera form, conv net, T = 8) or builtin.",
        "fmnist", "dvs-fmnist", "builtin");
    internal readonly Option<double?> Density = new("--density")
    {
        Description = "Connection density d in (0, 1] of every synaptic layer [default: 0.1]; 1 (or --dense) is the dense network.",
    };
    internal readonly Option<bool> Dense = new("--dense") { Description = "The dense arm (density 1, no masks)." };
    internal readonly Option<bool> Static = new("--static") { Description = "The static sparse arm: keep the initial Erdős–Rényi pattern, no rewiring." };
    internal readonly Option<string> Prune = Choice("--prune", "magnitude",
        "Pruning rule: magnitude (smallest |w|) or set (SET's split positive/negative thresholds).", "magnitude", "set");
    internal readonly Option<string> Regrow = Choice("--regrow", "random",
        "Growth rule: random (uniform among inactive positions) or gradient (largest |dL/dW| of the dense gradient).", "random", "gradient");
    internal readonly Option<int?> RewireEvery = Positive("--rewire-every", "T_iter: iterations between rewiring steps [default: 200].");
    internal readonly Option<double?> Zeta = new("--zeta") { Description = "ζ₀, the fraction of synapses rewired per step, in [0, 1] [default: 0.3]." };
    internal readonly Option<string> ZetaSchedule = Choice("--zeta-schedule", "cosine", "ζ over training: constant or cosine.", "constant", "cosine");
    internal readonly Option<double?> RewireStop = new("--rewire-stop") { Description = "Stop rewiring after this fraction of training, in [0, 1] [default: 0.75]." };
    internal readonly Option<bool> Masked = new("--masked")
    {
        Description = "Compute the sparse fc1 or conv layers densely with a mask (saves synapses, not time) instead of on the CSR pattern.",
    };
    internal readonly Option<string?> CacheDir = new("--cache-dir")
    {
        Description = "dvs-fmnist: directory of the converted-set cache [default: $NEUROCORE_CACHE, $XDG_CACHE_HOME/neurocore or ~/.cache/neurocore].",
    };

    Command BuildTrainEsl()
    {
        var esl = new Command("esl", "Train a sparse spiking network with evolutionary structure learning (ESL-SNN: prune and regrow at constant density).")
        {
            EslData, Density, Dense, Static, Prune, Regrow, RewireEvery, Zeta, ZetaSchedule, RewireStop, Masked, CacheDir,
        };
        foreach (Option option in (Option[])[DataDir, Epochs, BatchSize, LearningRate, Optimizer, Schedule, Seed, Threads, Out,
                     Report, Resume, LimitTrain, LimitTest])
            esl.Options.Add(option);
        esl.SetAction(parse => TrainEslCommand.Run(ReadTrainEsl(parse), _console));
        return esl;
    }

    /// <summary>Reads the <c>train esl</c> options out of a parse result.</summary>
    internal TrainEslSettings ReadTrainEsl(ParseResult parse) => ReadTrain(parse, new TrainEslSettings
    {
        Density = parse.GetValue(Density),
        Dense = parse.GetValue(Dense),
        Static = parse.GetValue(Static),
        Prune = parse.GetValue(Prune)!,
        Regrow = parse.GetValue(Regrow)!,
        RewireEvery = parse.GetValue(RewireEvery),
        Zeta = parse.GetValue(Zeta),
        ZetaSchedule = parse.GetValue(ZetaSchedule)!,
        RewireStop = parse.GetValue(RewireStop),
        CacheDir = parse.GetValue(CacheDir),
        Masked = parse.GetValue(Masked),
    }) with { Data = parse.GetValue(EslData)! };
}
