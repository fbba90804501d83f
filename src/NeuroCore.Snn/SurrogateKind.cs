namespace NeuroCore.Snn;

/// <summary>The surrogate-gradient shapes a spiking layer can use in place of the Heaviside derivative.</summary>
public enum SurrogateKind
{
    /// <summary>SuperSpike fast sigmoid, g(x) = 1/(1 + k|x|)² (snnTorch's <c>fast_sigmoid</c>).</summary>
    FastSigmoid,

    /// <summary>Arc-tangent (SpikingJelly's default).</summary>
    ATan,

    /// <summary>Derivative of the logistic sigmoid.</summary>
    Sigmoid,

    /// <summary>Triangle (piecewise linear).</summary>
    Triangle,

    /// <summary>Rectangular (straight-through inside a window).</summary>
    Rectangular,

    /// <summary>Gaussian bump.</summary>
    Gaussian,
}
