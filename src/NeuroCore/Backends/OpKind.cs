namespace NeuroCore.Backends;

/// <summary>The closed set of primitive operations a backend may implement; see <see cref="IBackend.Supports"/>.</summary>
public enum OpKind
{
    /// <summary>Elementwise unary map selected by <see cref="UnaryOp"/>.</summary>
    Map,

    /// <summary>Elementwise binary zip selected by <see cref="BinaryOp"/>.</summary>
    Zip,

    /// <summary>General matrix multiply (SGEMM semantics).</summary>
    MatMul,

    /// <summary>Row or column reductions selected by <see cref="ReduceOp"/>.</summary>
    Reduce,

    /// <summary>Row-wise softmax or log-softmax.</summary>
    Softmax,

    /// <summary>Convolution lowering: image to columns.</summary>
    Im2Col,

    /// <summary>Convolution lowering: columns added back into an image.</summary>
    Col2Im,

    /// <summary>A fused optimizer update selected by <see cref="OptimizerKind"/>.</summary>
    OptimizerStep,
}
