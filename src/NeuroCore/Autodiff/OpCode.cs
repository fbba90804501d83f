namespace NeuroCore.Autodiff;

/// <summary>
/// What a <see cref="TapeEntry"/> records. <see cref="Tape.Backward(Tensor)"/> is one <c>switch</c> over this
/// code; each case calls the op's <c>XxxBackward</c>, which sits in the same <c>Ops/</c> file as its forward.
/// </summary>
public enum OpCode
{
    /// <summary>No op (an empty entry).</summary>
    None = 0,

    // Arithmetic with NumPy broadcasting (Ops/Arithmetic.cs).
    /// <summary><c>a + b</c>.</summary>
    Add,
    /// <summary><c>a − b</c>.</summary>
    Sub,
    /// <summary><c>a · b</c> (elementwise).</summary>
    Mul,
    /// <summary><c>a / b</c> (elementwise).</summary>
    Div,

    // Linear algebra (Ops/MatMul.cs).
    /// <summary>Matrix product with optional transposes, 2-D or batched 3-D.</summary>
    MatMul,
    /// <summary><c>x·Wᵀ + b</c>.</summary>
    Linear,

    // Reductions (Ops/Reductions.cs).
    /// <summary>Sum over all elements or one axis.</summary>
    Sum,
    /// <summary>Mean over all elements or one axis.</summary>
    Mean,

    // Layout (Ops/Layout.cs).
    /// <summary>Same elements, new shape (a view).</summary>
    Reshape,
    /// <summary>Swaps two axes.</summary>
    Transpose,
    /// <summary>A contiguous range along one axis.</summary>
    Slice,
    /// <summary>Joins tensors along one axis.</summary>
    Concat,

    // Pointwise functions (Ops/Pointwise.cs).
    /// <summary><c>max(x, 0)</c>.</summary>
    Relu,
    /// <summary><c>1 / (1 + e^−x)</c>.</summary>
    Sigmoid,
    /// <summary><c>tanh x</c>.</summary>
    Tanh,
    /// <summary><c>e^x</c>.</summary>
    Exp,
    /// <summary><c>ln x</c>.</summary>
    Log,

    // Softmax family and losses (Ops/Softmax.cs, Ops/Losses.cs).
    /// <summary>Softmax over the last axis.</summary>
    Softmax,
    /// <summary>Log-softmax over the last axis.</summary>
    LogSoftmax,
    /// <summary>Mean cross-entropy of logits against integer labels (fused log-softmax).</summary>
    CrossEntropy,
    /// <summary>Mean squared error.</summary>
    Mse,
    /// <summary>Temperature-scaled knowledge-distillation KL divergence.</summary>
    KlDivergence,

    // Layer ops written against this tape by the nn part (Ops/Conv2d.cs, Ops/Pool.cs, Ops/BatchNorm.cs,
    // Ops/Dropout.cs, Ops/Flatten.cs); their cases go in Tape.Backward.cs, in the marked block.
    /// <summary>2-D convolution (im2col + GEMM).</summary>
    Conv2d,
    /// <summary>2-D max pooling.</summary>
    MaxPool2d,
    /// <summary>2-D average pooling.</summary>
    AvgPool2d,
    /// <summary>Batch normalisation over N and spatial dims.</summary>
    BatchNorm,
    /// <summary>Inverted dropout with a regenerable Philox mask.</summary>
    Dropout,
    /// <summary><c>[B, ...] → [B, rest]</c>.</summary>
    Flatten,

    /// <summary>
    /// An op defined outside this assembly (e.g. a fused neuron scan): its backward is
    /// <see cref="TapeEntry.Custom"/>'s <see cref="ICustomBackward.Backward"/>.
    /// </summary>
    Custom,
}
