using NeuroCore.Nn;

namespace NeuroCore.Training;

/// <summary>
/// The optimizer, learning rate and schedule of a run, by name, as the command line gives them; every method builds
/// its optimizer and schedule through this one place.
/// </summary>
public sealed record TrainingRecipe
{
    /// <summary>The optimizer names <see cref="CreateOptimizer"/> accepts.</summary>
    public static IReadOnlyList<string> Optimizers { get; } = ["adam", "adamw", "sgd"];

    /// <summary>The schedule names <see cref="CreateSchedule"/> accepts.</summary>
    public static IReadOnlyList<string> Schedules { get; } = ["constant", "cosine"];

    /// <summary>adam, adamw (weight decay 0.01) or sgd (momentum 0.9). Default adam.</summary>
    public string Optimizer { get; init; } = "adam";

    /// <summary>The initial (peak) learning rate. Default 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>constant, or cosine (annealed to zero over every step of the run). Default constant.</summary>
    public string Schedule { get; init; } = "constant";

    /// <summary>The customary learning rate of <paramref name="optimizer"/>: 1e-3 for Adam and AdamW (PyTorch's default), 0.05 for SGD with momentum.</summary>
    public static double DefaultLearningRate(string optimizer) => optimizer == "sgd" ? 0.05 : 1e-3;

    /// <summary>Adam and AdamW with PyTorch defaults (AdamW weight decay 0.01), SGD with momentum 0.9, over <paramref name="store"/>.</summary>
    /// <exception cref="ArgumentException">The optimizer name or the learning rate is invalid.</exception>
    public IOptimizer CreateOptimizer(ParameterStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (!(LearningRate > 0 && double.IsFinite(LearningRate)))
            throw new ArgumentException($"The learning rate must be a positive finite number (got {LearningRate}).");
        float lr = (float)LearningRate;
        return Optimizer switch
        {
            "adam" => new Adam(store, lr),
            "adamw" => new AdamW(store, lr),
            "sgd" => new Sgd(store, lr, momentum: 0.9f),
            _ => throw new ArgumentException($"Unknown optimizer '{Optimizer}': expected {string.Join(", ", Optimizers)}."),
        };
    }

    /// <summary>
    /// The schedule over <paramref name="optimizer"/>, stepped per batch by the trainer: none for "constant"; for
    /// "cosine", PyTorch's CosineAnnealingLR over all <paramref name="epochs"/> × <paramref name="stepsPerEpoch"/>
    /// steps down to zero.
    /// </summary>
    /// <exception cref="ArgumentException">The schedule name is unknown.</exception>
    public ILrSchedule? CreateSchedule(IOptimizer optimizer, int epochs, int stepsPerEpoch) => Schedule switch
    {
        "constant" => null,
        "cosine" => new CosineLr(optimizer, totalSteps: epochs * stepsPerEpoch),
        _ => throw new ArgumentException($"Unknown schedule '{Schedule}': expected {string.Join(", ", Schedules)}."),
    };
}
