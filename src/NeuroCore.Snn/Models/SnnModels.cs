using System.Globalization;
using NeuroCore.Checkpoints;

namespace NeuroCore.Snn;

/// <summary>
/// Ready-made spiking classifiers, described by a <see cref="ModelDescription"/> whose <c>Metadata</c> carries the
/// <see cref="SnnModelOptions"/> ("snn.*" keys), so a saved model is rebuilt from its JSON alone:
/// <list type="bullet">
/// <item>"snn-mlp": encoder → SpikingLinear(in→h₁) → … → SpikingLinear(hₖ₋₁→hₖ) → readout (hₖ→classes).</item>
/// <item>"snn-conv": encoder → conv 1→c₁ (BN, neurons, 2×2 pool) → conv c₁→c₂ (BN, neurons, 2×2 pool) → flatten →
/// SpikingLinear(c₂·H/4·W/4 → h₁) → readout (h₁→classes); channels (c₁, c₂) = (32, 64) by default; with no hidden width
/// the readout reads the flattened spikes (c₂·H/4·W/4 → classes).</item>
/// </list>
/// </summary>
public static class SnnModels
{
    /// <summary>The architecture name of the spiking MLP.</summary>
    public const string MlpArchitecture = "snn-mlp";

    /// <summary>The architecture name of the convolutional SNN.</summary>
    public const string ConvArchitecture = "snn-conv";

    const string P = "snn.";

    /// <summary>
    /// The recommended options of an architecture ("mlp" or "conv"): the MLP with snnTorch's tutorial neuron (T = 25,
    /// β = 0.9, fast sigmoid k = 25, 784-512-10, mean-membrane readout) fed by direct coding; the conv SNN as in
    /// SpikingJelly's Fashion-MNIST example (direct coding, T = 4, β = 0.5, conv-BN-LIF-pool blocks, a 128-neuron
    /// hidden layer). The README gives the reasons and the accuracy measured with them.
    /// </summary>
    /// <exception cref="ArgumentException">The architecture is unknown.</exception>
    public static SnnModelOptions DefaultOptions(string architecture) => architecture switch
    {
        "mlp" or MlpArchitecture => new SnnModelOptions(),
        "conv" or ConvArchitecture => new SnnModelOptions
        {
            Architecture = "conv", Steps = 4, Encoding = SpikeEncoding.Direct, Beta = 0.5f, Hidden = [128],
        },
        _ => throw new ArgumentException($"SnnModels: unknown architecture '{architecture}'; expected mlp or conv.", nameof(architecture)),
    };

    /// <summary>
    /// The description of the classifier <paramref name="options"/> define for samples of <paramref name="inputShape"/>
    /// (without the batch axis: [features] or [C, H, W]) and <paramref name="classes"/> classes.
    /// </summary>
    /// <exception cref="ArgumentException">An option is out of range or does not fit the input shape.</exception>
    public static ModelDescription Describe(SnnModelOptions options, int[] inputShape, int classes)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(inputShape);
        Validate(options);
        if (classes < 1) throw new ArgumentOutOfRangeException(nameof(classes), classes, "SnnModels: classes must be ≥ 1.");
        if (inputShape.Length == 0 || inputShape.Any(d => d < 1))
            throw new ArgumentException($"SnnModels: input shape [{string.Join(", ", inputShape)}] must be non-empty with positive dimensions.", nameof(inputShape));
        bool conv = options.Architecture == "conv";
        var layers = new List<LayerDescription>();
        if (conv)
        {
            if (inputShape.Length != 3 || inputShape[1] % 4 != 0 || inputShape[2] % 4 != 0)
                throw new ArgumentException($"SnnModels: snn-conv needs images [C, H, W] with H and W multiples of 4 (two 2×2 pools); got [{string.Join(", ", inputShape)}].", nameof(inputShape));
            int c = inputShape[0], h = inputShape[1], w = inputShape[2];
            int c1 = options.Channels[0], c2 = options.Channels[1];
            layers.Add(Conv("conv1", c, c1));
            layers.Add(new LayerDescription { Type = "batchnorm2d", Name = "conv1.bn", In = c1, Momentum = 0.1f, Eps = 1e-5f });
            layers.Add(new LayerDescription { Type = "maxpool2d", Name = "pool1", Kernel = 2, Stride = 2, Padding = 0 });
            layers.Add(Conv("conv2", c1, c2));
            layers.Add(new LayerDescription { Type = "batchnorm2d", Name = "conv2.bn", In = c2, Momentum = 0.1f, Eps = 1e-5f });
            layers.Add(new LayerDescription { Type = "maxpool2d", Name = "pool2", Kernel = 2, Stride = 2, Padding = 0 });
            layers.Add(new LayerDescription { Type = "flatten", Name = "flatten" });
            if (options.Hidden.Count > 0)
                layers.Add(new LayerDescription { Type = "spiking-linear", Name = "fc1", In = c2 * (h / 4) * (w / 4), Out = options.Hidden[0], Bias = true });
        }
        else
        {
            int inF = inputShape.Aggregate(1, (a, d) => a * d);
            for (int i = 0; i < options.Hidden.Count; i++)
            {
                layers.Add(new LayerDescription { Type = "spiking-linear", Name = $"fc{i + 1}", In = inF, Out = options.Hidden[i], Bias = true });
                inF = options.Hidden[i];
            }
        }
        int readoutIn = !conv ? options.Hidden[^1]
            : options.Hidden.Count > 0 ? options.Hidden[0] : options.Channels[1] * (inputShape[1] / 4) * (inputShape[2] / 4);
        layers.Add(new LayerDescription { Type = "readout", Name = "readout", In = readoutIn, Out = classes, Bias = true });
        return new ModelDescription
        {
            Architecture = conv ? ConvArchitecture : MlpArchitecture,
            InputShape = (int[])inputShape.Clone(),
            Classes = classes,
            Layers = layers,
            Metadata = ToMetadata(options),
        };

