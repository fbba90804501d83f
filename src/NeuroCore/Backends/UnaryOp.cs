namespace NeuroCore.Backends;

/// <summary>Elementwise unary operations, <c>y[i] = f(x[i])</c>.</summary>
public enum UnaryOp
{
    /// <summary>max(x, 0).</summary>
    Relu,

    /// <summary>1 / (1 + e^−x).</summary>
    Sigmoid,

    /// <summary>tanh(x).</summary>
    Tanh,

    /// <summary>e^x.</summary>
    Exp,

    /// <summary>ln x.</summary>
    Log,
}
