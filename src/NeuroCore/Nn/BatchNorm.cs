using NeuroCore.Autodiff;
using NeuroCore.Checkpoints;

namespace NeuroCore.Nn;

/// <summary>
/// Batch normalisation over channel dimension 1 (PyTorch <c>nn.BatchNorm1d</c>/<c>nn.BatchNorm2d</c>): γ "{name}.weight"
/// (ones) and β "{name}.bias" (zeros) are parameters; the running statistics "{name}.running_mean" (zeros) and
/// "{name}.running_var" (ones) are store buffers, saved with checkpoints. Training uses batch statistics and updates
/// the running ones; evaluation uses the running ones.
/// </summary>
public class BatchNorm : IDescribedModule
{
    readonly int _rankLow;
    readonly int _rankHigh;

    private protected BatchNorm(ParameterStore store, string name, int features, float momentum, float eps, int rankLow, int rankHigh)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(features);
        Name = name;
        Features = features;
        Momentum = momentum;
        Eps = eps;
        _rankLow = rankLow;
        _rankHigh = rankHigh;
        Gamma = store.Add(name + ".weight", new Shape(features));
        Gamma.Span.Fill(1f);
        Beta = store.Add(name + ".bias", new Shape(features));
        RunningMean = store.AddBuffer(name + ".running_mean", new Shape(features), 0f);
        RunningVar = store.AddBuffer(name + ".running_var", new Shape(features), 1f);
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public bool Training { get; set; } = true;

    /// <summary>The number of channels C.</summary>
    public int Features { get; }

    /// <summary>The running-statistics momentum.</summary>
    public float Momentum { get; }

    /// <summary>ε added to the variance.</summary>
    public float Eps { get; }

    /// <summary>γ [C].</summary>
    public Tensor Gamma { get; }

    /// <summary>β [C].</summary>
    public Tensor Beta { get; }

    /// <summary>The running mean [C] (a store buffer).</summary>
    public Tensor RunningMean { get; }

    /// <summary>The running variance [C] (a store buffer).</summary>
    public Tensor RunningVar { get; }

    /// <inheritdoc/>
    public Tensor Forward(Tape tape, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Shape.Rank < _rankLow || x.Shape.Rank > _rankHigh)
            throw new ArgumentException($"{GetType().Name} '{Name}': input {x.Shape} has rank {x.Shape.Rank}; expected rank {_rankLow}{(_rankHigh != _rankLow ? " to " + _rankHigh : "")}.", nameof(x));
        return Ops.BatchNorm(tape, x, Gamma, Beta, RunningMean.Span, RunningVar.Span, Training, Momentum, Eps);
    }

    /// <inheritdoc/>
    public LayerDescription Describe() => new()
    {
        Type = _rankHigh == 4 ? "batchnorm2d" : "batchnorm1d", Name = Name, In = Features, Momentum = Momentum, Eps = Eps,
    };
}