        static LayerDescription Conv(string name, int i, int o) =>
            new() { Type = "spiking-conv2d", Name = name, In = i, Out = o, Kernel = 3, Stride = 1, Padding = 1, Bias = true };
    }

    /// <summary>The options stored in <paramref name="description"/>'s metadata (missing keys keep their defaults).</summary>
    /// <exception cref="ArgumentException">The description is not a spiking model, or a value cannot be read.</exception>
    public static SnnModelOptions OptionsOf(ModelDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        string arch = description.Architecture switch
        {
            MlpArchitecture => "mlp",
            ConvArchitecture => "conv",
            _ => throw new ArgumentException($"SnnModels: architecture '{description.Architecture}' is not a spiking model; expected {MlpArchitecture} or {ConvArchitecture}.", nameof(description)),
        };
        var m = description.Metadata ?? [];
        var o = DefaultOptions(arch);
        string? Get(string key) => m.TryGetValue(P + key, out var v) ? v : null;
        T Read<T>(string key, T fallback, Func<string, (bool Ok, T Value)> parse)
        {
            if (Get(key) is not { } text) return fallback;
            var (ok, value) = parse(text);
            return ok ? value : throw new ArgumentException($"SnnModels: metadata '{P}{key}' = '{text}' cannot be read.", nameof(description));
        }
        static (bool, float) F(string s) => (float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out float v), v);
        static (bool, int) I(string s) => (int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v), v);
        static (bool, bool) B(string s) => (bool.TryParse(s, out bool v), v);
        static (bool, TEnum) E<TEnum>(string s) where TEnum : struct, Enum => (Enum.TryParse(s, ignoreCase: true, out TEnum v) && Enum.IsDefined(v), v);
        static (bool, SurrogateSpec) S(string s) => (SurrogateSpec.TryParse(s, out var v, out _), v);
        static (bool, IReadOnlyList<int>) H(string s)
        {
            var parts = s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var list = new int[parts.Length];
            for (int i = 0; i < parts.Length; i++)
                if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out list[i])) return (false, []);
            return (true, list);   // an empty list is a conv model without a hidden layer; Validate rejects it for the MLP
        }
        o = o with
        {
            Neuron = Read("neuron", o.Neuron, E<NeuronKind>),
            Surrogate = Read("surrogate", o.Surrogate, S),
            Steps = Read("steps", o.Steps, I),
            Encoding = Read("encoding", o.Encoding, E<SpikeEncoding>),
            Beta = Read("beta", o.Beta, F),
            Threshold = Read("threshold", o.Threshold, F),
            Rho = Read("rho", o.Rho, F),
            Kappa = Read("kappa", o.Kappa, F),
            SoftReset = Read("soft-reset", o.SoftReset, B),
            DetachReset = Read("detach-reset", o.DetachReset, B),
            LearnBeta = Read("learn-beta", o.LearnBeta, B),
            LearnThreshold = Read("learn-threshold", o.LearnThreshold, B),
            Readout = Read("readout", o.Readout, E<ReadoutKind>),
            Hidden = Read("hidden", o.Hidden, H),
            Channels = Read("channels", o.Channels, H),
            RateRegularization = Read("rate-regularization", o.RateRegularization, F),
            TargetRate = Read("target-rate", o.TargetRate, F),
        };
        Validate(o);
        return o;
    }

    /// <summary>
    /// Builds the classifier of <paramref name="description"/>, adding its parameters (and buffers) to
    /// <paramref name="store"/> initialised from <paramref name="seed"/>; load a checkpoint afterwards to restore trained values.
    /// </summary>
    /// <exception cref="ArgumentException">The description is not one <see cref="Describe"/> writes.</exception>
    public static ISpikingModel Build(ParameterStore store, ModelDescription description, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(description);
        var options = OptionsOf(description);
        var expected = Describe(options, description.InputShape, description.Classes);
        if (expected.Layers.Count != description.Layers.Count)
            throw new ArgumentException($"SnnModels.Build: the description lists {description.Layers.Count} layers; options {Summary(options)} give {expected.Layers.Count}.", nameof(description));
        for (int i = 0; i < expected.Layers.Count; i++)
        {
            LayerDescription e = expected.Layers[i], d = description.Layers[i];
            if (e.Type != d.Type || e.Name != d.Name || e.In != d.In || e.Out != d.Out)
                throw new ArgumentException(
                    $"SnnModels.Build: layer {i} is \"{d.Type}\" '{d.Name}' ({d.In}→{d.Out}) but the options give \"{e.Type}\" '{e.Name}' ({e.In}→{e.Out}).", nameof(description));
        }
        return new SpikingClassifier(store, description, options, seed);
    }

    static Dictionary<string, string> ToMetadata(SnnModelOptions o)
    {
        static string F(float v) => v.ToString("R", CultureInfo.InvariantCulture);
        static string B(bool v) => v ? "true" : "false";
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [P + "neuron"] = o.Neuron.ToString(),
            [P + "surrogate"] = o.Surrogate.ToString(),
            [P + "steps"] = o.Steps.ToString(CultureInfo.InvariantCulture),
            [P + "encoding"] = o.Encoding.ToString(),
            [P + "beta"] = F(o.Beta),
            [P + "threshold"] = F(o.Threshold),
            [P + "rho"] = F(o.Rho),
            [P + "kappa"] = F(o.Kappa),
            [P + "soft-reset"] = B(o.SoftReset),
            [P + "detach-reset"] = B(o.DetachReset),
            [P + "learn-beta"] = B(o.LearnBeta),
            [P + "learn-threshold"] = B(o.LearnThreshold),
            [P + "readout"] = o.Readout.ToString(),
            [P + "hidden"] = string.Join(",", o.Hidden.Select(h => h.ToString(CultureInfo.InvariantCulture))),
            [P + "rate-regularization"] = F(o.RateRegularization),
            [P + "target-rate"] = F(o.TargetRate),
        };
        // Written for the conv model only, so the descriptions of every other model stay as they were.
        if (o.Architecture == "conv") metadata[P + "channels"] = string.Join(",", o.Channels.Select(c => c.ToString(CultureInfo.InvariantCulture)));
        return metadata;
    }

    static string Summary(SnnModelOptions o) =>
        o.Architecture == "conv"
            ? $"(conv, channels {string.Join("-", o.Channels)}, hidden {(o.Hidden.Count == 0 ? "none" : string.Join("-", o.Hidden))}, T = {o.Steps})"
            : $"({o.Architecture}, hidden {string.Join("-", o.Hidden)}, T = {o.Steps})";

    static void Validate(SnnModelOptions o)
    {
        string Bad(string what) => $"SnnModels: {what} {Summary(o)}.";
        if (o.Architecture is not ("mlp" or "conv")) throw new ArgumentException(Bad($"architecture '{o.Architecture}' is unknown; expected mlp or conv"), nameof(o));
        if (o.Steps < 1) throw new ArgumentException(Bad($"T = {o.Steps} must be ≥ 1"), nameof(o));
        if (!(o.Beta > 0f && o.Beta <= 1f)) throw new ArgumentException(Bad($"β = {o.Beta} must lie in (0, 1]"), nameof(o));
        if (!(o.Threshold > 0f) || !float.IsFinite(o.Threshold)) throw new ArgumentException(Bad($"θ = {o.Threshold} must be finite and > 0"), nameof(o));
        if (!(o.Rho >= 0f && o.Rho <= 1f)) throw new ArgumentException(Bad($"ρ = {o.Rho} must lie in [0, 1]"), nameof(o));
        if (!(o.Kappa >= 0f) || !float.IsFinite(o.Kappa)) throw new ArgumentException(Bad($"κ = {o.Kappa} must be finite and ≥ 0"), nameof(o));
        if (o.Hidden is null || (o.Hidden.Count == 0 && o.Architecture != "conv") || o.Hidden.Any(h => h < 1))
            throw new ArgumentException(Bad("the hidden widths must be a non-empty list of positive sizes (the conv model may have none)"), nameof(o));
        if (o.Channels is null || o.Channels.Count != 2 || o.Channels.Any(c => c < 1))
            throw new ArgumentException(Bad("the conv channels must be two positive sizes, e.g. 32,64"), nameof(o));
        if (!(o.RateRegularization >= 0f) || !float.IsFinite(o.RateRegularization)) throw new ArgumentException(Bad($"the rate regularisation {o.RateRegularization} must be finite and ≥ 0"), nameof(o));
        if (!(o.TargetRate >= 0f && o.TargetRate <= 1f)) throw new ArgumentException(Bad($"the target rate {o.TargetRate} must lie in [0, 1]"), nameof(o));
        if (!Enum.IsDefined(o.Encoding) || !Enum.IsDefined(o.Readout) || !Enum.IsDefined(o.Neuron)) throw new ArgumentException(Bad("an enum option is out of range"), nameof(o));
    }
}
