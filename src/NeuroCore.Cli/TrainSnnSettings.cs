using System.Globalization;
using NeuroCore.Snn;
using NeuroCore.Training.Methods.SurrogateBptt;

namespace NeuroCore.Cli;

/// <summary>
/// The parsed options of <c>neurocore train snn</c>; a null option takes the model's default from
/// <see cref="SnnModels.DefaultOptions"/> (direct encoding; mlp: T = 25; conv: T = 4), and the
/// schedule is cosine for both.
/// </summary>
internal sealed record TrainSnnSettings : TrainSettings
{
    /// <summary>The <c>--readout</c> names, in <see cref="ReadoutKind"/> order.</summary>
    public static readonly string[] ReadoutNames = ["mean-membrane", "max-membrane", "spike-count"];

    /// <summary>mlp or conv.</summary>
    public string Model { get; init; } = "mlp";

    /// <summary>lif or alif.</summary>
    public string Neuron { get; init; } = "lif";

    public string? Surrogate { get; init; }
    public int? Steps { get; init; }
    public string? Encoding { get; init; }
    public float? Beta { get; init; }
    public float? Threshold { get; init; }
    public float? Rho { get; init; }
    public float? Kappa { get; init; }
    public string? Readout { get; init; }
    public string? Hidden { get; init; }
    public float? RateRegularization { get; init; }
    public float? TargetRate { get; init; }
    public string? Reset { get; init; }
    public bool DetachReset { get; init; }
    public bool LearnBeta { get; init; }
    public bool LearnThreshold { get; init; }

    /// <summary>Cosine annealing for both spiking models (see <see cref="SurrogateBptt.DefaultSchedule"/>).</summary>
    protected override string DefaultSchedule => SurrogateBptt.DefaultSchedule(Model);

    /// <summary>The model options in effect: the architecture's defaults with every given option applied.</summary>
    /// <exception cref="ArgumentException">An option value is invalid (the parser normally rejects it first).</exception>
    public SnnModelOptions ModelOptions
    {
        get
        {
            var o = SurrogateBptt.DefaultOptions(Model);
            return o with
            {
                Neuron = Neuron switch
                {
                    "lif" => NeuronKind.Lif,
                    "alif" => NeuronKind.Alif,
                    _ => throw new ArgumentException($"Unknown neuron '{Neuron}': expected lif or alif.", nameof(Neuron)),
                },
                Surrogate = Surrogate is null ? o.Surrogate : SurrogateSpec.Parse(Surrogate),
                Steps = Steps ?? o.Steps,
                Encoding = Encoding switch
                {
                    null => o.Encoding,
                    "rate" => SpikeEncoding.Rate,
                    "direct" => SpikeEncoding.Direct,
                    "latency" => SpikeEncoding.Latency,
                    _ => throw new ArgumentException($"Unknown encoding '{Encoding}': expected rate, direct or latency.", nameof(Encoding)),
                },
                Beta = Beta ?? o.Beta,
                Threshold = Threshold ?? o.Threshold,
                Rho = Rho ?? o.Rho,
                Kappa = Kappa ?? o.Kappa,
                Readout = Readout is null ? o.Readout
                    : Array.IndexOf(ReadoutNames, Readout) is var r and >= 0 ? (ReadoutKind)r
                    : throw new ArgumentException($"Unknown readout '{Readout}': expected {string.Join(", ", ReadoutNames)}.", nameof(Readout)),
                Hidden = Hidden is null ? o.Hidden
                    : TryParseHidden(Hidden, out var widths) ? widths
                    : throw new ArgumentException($"--hidden '{Hidden}' is not a comma-separated list of positive widths.", nameof(Hidden)),
                RateRegularization = RateRegularization ?? o.RateRegularization,
                TargetRate = TargetRate ?? o.TargetRate,
                SoftReset = Reset is null ? o.SoftReset : Reset == "soft",
                DetachReset = DetachReset || o.DetachReset,
                LearnBeta = LearnBeta || o.LearnBeta,
                LearnThreshold = LearnThreshold || o.LearnThreshold,
            };
        }
    }

    /// <summary>Parses "512" or "800,400" into layer widths (each ≥ 1).</summary>
    public static bool TryParseHidden(string text, out int[] widths)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        widths = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out int width) || width < 1) return false;
            widths[i] = width;
        }
        return true;
    }

    /// <summary>A one-line summary of the options for the run's header line.</summary>
    public static string Describe(SnnModelOptions o)
    {
        var c = CultureInfo.InvariantCulture;
        var parts = new List<string>
        {
            o.Neuron.ToString().ToLowerInvariant(),
            o.Surrogate.ToString(),
            string.Create(c, $"T={o.Steps}"),
            o.Encoding.ToString().ToLowerInvariant() + " encoding",
            string.Create(c, $"β={o.Beta:G3}, θ={o.Threshold:G3}") + (o.Neuron == NeuronKind.Alif ? string.Create(c, $", ρ={o.Rho:G3}, κ={o.Kappa:G3}") : ""),
            (o.SoftReset ? "soft" : "hard") + " reset",
            "readout " + ReadoutNames[(int)o.Readout],
        };
        if (o.Architecture == "mlp") parts.Add("hidden " + string.Join(",", o.Hidden));
        if (o.RateRegularization > 0) parts.Add(string.Create(c, $"rate-reg {o.RateRegularization:G3} to {o.TargetRate:G3}"));
        return " [" + string.Join(", ", parts) + "]";
    }
}
