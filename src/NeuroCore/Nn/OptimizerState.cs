namespace NeuroCore.Nn;

/// <summary>
/// An optimizer's resumable state: its kind, step count, learning rate and per-parameter buffers (each as long
/// as the store's <see cref="ParameterStore.Values"/>), keyed by PyTorch-like names ("momentum_buffer",
/// "exp_avg", "exp_avg_sq").
/// </summary>
public sealed class OptimizerState
{
    /// <summary>Creates a state record.</summary>
    public OptimizerState(string kind, int stepCount, float learningRate)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentOutOfRangeException.ThrowIfNegative(stepCount);
        Kind = kind;
        StepCount = stepCount;
        LearningRate = learningRate;
    }

    /// <summary>The optimizer kind ("sgd", "adam", "adamw").</summary>
    public string Kind { get; }

    /// <summary>Steps taken so far.</summary>
    public int StepCount { get; }

    /// <summary>The learning rate at the time of saving.</summary>
    public float LearningRate { get; }

    /// <summary>The per-parameter buffers by name.</summary>
    public Dictionary<string, float[]> Buffers { get; } = new(StringComparer.Ordinal);

    /// <summary>The buffer <paramref name="name"/>, checked to hold <paramref name="length"/> values.</summary>
    public float[] Require(string name, int length)
    {
        if (!Buffers.TryGetValue(name, out var buffer))
            throw new InvalidOperationException($"Optimizer state for '{Kind}' lacks buffer '{name}'; it was saved by a different optimizer.");
        if (buffer.Length != length)
            throw new InvalidOperationException($"Optimizer state buffer '{name}' holds {buffer.Length} values; the parameter store has {length}. Was it saved for a different model?");
        return buffer;
    }
}
