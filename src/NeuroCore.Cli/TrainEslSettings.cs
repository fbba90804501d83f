using NeuroCore.Data;
using NeuroCore.Snn;
using NeuroCore.Training.Methods.Esl;

namespace NeuroCore.Cli;

/// <summary>The parsed options of <c>neurocore train esl</c>.</summary>
internal sealed record TrainEslSettings : TrainSettings
{
    public double? Density { get; init; }
    public bool Dense { get; init; }
    public bool Static { get; init; }
    public string Prune { get; init; } = "magnitude";
    public string Regrow { get; init; } = "random";
    public int? RewireEvery { get; init; }
    public double? Zeta { get; init; }
    public string ZetaSchedule { get; init; } = "cosine";
    public double? RewireStop { get; init; }
    public string? CacheDir { get; init; }
    public bool Masked { get; init; }

    /// <summary>The density in effect: 1 for --dense, else --density or 0.1.</summary>
    public double EffectiveDensity => Dense ? 1.0 : Density ?? 0.1;

    /// <summary>The arm in effect.</summary>
    public EslArm Arm => EffectiveDensity >= 1.0 ? EslArm.Dense : Static ? EslArm.Static : EslArm.Esl;

    /// <summary>Checks the combinations the parser cannot see; throws naming the fix.</summary>
    /// <exception cref="ArgumentException">A combination makes no sense or a value is out of range.</exception>
    public void Validate()
    {
        if (Dense && Density is { } d && d != 1.0)
            throw new ArgumentException($"--dense sets the density to 1 but --density {d} was also given; pass one of them.");
        MaskedWeight.CheckDensity(EffectiveDensity, "train esl --density");
        if (Static && Arm == EslArm.Dense)
            throw new ArgumentException("--static is the sparse arm without rewiring; it needs --density below 1 (drop --dense).");
        Rewiring().Validate();
    }

    /// <summary>The rewiring schedule from the options (its length is set by the method).</summary>
    public RewireSchedule Rewiring() => new()
    {
        Every = RewireEvery ?? 200,
        Zeta = (float)(Zeta ?? 0.3),
        Decay = ZetaSchedule == "constant" ? ZetaDecay.Constant : ZetaDecay.Cosine,
        StopFraction = RewireStop ?? 0.75,
    };

    /// <summary>The pruning rule.</summary>
    public PruneRule PruneRule => Prune == "set" ? PruneRule.Set : PruneRule.Magnitude;

    /// <summary>The growth rule.</summary>
    public GrowRule GrowRule => Regrow == "gradient" ? GrowRule.Gradient : GrowRule.Random;

    /// <summary>The network for the data set: the MLP for static images, the conv net for dvs-fmnist.</summary>
    public EslModelOptions ModelOptions(LabeledImageSet train) => (Data == "dvs-fmnist"
        ? EslModelOptions.Conv(EffectiveDensity, new DvsDatasetOptions().Steps, train.Width)
        : EslModelOptions.Mlp(EffectiveDensity) with { Height = train.Height, Width = train.Width }) with { CsrHidden = !Masked, CsrConv = !Masked };

    /// <summary>Loads the data: Fashion-MNIST, its cached event-camera form, or the built-in shapes.</summary>
    public (LabeledImageSet Train, LabeledImageSet Test, string Dataset) LoadData(IProgress<DvsBuildProgress>? progress)
    {
        if (Data == "dvs-fmnist")
        {
            var (train, test) = DvsFashionMnist.Load(DataDir, CacheDir ?? DvsFashionMnist.DefaultCacheDirectory(), null, LimitTrain, LimitTest, Threads, progress);
            return (train, test, DvsFashionMnist.Name);
        }
        var data = DataSelection.Load(Data, DataDir, LimitTrain, LimitTest);
        return (data.Train, data.Test, data.Dataset);
    }
}
