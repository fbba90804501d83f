using NeuroCore.Data;
using NeuroCore.Training.Methods.CeLif;

namespace NeuroCore.Cli;

/// <summary>
/// The parsed options of <c>neurocore train celif</c>: a sequence task, the hidden neuron (and CE-LIF's embedding),
/// the recall delay and the LIF-equivalent hidden width; the schedule is cosine.
/// </summary>
internal sealed record TrainCelifSettings : TrainSettings
{
    /// <summary>The <c>--neuron</c> names, in <see cref="SequenceNeuron"/> order.</summary>
    public static readonly string[] NeuronNames = ["lif", "alif", "celif"];

    /// <summary>The <c>--embedding</c> names, in <see cref="ContextEmbedding"/> order.</summary>
    public static readonly string[] EmbeddingNames = ["c1", "c2", "c3"];

    /// <summary>Training sequences generated for recall when --limit-train is not given.</summary>
    public const int DefaultRecallTrain = 4000;

    /// <summary>Test sequences generated for recall when --limit-test is not given.</summary>
    public const int DefaultRecallTest = 1000;

    /// <summary>The recall delay when --delay is not given.</summary>
    public const int DefaultDelay = 50;

    public string Task { get; init; } = "sfmnist-row";
    public string Neuron { get; init; } = "lif";
    public string? Embedding { get; init; }
    public int? Delay { get; init; }
    public int? Hidden { get; init; }
    public bool NoEqualParameters { get; init; }
    public string? DecayBoundName { get; init; }

    /// <summary>The <c>--decay-bound</c> names, in <see cref="NeuroCore.Snn.DecayBound"/> order.</summary>
    public static readonly string[] DecayBoundNames = ["none", "sigmoid"];

    /// <summary>The decay bound in effect (none when not given).</summary>
    public NeuroCore.Snn.DecayBound DecayBound =>
        DecayBoundName is null ? NeuroCore.Snn.DecayBound.None : (NeuroCore.Snn.DecayBound)Index(DecayBoundNames, DecayBoundName, "--decay-bound");

    protected override string DefaultSchedule => "cosine";

    /// <summary>The neuron in effect.</summary>
    public SequenceNeuron NeuronKind => (SequenceNeuron)Index(NeuronNames, Neuron, "--neuron");

    /// <summary>The embedding in effect (null when not given).</summary>
    public ContextEmbedding? EmbeddingKind => Embedding is null ? null : (ContextEmbedding)Index(EmbeddingNames, Embedding, "--embedding");

    /// <summary>The LIF-equivalent hidden width: --hidden, or the task's default.</summary>
    public int EffectiveHidden => Hidden ?? CeLifMethod.DefaultHidden(Task);

    /// <summary>Checks the combinations the parser cannot see; throws naming the fix.</summary>
    /// <exception cref="ArgumentException">A combination makes no sense.</exception>
    public void Validate()
    {
        _ = SequenceTasks.UsesImages(Task);
        if (Embedding is not null && NeuronKind != SequenceNeuron.CeLif)
            throw new ArgumentException($"--embedding {Embedding} only applies to CE-LIF neurons; add --neuron celif or drop --embedding.");
        if (DecayBoundName is not null && NeuronKind == SequenceNeuron.CeLif)
            throw new ArgumentException(
                $"--decay-bound {DecayBoundName} applies to --neuron lif|alif; CE-LIF's decays are always σ of a learnable logit. Drop --decay-bound.");
        if (Delay is { } d)
        {
            if (Task != "recall")
                throw new ArgumentException($"--delay {d} only applies to --task recall (the {Task} sequences have a fixed length); drop --delay or use --task recall.");
            DelayedRecall.CheckDelay(d);
        }
    }

    /// <summary>Loads or generates the task's train and test sequences; for image tasks also the data-set note.</summary>
    public (SequenceSet Train, SequenceSet Test, string Dataset, string? Note) LoadSequences()
    {
        Validate();
        if (Task == "recall")
        {
            int delay = Delay ?? DefaultDelay;
            var (train, test) = DelayedRecall.Generate(LimitTrain ?? DefaultRecallTrain, LimitTest ?? DefaultRecallTest, delay, Seed);
            return (train, test, $"delayed-recall(D={delay})", null);
        }
        var data = DataSelection.Load(Data, DataDir, LimitTrain, LimitTest);
        var (tr, te) = SequenceTasks.FromImages(Task, new DatasetSplit(data.Train, data.Test));
        return (tr, te, $"{data.Dataset}/{Task}", data.Note);
    }

    static int Index(string[] names, string value, string option)
    {
        int i = Array.IndexOf(names, value);
        return i >= 0 ? i : throw new ArgumentException($"Unknown {option} '{value}': expected {string.Join(", ", names)}.");
    }
}
