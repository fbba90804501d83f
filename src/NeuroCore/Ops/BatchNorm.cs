using System.Numerics.Tensors;
using NeuroCore.Autodiff;

namespace NeuroCore;

public static partial class Ops
{
    /// <summary>
    /// Batch normalisation (Ioffe &amp; Szegedy, 2015; PyTorch <c>batch_norm</c>) of <paramref name="x"/> [B, C] or
    /// [B, C, H, W] over the batch and spatial dims, per channel c. Effectively computes
    /// <c>y = γ_c · (x − μ_c) / √(σ²_c + ε) + β_c</c>. In training μ, σ² are the batch mean and biased variance, and the
    /// running statistics are updated in place: <c>r_μ ← (1 − m)·r_μ + m·μ</c>, <c>r_σ² ← (1 − m)·r_σ² + m·σ²·N/(N − 1)</c>
    /// (N = B·H·W). In evaluation the running statistics are used and not changed.
    /// </summary>
    public static Tensor BatchNorm(Tape tape, Tensor x, Tensor gamma, Tensor beta, Span<float> runningMean, Span<float> runningVar,
        bool training, float momentum = 0.1f, float eps = 1e-5f)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(gamma);
        ArgumentNullException.ThrowIfNull(beta);
        var (batch, channels, inner) = BatchNormShape(x.Shape, gamma.Shape, beta.Shape, runningMean.Length, runningVar.Length);
        if (!(eps > 0f) || !(momentum >= 0f && momentum <= 1f))
            throw new ArgumentOutOfRangeException(nameof(eps), $"Ops.BatchNorm: eps {eps} must be > 0 and momentum {momentum} in [0, 1].");
        int n = batch * inner;
        if (training && n < 2)
            throw new ArgumentException($"Ops.BatchNorm: training needs more than one value per channel; input {x.Shape} has {n}. Use a larger batch or eval mode.", nameof(x));
        var y = tape.Allocate(x.Shape);
        var xhat = tape.Allocate(x.Shape);
        var invStd = tape.Allocate(new Shape(channels));
        ReadOnlySpan<float> xs = x.Span, gs = gamma.Span, bs = beta.Span;
        Span<float> ys = y.Span, hs = xhat.Span, inv = invStd.Span;
        for (int c = 0; c < channels; c++)
        {
            float mean, variance;
            if (training)
            {
                double sum = 0;
                for (int b = 0; b < batch; b++) sum += TensorPrimitives.Sum(xs.Slice((b * channels + c) * inner, inner));
                mean = (float)(sum / n);
                double squares = 0;
                for (int b = 0; b < batch; b++)
                {
                    int at = (b * channels + c) * inner;
                    TensorPrimitives.Subtract(xs.Slice(at, inner), mean, hs.Slice(at, inner));
                    squares += TensorPrimitives.SumOfSquares(hs.Slice(at, inner));
                }
                variance = (float)(squares / n);
                runningMean[c] = (1f - momentum) * runningMean[c] + momentum * mean;
                runningVar[c] = (1f - momentum) * runningVar[c] + momentum * (float)(squares / (n - 1));
            }
            else
            {
                mean = runningMean[c];
                variance = runningVar[c];
                for (int b = 0; b < batch; b++)
                {
                    int at = (b * channels + c) * inner;
                    TensorPrimitives.Subtract(xs.Slice(at, inner), mean, hs.Slice(at, inner));
                }
            }
            float istd = 1f / MathF.Sqrt(variance + eps);
            inv[c] = istd;
            for (int b = 0; b < batch; b++)
            {
                int at = (b * channels + c) * inner;
                var h = hs.Slice(at, inner);
                TensorPrimitives.Multiply(h, istd, h);
                var yc = ys.Slice(at, inner);
                TensorPrimitives.Multiply(h, gs[c], yc);
                TensorPrimitives.Add(yc, bs[c], yc);
            }
        }
        if (tape.ShouldRecord(x, gamma, beta))
            tape.Record(new TapeEntry { Op = OpCode.BatchNorm, Output = y, A = x, B = gamma, C = beta, Saved0 = xhat, Saved1 = invStd, I0 = training ? 1 : 0 });
        return y;
    }

    /// <summary>
    /// BatchNorm backward with x̂ and 1/σ saved: <c>dβ = Σ dy</c>, <c>dγ = Σ dy·x̂</c>; in training
    /// <c>dx = (γ/σ)/N · (N·dy − Σdy − x̂·Σ(dy·x̂))</c> (the batch statistics depend on x), in evaluation <c>dx = γ/σ · dy</c>.
    /// </summary>
    internal static void BatchNormBackward(Tape tape, in TapeEntry e)
    {
        var x = e.A!;
        var gamma = e.B!;
        var beta = e.C!;
        bool training = e.I0 != 0;
        int batch = x.Shape[0], channels = x.Shape[1], inner = x.Shape.SizeOf(2, x.Shape.Rank), n = batch * inner;
        ReadOnlySpan<float> dy = tape.GradOf(e.Output)!.Span, hs = e.Saved0!.Span, inv = e.Saved1!.Span, gs = gamma.Span;
        bool needX = tape.NeedsGrad(x), needG = tape.NeedsGrad(gamma), needB = tape.NeedsGrad(beta);
        Span<float> dgamma = needG ? tape.GradSum(gamma) : default, dbeta = needB ? tape.GradSum(beta) : default;
        var w = needX ? tape.BeginGrad(x) : default;
        var dx = w.Span;
        for (int c = 0; c < channels; c++)
        {
            double sumDy = 0, sumDyH = 0;
            for (int b = 0; b < batch; b++)
            {
                int at = (b * channels + c) * inner;
                sumDy += TensorPrimitives.Sum(dy.Slice(at, inner));
                sumDyH += TensorPrimitives.Dot(dy.Slice(at, inner), hs.Slice(at, inner));
            }
            if (needG) dgamma[c] += (float)sumDyH;
            if (needB) dbeta[c] += (float)sumDy;
            if (!needX) continue;
            float scale = gs[c] * inv[c];
            float meanDy = (float)(sumDy / n), meanDyH = (float)(sumDyH / n);
            for (int b = 0; b < batch; b++)
            {
                int at = (b * channels + c) * inner;
                var d = dx.Slice(at, inner);
                var dyc = dy.Slice(at, inner);
                if (!training)
                {
                    TensorPrimitives.Multiply(dyc, scale, d);
                    continue;
                }
                TensorPrimitives.MultiplyAdd(hs.Slice(at, inner), -meanDyH, dyc, d); // dy − x̂·mean(dy·x̂)
                TensorPrimitives.Add(d, -meanDy, d);
                TensorPrimitives.Multiply(d, scale, d);
            }
        }
        if (needX) w.Commit();
    }

    static (int Batch, int Channels, int Inner) BatchNormShape(Shape x, Shape gamma, Shape beta, int meanLength, int varLength)
    {
        if (x.Rank is not (2 or 3 or 4))
            throw new ArgumentException($"Ops.BatchNorm: input {x} must be [B, C], [B, C, L] or [B, C, H, W].", nameof(x));
        int c = x[1];
        if (gamma.Rank != 1 || gamma[0] != c || beta.Rank != 1 || beta[0] != c || meanLength != c || varLength != c)
            throw new ArgumentException(
                $"Ops.BatchNorm: input {x} has {c} channels but gamma is {gamma}, beta {beta}, running mean [{meanLength}], running var [{varLength}]; expected [{c}] each.", nameof(gamma));
        return (x[0], c, x.SizeOf(2, x.Rank));
    }
}
