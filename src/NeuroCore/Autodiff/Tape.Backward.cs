namespace NeuroCore.Autodiff;

public sealed partial class Tape
{
    /// <summary>
    /// The one dispatch of backward: each case calls the op's <c>XxxBackward</c>, which sits beside its forward in
    /// <c>Ops/</c>. To add an op: an <see cref="OpCode"/> member, its forward recording a <see cref="TapeEntry"/>,
    /// its backward, and a case here.
    /// </summary>
    void Dispatch(in TapeEntry e)
    {
        switch (e.Op)
        {
            case OpCode.Add:
            case OpCode.Sub: Ops.AddSubBackward(this, in e); break;
            case OpCode.Mul:
            case OpCode.Div: Ops.MulDivBackward(this, in e); break;
            case OpCode.MatMul: Ops.MatMulBackward(this, in e); break;
            case OpCode.Linear: Ops.LinearBackward(this, in e); break;
            case OpCode.Sum:
            case OpCode.Mean: Ops.ReductionBackward(this, in e); break;
            case OpCode.Reshape: Ops.ReshapeBackward(this, in e); break;
            case OpCode.Transpose: Ops.TransposeBackward(this, in e); break;
            case OpCode.Slice: Ops.SliceBackward(this, in e); break;
            case OpCode.Concat: Ops.ConcatBackward(this, in e); break;
            case OpCode.Relu:
            case OpCode.Sigmoid:
            case OpCode.Tanh:
            case OpCode.Exp:
            case OpCode.Log: Ops.PointwiseBackward(this, in e); break;
            case OpCode.Softmax:
            case OpCode.LogSoftmax: Ops.SoftmaxFamilyBackward(this, in e); break;
            case OpCode.CrossEntropy: Ops.CrossEntropyBackward(this, in e); break;
            case OpCode.Mse: Ops.MseBackward(this, in e); break;
            case OpCode.KlDivergence: Ops.KlDivergenceBackward(this, in e); break;

            // ---- layer ops (Conv2d, MaxPool2d, AvgPool2d, BatchNorm, Dropout, Flatten): cases go here ----
            case OpCode.Conv2d: Ops.Conv2dBackward(this, in e); break;
            case OpCode.MaxPool2d: Ops.MaxPool2dBackward(this, in e); break;
            case OpCode.AvgPool2d: Ops.AvgPool2dBackward(this, in e); break;
            case OpCode.BatchNorm: Ops.BatchNormBackward(this, in e); break;
            case OpCode.Dropout: Ops.DropoutBackward(this, in e); break;
            case OpCode.Flatten: Ops.FlattenBackward(this, in e); break;

            case OpCode.Custom: e.Custom!.Backward(this, in e); break;
            default:
                throw new NotSupportedException(
                    $"Tape.Backward: op {e.Op} has no backward case; add one to Tape.Dispatch (Autodiff/Tape.Backward.cs).");
        }
    }
}
