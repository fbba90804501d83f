using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using NeuroCore.Snn;
using NeuroCore.Training;

namespace NeuroCore.Cli;

/// <summary>
/// The <c>neurocore</c> command tree (System.CommandLine 2): <c>train ann</c>, <c>train snn</c>, <c>train celif</c>,
/// <c>train kd</c>, <c>eval</c> (with <c>--noise</c>),
/// <c>plot curves</c>, <c>plot raster</c>, <c>info</c>. Options are plain fields so tests can parse without running
/// anything; the options every <c>train</c> command shares are single instances added to each of them.
/// </summary>
internal sealed partial class CliApp
{
    readonly CliConsole _console;

    // Shared by every train command (and partly by eval and plot raster).
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
        [.. TrainingRecipe.Optimizers]);
    internal readonly Option<string?> Schedule = new("--schedule")
    {
        Description = "Learning-rate schedule: constant or cosine [default: constant for train ann --model mlp, cosine otherwise].",
    };
    internal readonly Option<ulong> Seed = new("--seed")
    {
        Description = "Seed of initialisation, shuffling, dropout and spike encoding (same seed, same weights, for any --threads).",
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
    internal readonly Option<double?> ClipGradNorm = new("--clip-grad-norm")
    {
        Description = "Clip the gradient to this global L2 norm before every optimizer step (off by default); a NaN or infinite gradient then stops training naming the parameter.",
    };
    internal readonly Option<int?> LimitTrain = Positive("--limit-train", "Use only the first N training samples.");
    internal readonly Option<int?> LimitTest = Positive("--limit-test", "Evaluate on only the first N test samples.");

    // train ann
    internal readonly Option<string> Model = Choice("--model", "mlp", "The architecture: mlp (784-512-10) or cnn (two conv blocks).", "mlp", "cnn");

    // train snn
    internal readonly Option<string> SnnModel = Choice("--model", "mlp",
        "The spiking architecture: mlp (784-512-10, fully connected) or conv (two spiking conv blocks and a classifier).", "mlp", "conv");
    internal readonly Option<string> Neuron = Choice("--neuron", "lif", "The hidden neurons: lif, or alif (spike-triggered adaptive threshold).",
        "lif", "alif");
    internal readonly Option<string?> Surrogate = new("--surrogate")
    {
        Description = "The surrogate gradient, NAME or NAME:parameter with NAME one of " + string.Join(", ", SurrogateSpec.Names) +
                      " [default: fast-sigmoid:25].",
    };
    internal readonly Option<int?> Steps = Positive("--steps", "Time steps T per sample [default: 25 for mlp, 4 for conv].");
    internal readonly Option<string?> Encoding = new("--encoding")
    {
        Description = "How images become input over T steps: rate (Poisson spikes), direct (the image as a constant current) " +
                      "or latency (one spike, brighter earlier) [default: direct].",
    };
    internal readonly Option<float?> Beta = new("--beta") { Description = "Membrane decay β in (0, 1] [default: 0.9 for mlp, 0.5 for conv]." };
    internal readonly Option<float?> Threshold = new("--threshold") { Description = "Firing threshold θ > 0 [default: 1]." };
    internal readonly Option<float?> Rho = new("--rho")
    {
        Description = "ALIF: decay ρ ∈ [0, 1] of the adaptation trace A_t = ρ·A_{t−1} + (1 − ρ)·S_t [default: 0.95, τ ≈ 20 steps].",
    };
    internal readonly Option<float?> Kappa = new("--kappa")
    {
        Description = "ALIF: adaptation strength κ ≥ 0; the threshold is θ + κ·A_{t−1} [default: 1].",
    };
    internal readonly Option<string?> Readout = new("--readout")
    {
        Description = "How output activity becomes logits: mean-membrane, max-membrane (non-spiking leaky integrators) or " +
                      "spike-count [default: mean-membrane].",
    };
    internal readonly Option<string?> Hidden = new("--hidden")
    {
        Description = "Hidden layer widths, comma separated (e.g. 512 or 800,400); the conv model takes the first as its " +
                      "fully connected layer [default: 512 for mlp, 128 for conv].",
    };
    internal readonly Option<float?> RateReg = new("--rate-reg")
    {
        Description = "Weight of the spike-rate regulariser pulling hidden rates towards --target-rate (0 = off) [default: 0].",
    };
    internal readonly Option<float?> TargetRate = new("--target-rate")
    {
        Description = "The spike rate (spikes per neuron per step) the regulariser pulls towards [default: 0.1].",
    };
    internal readonly Option<string?> ResetMode = new("--reset")
    {
        Description = "Membrane reset on a spike: soft (subtract θ) or hard (to zero) [default: soft].",
    };
    internal readonly Option<bool> DetachReset = new("--detach-reset") { Description = "Do not back-propagate through the reset term." };
    internal readonly Option<bool> LearnBeta = new("--learn-beta") { Description = "Learn a decay β per neuron." };
    internal readonly Option<bool> LearnThreshold = new("--learn-threshold") { Description = "Learn a threshold θ per neuron." };

    // train celif
    internal readonly Option<string> Task = Choice("--task", "sfmnist-row",
        "The sequence task: sfmnist-row (T = 28 rows of 28 pixels), sfmnist-pixel (T = 784 pixels), psfmnist (pixel-wise in a " +
        "fixed seeded permutation) or recall (delayed recall of one of 8 cues after --delay steps of noise).",
        [.. NeuroCore.Data.SequenceTasks.Names]);
    internal readonly Option<string> SeqNeuron = Choice("--neuron", "lif",
        "The hidden neurons: lif, alif (spike-triggered adaptive threshold) or celif (contextual-embedding adaptive threshold).",
        TrainCelifSettings.NeuronNames);
    internal readonly Option<string?> Embedding = new("--embedding")
    {
        Description = "CE-LIF's contextual embedding: c1 (learned time-indexed table), c2 (input-driven trace) or c3 (own slow trace); " +
                      "only with --neuron celif.",
    };
    internal readonly Option<string?> DecayBoundOption = new("--decay-bound")
    {
        Description = "LIF/ALIF: none (learn β itself, may leave (0, 1)) or sigmoid (learn a logit, β = σ(logit) in (0, 1), as CE-LIF's decays) [default: none].",
    };
    internal readonly Option<int?> Delay = new("--delay")
    {
        Description = "recall only: the delay D between cue and go, 25..400 steps [default: 50].",
    };
    internal readonly Option<int?> SeqHidden = Positive("--hidden",
        "Neurons per hidden layer of the LIF network; ALIF and CE-LIF get the width with the same parameter count " +
        "[default: 64 for the pixel-wise tasks, 128 otherwise].");
    internal readonly Option<bool> NoEqualParameters = new("--no-equal-params")
    {
        Description = "Use --hidden as is for every neuron instead of matching LIF's parameter count.",
    };

    // train kd
    internal readonly Option<string> Teacher = new("--teacher")
    {
        Description = "The teacher: a directory written by `neurocore train ann --out DIR` (e.g. --model cnn, C32-C64-FC128).",
        Required = true,
    };
    internal readonly Option<string> Student = Choice("--student", "conv",
        "The spiking student: conv (C16-C32-FC10: two LIF conv blocks, readout on their spikes) or mlp (784-512-10).", "mlp", "conv");
    internal readonly Option<string> KdMode = Choice("--kd", "both",
        "The distillation terms: none (cross-entropy only), response (soft labels), feature (FitNets rate maps) or both.",
        TrainKdSettings.ModeNames);
    internal readonly Option<float> Tau = new("--tau") { Description = "Temperature τ of response KD.", DefaultValueFactory = _ => 4f };
    internal readonly Option<float> Alpha = new("--alpha") { Description = "Weight α of response KD: (1 − α)·CE + α·τ²·KL.", DefaultValueFactory = _ => 0.9f };
    internal readonly Option<float?> FeatureBeta = new("--beta")
    {
        Description = "Weight β of feature KD [default: CE/L_feat at the first step, so β·L_feat starts equal to the cross-entropy].",
    };
    internal readonly Option<string?> FeatureLayer = new("--feature-layer")
    {
        Description = "The teacher layer whose output feature KD matches [default: its last post-ReLU layer of the student feature's rank, pool2 for the CNN].",
    };
    internal readonly Option<string?> StudentLayer = new("--student-layer")
    {
        Description = "The student's spiking layer whose time-averaged rate map is regressed [default: its last, conv2 for conv].",
    };

    // eval, plot raster
    internal readonly Option<string> ModelDir = new("--model-dir")
    {
        Description = "A directory written by `neurocore train ... --out DIR`.",
        Required = true,
    };
    internal readonly Option<string> RasterModel = new("--model", "--model-dir")
    {
        Description = "A spiking model's directory, written by `neurocore train snn --out DIR`.",
        Required = true,
    };
    internal readonly Option<string[]> Noise = new("--noise")
    {
        Description = "Also evaluate under noise: one or more KIND[:L1,L2,...] with KIND gaussian (σ), salt-pepper (p) or jitter " +
                      "(brightness/contrast strength s), e.g. --noise gaussian:0.1,0.2,0.3 salt-pepper:0.05,0.1 jitter; a kind without " +
                      "levels gets gaussian 0.1,0.2,0.3 / salt-pepper 0.05,0.1 / jitter 0.2,0.4.",
        AllowMultipleArgumentsPerToken = true,
    };
    internal readonly Option<ulong> NoiseSeed = new("--noise-seed")
    {
        Description = "Seed of the noise draws (same seed, same corrupted images).",
        DefaultValueFactory = _ => NeuroCore.Data.ImageNoise.DefaultSeed,
    };
    internal readonly Option<string?> EvalReport = new("--report") { Description = "Write the noise-robustness results to this JSON file (needs --noise)." };
    internal readonly Option<int> Sample = new("--sample")
    {
        Description = "Index of the test-set sample to run through the model [default: 0].",
        DefaultValueFactory = _ => 0,
    };

    // plot
    internal readonly Option<string> CurvesReport = new("--report")
    {
        Description = "A JSON report written by `neurocore train ... --report FILE`.",
        Required = true,
    };
    internal readonly Option<string[]> GradFlowReports = new("--report")
    {
        Description = "One or more JSON reports written by `neurocore train celif --report FILE` (repeat --report to overlay runs).",
        Required = true,
    };
    internal readonly Option<string[]> CapacityReports = new("--report")
    {
        Description = "Delayed-recall reports written by `neurocore train celif --task recall --report FILE` (several after one --report, e.g. a shell glob, or repeat it).",
        Required = true,
        AllowMultipleArgumentsPerToken = true,
    };
    internal readonly Option<string> PlotOut = new("--out") { Description = "The PNG file to write.", Required = true };
    internal readonly Option<int> Width = new("--width") { Description = "Image width in pixels [default: 1200].", DefaultValueFactory = _ => 1200 };
    internal readonly Option<int> Height = new("--height") { Description = "Image height in pixels [default: 500 for curves, 250 per layer for rasters].", };

    public CliApp(CliConsole console)
    {
        _console = console;
        Schedule.AcceptOnlyFromAmong([.. TrainingRecipe.Schedules]);
        Encoding.AcceptOnlyFromAmong("rate", "direct", "latency");
        Readout.AcceptOnlyFromAmong(TrainSnnSettings.ReadoutNames);
        Embedding.AcceptOnlyFromAmong(TrainCelifSettings.EmbeddingNames);
        DecayBoundOption.AcceptOnlyFromAmong(TrainCelifSettings.DecayBoundNames);
        ResetMode.AcceptOnlyFromAmong("soft", "hard");
        Require(LearningRate, "a positive finite number", v => v > 0 && double.IsFinite(v));
        Require(ClipGradNorm, "a positive finite number", v => v > 0 && double.IsFinite(v));
        Require(Threads, "between 1 and 1024", v => v is >= 1 and <= 1024);
        Resume.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<bool>() && r.Parent?.GetResult(Out) is null)
                r.AddError("--resume needs --out DIR: the directory whose latest checkpoint to continue from.");
        });
        Surrogate.Validators.Add(r =>
        {
            if (LastToken(r) is { } text && !SurrogateSpec.TryParse(text, out _, out string? error)) r.AddError("--surrogate: " + error);
        });
        Hidden.Validators.Add(r =>
        {
            if (LastToken(r) is { } text && !TrainSnnSettings.TryParseHidden(text, out _)) r.AddError(
                $"--hidden must be one or more positive layer widths separated by commas, e.g. 512 or 800,400 (got '{text}').");
        });
        Require(Beta, "in (0, 1]", v => v is > 0 and <= 1);
        Require(Threshold, "a finite number > 0", v => v > 0 && double.IsFinite(v));
        Require(Rho, "in [0, 1]", v => v is >= 0 and <= 1);
        Require(Kappa, "a finite number ≥ 0", v => v >= 0 && double.IsFinite(v));
        Require(RateReg, "a finite number ≥ 0", v => v >= 0 && double.IsFinite(v));
        Require(TargetRate, "in (0, 1)", v => v is > 0 and < 1);
        Require(Sample, "0 or more", v => v >= 0);
        Require(Tau, "a finite number > 0", v => v > 0 && double.IsFinite(v));
        Require(Alpha, "in [0, 1]", v => v is >= 0 and <= 1);
        Require(FeatureBeta, "a finite number ≥ 0", v => v >= 0 && double.IsFinite(v));
        Noise.Validators.Add(r =>
        {
            try
            {
                NeuroCore.Data.NoiseCondition.Parse(r.Tokens.Select(t => t.Value));
            }
            catch (FormatException e)
            {
                r.AddError("--noise: " + e.Message);
            }
        });
        Require(Width, "between 100 and 10000 pixels", v => v is >= 100 and <= 10000);
        Require(Height, "between 100 and 10000 pixels", v => v is >= 100 and <= 10000);
    }

    /// <summary>Builds the root command with every subcommand wired to its action.</summary>
    public RootCommand BuildRootCommand()
    {
        var ann = new Command("ann", "Train an ordinary (non-spiking) network with backpropagation.") { Model };
        AddTrainOptions(ann);
        ann.SetAction(parse => TrainAnnCommand.Run(ReadTrainAnn(parse), _console));

        var snn = new Command("snn", "Train a spiking network with surrogate-gradient backpropagation through time.")
        {
            SnnModel, Neuron, Surrogate, Steps, Encoding, Beta, Threshold, Rho, Kappa, Readout, Hidden, RateReg, TargetRate, ResetMode,
            DetachReset, LearnBeta, LearnThreshold,
        };
        AddTrainOptions(snn);
        snn.SetAction(parse => TrainSnnCommand.Run(ReadTrainSnn(parse), _console));
        var celif = new Command("celif", "Train a feedforward spiking network (LIF, ALIF or CE-LIF) on a sequence task, with the gradient-flow diagnostic.")
        {
            Task, SeqNeuron, Embedding, DecayBoundOption, Delay, SeqHidden, NoEqualParameters,
        };
        AddTrainOptions(celif);
        celif.SetAction(parse => TrainCelifCommand.Run(ReadTrainCelif(parse), _console));
        var kd = new Command("kd", "Distil a trained ANN teacher into a spiking student (KDSNN: response and/or feature knowledge distillation).")
        {
            Teacher, Student, Steps, KdMode, Tau, Alpha, FeatureBeta, FeatureLayer, StudentLayer,
        };
        AddTrainOptions(kd);
        kd.SetAction(parse => TrainKdCommand.Run(ReadTrainKd(parse), _console));
        var train = new Command("train", "Train a model.") { ann, snn, celif, kd, BuildTrainEsl() };

        var eval = new Command("eval", "Rebuild a trained model (spiking or not) from its directory and report its test accuracy.")
        {
            ModelDir, Data, DataDir, Threads, LimitTest, Noise, NoiseSeed, EvalReport,
        };
        eval.SetAction(parse => EvalCommand.Run(
            parse.GetRequiredValue(ModelDir), parse.GetValue(Data)!, parse.GetValue(DataDir), parse.GetValue(Threads),
            parse.GetValue(LimitTest), _console, parse.GetValue(Noise), parse.GetValue(NoiseSeed), parse.GetValue(EvalReport)));

        var curves = new Command("curves", "Plot loss and accuracy per epoch (train and test) from a training report.")
        {
            CurvesReport, PlotOut, Width, Height,
        };
        curves.SetAction(parse => PlotCommand.Curves(parse.GetRequiredValue(CurvesReport), parse.GetRequiredValue(PlotOut),
            parse.GetValue(Width), parse.GetValue(Height), _console));
        var raster = new Command("raster", "Plot the spikes of every spiking layer (time × neuron) for one test sample.")
        {
            RasterModel, Sample, Data, DataDir, PlotOut, Width, Height,
        };
        raster.SetAction(parse => PlotCommand.Raster(parse.GetRequiredValue(RasterModel), parse.GetValue(Sample), parse.GetValue(Data)!,
            parse.GetValue(DataDir), parse.GetRequiredValue(PlotOut), parse.GetValue(Width), parse.GetValue(Height), _console));
        var gradFlow = new Command("grad-flow", "Plot the gradient norm ‖∂L/∂I_t‖ against t from train celif reports (before and after training).")
        {
            GradFlowReports, PlotOut, Width, Height,
        };
        gradFlow.SetAction(parse => PlotCommand.GradFlow(parse.GetRequiredValue(GradFlowReports), parse.GetRequiredValue(PlotOut),
            parse.GetValue(Width), parse.GetValue(Height), _console));
        var capacity = new Command("capacity", "Plot delayed-recall test accuracy against the delay per neuron (seeds as points, mean as a line) and print each seed's memory capacity.")
        {
            CapacityReports, PlotOut, Width, Height,
        };
        capacity.SetAction(parse => PlotCommand.Capacity(parse.GetRequiredValue(CapacityReports), parse.GetRequiredValue(PlotOut),
            parse.GetValue(Width), parse.GetValue(Height), _console));
        var plot = new Command("plot", "Draw PNG figures of a run.") { curves, raster, gradFlow, capacity };

        var info = new Command("info", "Print the version, the active SIMD widths and the thread count.");
        info.SetAction(_ => InfoCommand.Run(_console));

        return new RootCommand("NeuroCore: spiking and ordinary neural networks in pure managed C#.") { train, eval, plot, info };
    }

    void AddTrainOptions(Command command)
    {
        foreach (Option option in (Option[])[Data, DataDir, Epochs, BatchSize, LearningRate, Optimizer, Schedule, Seed, Threads, Out,
                     Report, Resume, LimitTrain, LimitTest, ClipGradNorm])
            command.Options.Add(option);
    }

    /// <summary>Reads the <c>train ann</c> options out of a parse result.</summary>
    internal TrainAnnSettings ReadTrainAnn(ParseResult parse) => ReadTrain(parse, new TrainAnnSettings { Model = parse.GetValue(Model)! });

    /// <summary>Reads the <c>train snn</c> options out of a parse result.</summary>
    internal TrainSnnSettings ReadTrainSnn(ParseResult parse) => ReadTrain(parse, new TrainSnnSettings
    {
        Model = parse.GetValue(SnnModel)!,
        Neuron = parse.GetValue(Neuron)!,
        Surrogate = parse.GetValue(Surrogate),
        Steps = parse.GetValue(Steps),
        Encoding = parse.GetValue(Encoding),
        Beta = parse.GetValue(Beta),
        Threshold = parse.GetValue(Threshold),
        Rho = parse.GetValue(Rho),
        Kappa = parse.GetValue(Kappa),
        Readout = parse.GetValue(Readout),
        Hidden = parse.GetValue(Hidden),
        RateRegularization = parse.GetValue(RateReg),
        TargetRate = parse.GetValue(TargetRate),
        Reset = parse.GetValue(ResetMode),
        DetachReset = parse.GetValue(DetachReset),
        LearnBeta = parse.GetValue(LearnBeta),
        LearnThreshold = parse.GetValue(LearnThreshold),
    });

    /// <summary>Reads the <c>train celif</c> options out of a parse result.</summary>
    internal TrainCelifSettings ReadTrainCelif(ParseResult parse) => ReadTrain(parse, new TrainCelifSettings
    {
        Task = parse.GetValue(Task)!,
        Neuron = parse.GetValue(SeqNeuron)!,
        Embedding = parse.GetValue(Embedding),
        Delay = parse.GetValue(Delay),
        Hidden = parse.GetValue(SeqHidden),
        NoEqualParameters = parse.GetValue(NoEqualParameters),
        DecayBoundName = parse.GetValue(DecayBoundOption),
    });

    /// <summary>Reads the <c>train kd</c> options out of a parse result.</summary>
    internal TrainKdSettings ReadTrainKd(ParseResult parse) => ReadTrain(parse, new TrainKdSettings
    {
        Teacher = parse.GetRequiredValue(Teacher),
        Student = parse.GetValue(Student)!,
        Steps = parse.GetValue(Steps),
        Mode = parse.GetValue(KdMode)!,
        Temperature = parse.GetValue(Tau),
        Alpha = parse.GetValue(Alpha),
        FeatureBeta = parse.GetValue(FeatureBeta),
        FeatureLayer = parse.GetValue(FeatureLayer),
        StudentLayer = parse.GetValue(StudentLayer),
    });

    /// <summary>Fills the options every train command shares into <paramref name="settings"/>.</summary>
    T ReadTrain<T>(ParseResult parse, T settings) where T : TrainSettings => settings with
    {
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
        ClipGradNorm = parse.GetValue(ClipGradNorm),
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
        Require(option, "at least 1", v => v >= 1);
        return option;
    }

    /// <summary>
    /// Adds a range check to a numeric option: a value that parses but fails <paramref name="valid"/> is a parse error
    /// "NAME must be REQUIREMENT (got TEXT)". NaN fails every check (all comparisons with it are false).
    /// </summary>
    static void Require(Option option, string requirement, Func<double, bool> valid) =>
        option.Validators.Add(r =>
        {
            if (LastToken(r) is { } text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && !valid(v))
                r.AddError($"{option.Name} must be {requirement} (got {text}).");
        });

    /// <summary>
    /// The option's raw value, or null when absent. Validators read the token rather than the typed value because
    /// System.CommandLine runs them even when conversion failed (it reports that error itself).
    /// </summary>
    static string? LastToken(OptionResult r) => r.Tokens.Count == 0 ? null : r.Tokens[^1].Value;
}
