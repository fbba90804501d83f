namespace NeuroCore.Backends;

/// <summary>Elementwise binary operations, <c>z[i] = f(x[i], y[i])</c>.</summary>
public enum BinaryOp
{
    /// <summary>x + y.</summary>
    Add,

    /// <summary>x − y.</summary>
    Sub,

    /// <summary>x · y.</summary>
    Mul,

    /// <summary>x / y.</summary>
    Div,

    /// <summary>max(x, y).</summary>
    Max,

    /// <summary>min(x, y).</summary>
    Min,

    /// <summary>ReLU backward: x &gt; 0 ? dy : 0, with x the forward input and y = dy.</summary>
    ReluBackward,

    /// <summary>Sigmoid backward: dy·s·(1 − s), with x = s the forward output and y = dy.</summary>
    SigmoidBackward,

    /// <summary>Tanh backward: dy·(1 − t²), with x = t the forward output and y = dy.</summary>
    TanhBackward,
}
