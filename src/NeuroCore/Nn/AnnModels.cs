using NeuroCore.Checkpoints;

namespace NeuroCore.Nn;

/// <summary>
/// Ready-made ordinary (non-spiking) networks, each built from a <see cref="ModelDescription"/> so the same code rebuilds
/// a saved model from its JSON (<see cref="Build"/>) without knowing the architecture in advance.
/// </summary>
public static class AnnModels
{
    /// <summary>The description of a one-hidden-layer perceptron: flatten, fc1 (inputs→hidden), ReLU, fc2 (hidden→classes).</summary>
    public static ModelDescription MlpDescription(int inputs = 784, int hidden = 512, int classes = 10) => new()
    {
        Architecture = "mlp",
        InputShape = inputs == 784 ? [1, 28, 28] : [inputs],
        Classes = classes,
        Layers =
        [
            new LayerDescription { Type = "flatten", Name = "flatten" },
            new LayerDescription { Type = "linear", Name = "fc1", In = inputs, Out = hidden, Bias = true },
            new LayerDescription { Type = "relu", Name = "relu1" },
            new LayerDescription { Type = "linear", Name = "fc2", In = hidden, Out = classes, Bias = true },
        ],
    };

    /// <summary>A 784-512-10 style MLP: parameters "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias" in <paramref name="store"/>.</summary>
    public static Sequential Mlp(ParameterStore store, int inputs, int hidden, int classes, ulong seed) =>
        Build(store, MlpDescription(inputs, hidden, classes), seed);

    /// <summary>
    /// The description of a small CNN for 1×28×28 images: conv1 (1→32, 3×3, pad 1), BN, ReLU, max-pool 2, conv2 (32→64,
    /// 3×3, pad 1), BN, ReLU, max-pool 2, flatten, fc1 (3136→128), ReLU, dropout, fc2 (128→classes).
    /// </summary>
    public static ModelDescription SmallCnnDescription(int classes = 10, float dropout = 0.25f, int channels = 1, int size = 28)
    {
        if (size % 4 != 0 || size < 4)
            throw new ArgumentOutOfRangeException(nameof(size), size, "AnnModels.SmallCnn: the image size must be a positive multiple of 4 (two 2×2 poolings).");
        int flat = 64 * (size / 4) * (size / 4);
        return new ModelDescription
        {
            Architecture = "small-cnn",
            InputShape = [channels, size, size],
            Classes = classes,
            Layers =
            [
                new LayerDescription { Type = "conv2d", Name = "conv1", In = channels, Out = 32, Kernel = 3, Stride = 1, Padding = 1, Bias = true },
                new LayerDescription { Type = "batchnorm2d", Name = "bn1", In = 32, Momentum = 0.1f, Eps = 1e-5f },
                new LayerDescription { Type = "relu", Name = "relu1" },
                new LayerDescription { Type = "maxpool2d", Name = "pool1", Kernel = 2, Stride = 2, Padding = 0 },
                new LayerDescription { Type = "conv2d", Name = "conv2", In = 32, Out = 64, Kernel = 3, Stride = 1, Padding = 1, Bias = true },
                new LayerDescription { Type = "batchnorm2d", Name = "bn2", In = 64, Momentum = 0.1f, Eps = 1e-5f },
                new LayerDescription { Type = "relu", Name = "relu2" },
                new LayerDescription { Type = "maxpool2d", Name = "pool2", Kernel = 2, Stride = 2, Padding = 0 },
                new LayerDescription { Type = "flatten", Name = "flatten" },
                new LayerDescription { Type = "linear", Name = "fc1", In = flat, Out = 128, Bias = true },
                new LayerDescription { Type = "relu", Name = "relu3" },
                new LayerDescription { Type = "dropout", Name = "dropout", P = dropout },
                new LayerDescription { Type = "linear", Name = "fc2", In = 128, Out = classes, Bias = true },
            ],
        };
    }

    /// <summary>The small CNN of <see cref="SmallCnnDescription"/> for 1×28×28 inputs and 10 classes.</summary>
    public static Sequential SmallCnn(ParameterStore store, ulong seed, int classes = 10) => Build(store, SmallCnnDescription(classes), seed);

    /// <summary>
    /// Builds the layers of <paramref name="description"/> in order, adding their parameters to <paramref name="store"/>
    /// initialised from <paramref name="seed"/> (load a checkpoint afterwards to restore trained values).
    /// </summary>
    /// <exception cref="ArgumentException">A layer has an unknown type or lacks a field its type needs.</exception>
    public static Sequential Build(ParameterStore store, ModelDescription description, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(description);
        var layers = new IModule[description.Layers.Count];
        for (int i = 0; i < layers.Length; i++)
            layers[i] = BuildLayer(store, description.Layers[i], i, seed);
        return new Sequential(description.Architecture, layers) { Description = description };
    }

    static IModule BuildLayer(ParameterStore store, LayerDescription d, int index, ulong seed)
    {
        string name = string.IsNullOrEmpty(d.Name) ? $"{d.Type}{index}" : d.Name;
        int Need(int? value, string field) => value ?? throw new ArgumentException(
            $"AnnModels.Build: layer {index} ('{name}', type \"{d.Type}\") lacks \"{field}\".", nameof(d));
        return d.Type switch
        {
            "linear" => new Linear(store, name, Need(d.In, "in"), Need(d.Out, "out"), seed, d.Bias ?? true),
            "conv2d" => new Conv2d(store, name, Need(d.In, "in"), Need(d.Out, "out"), Need(d.Kernel, "kernel"), seed, d.Stride ?? 1, d.Padding ?? 0, d.Bias ?? true),
            "batchnorm1d" => new BatchNorm1d(store, name, Need(d.In, "in"), d.Momentum ?? 0.1f, d.Eps ?? 1e-5f),
            "batchnorm2d" => new BatchNorm2d(store, name, Need(d.In, "in"), d.Momentum ?? 0.1f, d.Eps ?? 1e-5f),
            "maxpool2d" => new MaxPool2d(Need(d.Kernel, "kernel"), d.Stride, d.Padding ?? 0, name),
            "avgpool2d" => new AvgPool2d(Need(d.Kernel, "kernel"), d.Stride, d.Padding ?? 0, name),
            "relu" => new ReLU(name),
            "flatten" => new Flatten(name),
            "dropout" => new Dropout(d.P ?? 0.5f, seed, name),
            _ => throw new ArgumentException(
                $"AnnModels.Build: layer {index} ('{name}') has unknown type \"{d.Type}\"; expected linear, conv2d, batchnorm1d, batchnorm2d, maxpool2d, avgpool2d, relu, flatten or dropout.", nameof(d)),
        };
    }
}
