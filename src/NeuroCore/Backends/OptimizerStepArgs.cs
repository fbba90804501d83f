namespace NeuroCore.Backends;

/// <summary>Hyper-parameters of one fused optimizer update (fields an optimizer does not use are ignored).</summary>
/// <param name="Kind">Which update.</param>
/// <param name="LearningRate">η.</param>
/// <param name="WeightDecay">λ (L2 for SGD and Adam, decoupled for AdamW).</param>
/// <param name="Momentum">SGD momentum μ.</param>
/// <param name="Dampening">SGD dampening τ.</param>
/// <param name="Nesterov">SGD Nesterov momentum.</param>
/// <param name="Beta1">Adam β₁.</param>
/// <param name="Beta2">Adam β₂.</param>
/// <param name="Eps">Adam ε.</param>
/// <param name="Step">The 1-based step number (SGD treats step 1 as the buffer-initialising first step).</param>
public readonly record struct OptimizerStepArgs(
    OptimizerKind Kind, float LearningRate, float WeightDecay = 0f, float Momentum = 0f, float Dampening = 0f,
    bool Nesterov = false, float Beta1 = 0.9f, float Beta2 = 0.999f, float Eps = 1e-8f, int Step = 1);
