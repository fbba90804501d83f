using System.Numerics.Tensors;
using NeuroCore.Autodiff;

namespace NeuroCore.Snn;

/// <summary>Spike-function ops on the tape (for composing neurons from per-step ops, and for custom models).</summary>
public static class SpikeOps
{
    /// <summary>
    /// The spike function: forward the Heaviside step <c>y = [x ≥ 0]</c>, backward the surrogate
    /// <c>dx = dy · g(x)</c> of <paramref name="sg"/>. Pass <c>x = V − θ</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The surrogate parameter is not finite and positive.</exception>
    public static Tensor Spike(Tape tape, Tensor x, SurrogateSpec sg)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        SurrogateDispatch.Validate(sg, "SpikeOps.Spike", nameof(sg));
        var y = tape.Allocate(x.Shape);
        ReadOnlySpan<float> xs = x.Span;
        Span<float> ys = y.Span;
        for (int i = 0; i < xs.Length; i++) ys[i] = xs[i] >= 0f ? 1f : 0f;
        if (tape.ShouldRecord(x))
            tape.Record(new TapeEntry { Op = OpCode.Custom, Custom = SpikeBackward.For(sg.Kind), Output = y, A = x, F0 = sg.Parameter });
        return y;
    }

    /// <summary>Backward of <see cref="Spike"/>: one shared instance per surrogate kind.</summary>
    sealed class SpikeBackward : ICustomBackward
    {
        static readonly SpikeBackward[] Instances = NeuronLayout.PerSurrogateKind(k => new SpikeBackward(k));
        readonly SurrogateKind _kind;

        SpikeBackward(SurrogateKind kind) => _kind = kind;

        public static SpikeBackward For(SurrogateKind kind) => Instances[(int)kind];

        public void Backward(Tape tape, in TapeEntry e)
        {
            var x = e.A!;
            if (!tape.NeedsGrad(x)) return;
            var w = tape.BeginGrad(x);
            SurrogateDispatch.Map(new SurrogateSpec(_kind, e.F0), x.Span, w.Span);
            TensorPrimitives.Multiply(w.Span, tape.GradOf(e.Output)!.Span, w.Span);
            w.Commit();
        }
    }
}
