using System.Numerics.Tensors;
using NeuroCore.Autodiff;
using NeuroCore.Kernels;

namespace NeuroCore;

public static partial class Ops
{
    // The pointwise functions and the backwards of relu, sigmoid and tanh run on the tape's threads for large tensors,
    // bitwise as on one thread (Elementwise's threaded overloads compute every element as the single-threaded call).

    /// <summary><c>max(x, 0)</c> elementwise.</summary>
    public static Tensor Relu(Tape tape, Tensor x) => Pointwise(tape, OpCode.Relu, x);

    /// <summary><c>1 / (1 + e^−x)</c> elementwise.</summary>
    public static Tensor Sigmoid(Tape tape, Tensor x) => Pointwise(tape, OpCode.Sigmoid, x);

    /// <summary><c>tanh x</c> elementwise.</summary>
    public static Tensor Tanh(Tape tape, Tensor x) => Pointwise(tape, OpCode.Tanh, x);

    /// <summary><c>e^x</c> elementwise.</summary>
    public static Tensor Exp(Tape tape, Tensor x) => Pointwise(tape, OpCode.Exp, x);

    /// <summary><c>ln x</c> elementwise (NaN for x &lt; 0, −∞ at 0, as IEEE says).</summary>
    public static Tensor Log(Tape tape, Tensor x) => Pointwise(tape, OpCode.Log, x);

    static Tensor Pointwise(Tape tape, OpCode code, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        var y = tape.Allocate(x.Shape);
        ReadOnlySpan<float> xs = x.Span;
        var ys = y.Span;
        int threads = tape.Threads;
        switch (code)
        {
            case OpCode.Relu: Elementwise.Map<ReluOp>(xs, ys, threads); break;
            case OpCode.Sigmoid: Elementwise.Map<SigmoidOp>(xs, ys, threads); break;
            case OpCode.Tanh: Elementwise.Map<TanhOp>(xs, ys, threads); break;
            case OpCode.Exp: Elementwise.Map<ExpOp>(xs, ys, threads); break;
            default: Elementwise.Map<LogOp>(xs, ys, threads); break;
        }
        if (tape.ShouldRecord(x)) tape.Record(new TapeEntry { Op = code, Output = y, A = x });
        return y;
    }

    /// <summary>
    /// Backward of the pointwise functions: relu dx = dy·[x &gt; 0]; sigmoid dx = dy·y(1 − y); tanh dx = dy(1 − y²);
    /// exp dx = dy·y; log dx = dy / x.
    /// </summary>
    internal static void PointwiseBackward(Tape tape, in TapeEntry e)
    {
        var x = e.A!;
        if (!tape.NeedsGrad(x)) return;
        ReadOnlySpan<float> dy = tape.GradOf(e.Output)!.Span;
        ReadOnlySpan<float> xs = x.Span;
        ReadOnlySpan<float> ys = e.Output.Span;
        var w = tape.BeginGrad(x);
        var dx = w.Span;
        switch (e.Op)
        {
            case OpCode.Relu: Elementwise.Zip<ReluBackwardOp>(xs, dy, dx, tape.Threads); break;
            case OpCode.Sigmoid: Elementwise.Zip<SigmoidBackwardOp>(ys, dy, dx, tape.Threads); break;
            case OpCode.Tanh: Elementwise.Zip<TanhBackwardOp>(ys, dy, dx, tape.Threads); break;
            case OpCode.Exp:
                TensorPrimitives.Multiply(dy, ys, dx);
                break;
            default:
                TensorPrimitives.Divide(dy, xs, dx);
                break;
        }
        w.Commit();
    }
}
