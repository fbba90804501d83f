namespace NeuroCore.Backends;

/// <summary>The fused optimizer updates a backend can run.</summary>
public enum OptimizerKind
{
    /// <summary>SGD with momentum, dampening, Nesterov and L2 decay (one state buffer: velocity).</summary>
    Sgd,

    /// <summary>Adam with L2 decay (two state buffers: m, v).</summary>
    Adam,

    /// <summary>AdamW with decoupled decay (two state buffers: m, v).</summary>
    AdamW,
}
