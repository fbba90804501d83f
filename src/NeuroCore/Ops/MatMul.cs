using NeuroCore.Autodiff;
using NeuroCore.Kernels;

namespace NeuroCore;

public static partial class Ops
{
    /// <summary>
    /// Matrix product <c>op(a)·op(b)</c>, where op transposes the last two axes when asked. Shapes: 2-D
    /// <c>[m,k]·[k,n] → [m,n]</c>; batched <c>[T,m,k]·[T,k,n] → [T,m,n]</c>; or batched times a shared 2-D
    /// <c>[T,m,k]·[k,n] → [T,m,n]</c>. Runs on <see cref="Kernels.Gemm.Sgemm"/> with <see cref="Tape.Threads"/>.
    /// </summary>
    public static Tensor MatMul(Tape tape, Tensor a, Tensor b, bool transA = false, bool transB = false)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var g = MatMulGeometry.Of(a.Shape, b.Shape, transA, transB);
        var y = tape.Allocate(g.Batch == 0 ? new Shape(g.M, g.N) : new Shape(g.Batch, g.M, g.N));
        int batches = Math.Max(g.Batch, 1);
        if (g.Batch > 0 && b.Shape.Rank == 2 && !transA)
        {
            // [T·m, k]·op(B): one GEMM over all batches.
            Gemm.Sgemm(false, transB, batches * g.M, g.N, g.K, 1f, a.Span, a.Shape[-1], b.Span, b.Shape[-1], 0f, y.Span, g.N, tape.Threads);
        }
        else
        {
            for (int t = 0; t < batches; t++)
                Gemm.Sgemm(transA, transB, g.M, g.N, g.K, 1f, a.Span.Slice(t * g.SizeA, g.SizeA), a.Shape[-1],
                    b.Span.Slice(t * g.StepB, g.SizeB), b.Shape[-1], 0f, y.Span.Slice(t * g.M * g.N, g.M * g.N), g.N, tape.Threads);
        }
        if (tape.ShouldRecord(a, b))
            tape.Record(new TapeEntry { Op = OpCode.MatMul, Output = y, A = a, B = b, I0 = transA ? 1 : 0, I1 = transB ? 1 : 0 });
        return y;
    }

    /// <summary>Backward of <see cref="MatMul"/>: dop(A) = dC·op(B)ᵀ and dop(B) = op(A)ᵀ·dC, transposed back where op transposed.</summary>
    internal static void MatMulBackward(Tape tape, in TapeEntry e)
    {
        var a = e.A!;
        var b = e.B!;
        bool transA = e.I0 != 0, transB = e.I1 != 0;
        var g = MatMulGeometry.Of(a.Shape, b.Shape, transA, transB);
        var dc = tape.GradOf(e.Output)!.Span;
        int m = g.M, n = g.N, k = g.K, lda = a.Shape[-1], ldb = b.Shape[-1], batches = Math.Max(g.Batch, 1);
        int threads = tape.Threads;
        if (tape.NeedsGrad(a))
        {
            var da = tape.GradAccumulator(a, out float beta);
            for (int t = 0; t < batches; t++)
            {
                var dct = dc.Slice(t * m * n, m * n);
                var bt = b.Span.Slice(t * g.StepB, g.SizeB);
                var dat = da.Slice(t * g.SizeA, g.SizeA);
                if (!transA) Gemm.Sgemm(false, !transB, m, k, n, 1f, dct, n, bt, ldb, beta, dat, k, threads);   // dA = dC·op(B)ᵀ
                else Gemm.Sgemm(transB, true, k, m, n, 1f, bt, ldb, dct, n, beta, dat, m, threads);              // dA = op(B)·dCᵀ
            }
        }
        if (tape.NeedsGrad(b))
        {
            var db = tape.GradAccumulator(b, out float beta);
            bool shared = g.Batch > 0 && b.Shape.Rank == 2;
            if (shared && !transA)
            {
                // A viewed as [T·m, k]: one GEMM sums the batches.
                if (!transB) Gemm.Sgemm(true, false, k, n, batches * m, 1f, a.Span, lda, dc, n, beta, db, n, threads);
                else Gemm.Sgemm(true, false, n, k, batches * m, 1f, dc, n, a.Span, lda, beta, db, k, threads);
                return;
            }
            for (int t = 0; t < batches; t++)
            {
                var dct = dc.Slice(t * m * n, m * n);
                var at = a.Span.Slice(t * g.SizeA, g.SizeA);
                var dbt = db.Slice(t * g.StepB, g.SizeB);
                float bt = shared && t > 0 ? 1f : beta;
                if (!transB) Gemm.Sgemm(!transA, false, k, n, m, 1f, at, lda, dct, n, bt, dbt, n, threads);     // dB = op(A)ᵀ·dC
                else Gemm.Sgemm(true, transA, n, k, m, 1f, dct, n, at, lda, bt, dbt, k, threads);                // dB = dCᵀ·op(A)
            }
        }
    }

    /// <summary>
    /// A fully connected layer, PyTorch's <c>x·Wᵀ + b</c>: <paramref name="x"/> <c>[..., in]</c> (leading axes are
    /// flattened into rows), <paramref name="weight"/> <c>[out, in]</c>, optional <paramref name="bias"/> <c>[out]</c>;
    /// the result is <c>[..., out]</c>.
    /// </summary>
    public static Tensor Linear(Tape tape, Tensor x, Tensor weight, Tensor? bias = null)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Shape.Rank != 2 || x.Shape.Rank < 1 || x.Shape[-1] != weight.Shape[1])
            throw new ArgumentException(
                $"Ops.Linear: input {x.Shape} and weight {weight.Shape} do not match; the weight must be [out, in] with in = the input's last dimension" +
                (x.Shape.Rank >= 1 ? $" ({x.Shape[-1]})." : "."), nameof(weight));
        int inF = weight.Shape[1], outF = weight.Shape[0];
        if (bias is not null && (bias.Shape.Rank != 1 || bias.Shape[0] != outF))
            throw new ArgumentException($"Ops.Linear: bias {bias.Shape} does not match weight {weight.Shape}; expected [{outF}].", nameof(bias));
        int rows = x.Shape.SizeOf(0, x.Shape.Rank - 1);
        var y = tape.Allocate(x.Shape.With(-1, outF));
        // The bias goes into the GEMM's epilogue: y is written once, never filled with the bias and read back.
        if (bias is null) Gemm.Sgemm(false, true, rows, outF, inF, 1f, x.Span, inF, weight.Span, inF, 0f, y.Span, outF, tape.Threads);
        else Gemm.Sgemm(false, true, rows, outF, inF, 1f, x.Span, inF, weight.Span, inF, 0f, y.Span, outF, bias.Span, tape.Threads);
        if (tape.ShouldRecord(x, weight, bias))
            tape.Record(new TapeEntry { Op = OpCode.Linear, Output = y, A = x, B = weight, C = bias, I0 = rows });
        return y;
    }

    /// <summary>Backward of <see cref="Linear"/>: dx = dy·W, dW = dyᵀ·x, db = column sums of dy.</summary>
    internal static void LinearBackward(Tape tape, in TapeEntry e)
    {
        var x = e.A!;
        var w = e.B!;
        int rows = e.I0, inF = w.Shape[1], outF = w.Shape[0];
        var dy = tape.GradOf(e.Output)!.Span;
        int threads = tape.Threads;
        if (tape.NeedsGrad(x))
        {
            var dx = tape.GradAccumulator(x, out float beta);
            Gemm.Sgemm(false, false, rows, inF, outF, 1f, dy, outF, w.Span, inF, beta, dx, inF, threads);
        }
        if (tape.NeedsGrad(w))
        {
            var dw = tape.GradAccumulator(w, out float beta);
            Gemm.Sgemm(true, false, outF, inF, rows, 1f, dy, outF, x.Span, inF, beta, dw, inF, threads);
        }
        if (e.C is { } bias && tape.NeedsGrad(bias))
        {
            var db = tape.BeginGrad(bias);
            Reduce.SumColumns(dy, rows, outF, db.Span, threads);
            db.Commit();
        }
    }

    /// <summary>The m, n, k and batch layout of a <see cref="MatMul"/> call, validated.</summary>
    readonly record struct MatMulGeometry(int Batch, int M, int N, int K, int SizeA, int SizeB, int StepB)
    {
        public static MatMulGeometry Of(Shape a, Shape b, bool transA, bool transB)
        {
            bool ok = (a.Rank == 2 && b.Rank == 2) || (a.Rank == 3 && (b.Rank == 2 || (b.Rank == 3 && b[0] == a[0])));
            if (ok)
            {
                int m = transA ? a[-1] : a[-2], ka = transA ? a[-2] : a[-1];
                int kb = transB ? b[-1] : b[-2], n = transB ? b[-2] : b[-1];
                if (ka == kb)
                {
                    int batch = a.Rank == 3 ? a[0] : 0;
                    int sizeB = b[-2] * b[-1];
                    return new MatMulGeometry(batch, m, n, ka, a[-2] * a[-1], sizeB, b.Rank == 3 ? sizeB : 0);
                }
            }
            throw new ArgumentException(
                $"Ops.MatMul: cannot multiply {a}{(transA ? "ᵀ" : "")} by {b}{(transB ? "ᵀ" : "")}; expected [m,k]·[k,n], " +
                "[T,m,k]·[T,k,n] or [T,m,k]·[k,n] (after the requested transposes), with matching k and T.");
        }
    }
}
