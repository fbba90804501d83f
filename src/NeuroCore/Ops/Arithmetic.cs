using System.Numerics.Tensors;
using NeuroCore.Autodiff;

namespace NeuroCore;

/// <summary>
/// Tensor ops with reverse-mode gradients. Every op takes the <see cref="Tape"/> first; its output is owned by
/// the tape and valid until <see cref="Tape.Reset"/>. Forward and backward of each op sit side by side, one
/// concern per file.
/// </summary>
public static partial class Ops
{
    /// <summary>Elementwise <c>a + b</c> with NumPy broadcasting.</summary>
    public static Tensor Add(Tape tape, Tensor a, Tensor b) => Binary(tape, OpCode.Add, BinaryKind.Add, "Ops.Add", a, b);

    /// <summary>Elementwise <c>a − b</c> with NumPy broadcasting.</summary>
    public static Tensor Sub(Tape tape, Tensor a, Tensor b) => Binary(tape, OpCode.Sub, BinaryKind.Sub, "Ops.Sub", a, b);

    /// <summary>Elementwise <c>a · b</c> with NumPy broadcasting.</summary>
    public static Tensor Mul(Tape tape, Tensor a, Tensor b) => Binary(tape, OpCode.Mul, BinaryKind.Mul, "Ops.Mul", a, b);

    /// <summary>Elementwise <c>a / b</c> with NumPy broadcasting.</summary>
    public static Tensor Div(Tape tape, Tensor a, Tensor b) => Binary(tape, OpCode.Div, BinaryKind.Div, "Ops.Div", a, b);

    static Tensor Binary(Tape tape, OpCode code, BinaryKind kind, string name, Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var shape = Broadcasting.ResultShape(name, a.Shape, b.Shape);
        var y = tape.Allocate(shape);
        Broadcasting.Binary(kind, a.Span, a.Shape, b.Span, b.Shape, y.Span, shape);
        if (tape.ShouldRecord(a, b)) tape.Record(new TapeEntry { Op = code, Output = y, A = a, B = b });
        return y;
    }

    /// <summary>Backward of <see cref="Add"/> and <see cref="Sub"/>: dy summed over each input's broadcast axes (negated for b of Sub).</summary>
    internal static void AddSubBackward(Tape tape, in TapeEntry e)
    {
        var y = e.Output;
        var dy = tape.GradOf(y)!.Span;
        var a = e.A!;
        var b = e.B!;
        if (tape.NeedsGrad(a))
        {
            var da = tape.BeginGrad(a);
            Broadcasting.ReduceTo(dy, y.Shape, da.Span, a.Shape);
            da.Commit();
        }
        if (tape.NeedsGrad(b))
        {
            var db = tape.BeginGrad(b);
            Broadcasting.ReduceTo(dy, y.Shape, db.Span, b.Shape);
            if (e.Op == OpCode.Sub) TensorPrimitives.Negate(db.Span, db.Span);
            db.Commit();
        }
    }

    /// <summary>
    /// Backward of <see cref="Mul"/> (da = Σ dy·b, db = Σ dy·a) and <see cref="Div"/> (da = Σ dy / b,
    /// db = Σ −dy·y / b, since d(a/b)/db = −a/b² = −y/b), each summed over the input's broadcast axes.
    /// </summary>
    internal static void MulDivBackward(Tape tape, in TapeEntry e)
    {
        var y = e.Output;
        var dy = tape.GradOf(y)!;
        var a = e.A!;
        var b = e.B!;
        bool div = e.Op == OpCode.Div;
        if (tape.NeedsGrad(a)) ProductGrad(tape, dy, b, a, y.Shape, div ? BinaryKind.Div : BinaryKind.Mul, negate: false);
        if (!tape.NeedsGrad(b)) return;
        if (!div)
        {
            ProductGrad(tape, dy, a, b, y.Shape, BinaryKind.Mul, negate: false);
            return;
        }
        var dyy = tape.Allocate(y.Shape);
        TensorPrimitives.Multiply(dy.Span, y.Span, dyy.Span);
        ProductGrad(tape, dyy, b, b, y.Shape, BinaryKind.Div, negate: true);
    }

    // grad(target) += ± reduce(dy ∘ other) to target's shape.
    static void ProductGrad(Tape tape, Tensor dy, Tensor other, Tensor target, Shape outShape, BinaryKind kind, bool negate)
    {
        var w = tape.BeginGrad(target);
        if (target.Shape == outShape)
        {
            Broadcasting.Binary(kind, dy.Span, outShape, other.Span, other.Shape, w.Span, outShape);
        }
        else
        {
            var full = tape.Allocate(outShape);
            Broadcasting.Binary(kind, dy.Span, outShape, other.Span, other.Shape, full.Span, outShape);
            Broadcasting.ReduceTo(full.Span, outShape, w.Span, target.Shape);
        }
        if (negate) TensorPrimitives.Negate(w.Span, w.Span);
        w.Commit();
    }
}
