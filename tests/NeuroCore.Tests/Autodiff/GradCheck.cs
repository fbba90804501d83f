using NeuroCore.Autodiff;

namespace NeuroCore.Tests.Autodiff;

/// <summary>
/// Finite-difference gradient checker (STYLE.md habit 3). The scalar checked is <c>L = Σ r·f(x)</c> for a fixed
/// random projection <c>r</c>, summed in double; the analytic gradient comes from <see cref="Tape.Backward(Tensor, ReadOnlySpan{float})"/>
/// seeded with <c>r</c>, the numeric one from central differences of float32 forwards on a non-recording tape.
/// </summary>
internal static class GradCheck
{
    /// <summary>A forward under test: builds the output from the inputs on the given tape.</summary>
    public delegate Tensor Forward(Tape tape, Tensor[] inputs);

    /// <summary>
    /// Checks every input element's gradient; inputs not listed in <paramref name="check"/> (by index) are constants.
    /// Tolerance: |analytic − numeric| ≤ atol + 4·scale + rtol·max(|analytic|, |numeric|), where scale bounds the float32
    /// rounding of L divided by the step (magnitude-scaled, so large outputs do not fail spuriously).
    /// </summary>
    public static void Check(Forward f, Tensor[] inputs, int seed, int[]? check = null, float eps = 1e-2f, double rtol = 2e-2, double atol = 1e-3)
    {
        check ??= Enumerable.Range(0, inputs.Length).ToArray();
        foreach (int i in check) inputs[i].RequireGrad().Grad!.Span.Clear();

        float[] r;
        double magnitude;
        using (var tape = new Tape())
        {
            var y = f(tape, inputs);
            var rng = new Random(seed ^ 0x5eed);
            r = new float[y.Size];
            for (int i = 0; i < r.Length; i++) r[i] = (float)(rng.NextDouble() * 2 - 1);
            magnitude = 0;
            for (int i = 0; i < r.Length; i++) magnitude += Math.Abs(r[i] * y.Span[i]);
            if (check.Any(i => tape.NeedsGrad(inputs[i]))) tape.Backward(y, r);
        }

        // float32 rounding of L is about 1e-7·Σ|r·y|, divided by the 2·eps step.
        double scale = 4e-7 * (magnitude + 1) / eps;
        foreach (int i in check)
        {
            var x = inputs[i];
            var analytic = x.Grad!.ToArray();
            var xs = x.Span;
            for (int j = 0; j < x.Size; j++)
            {
                float orig = xs[j];
                float up = orig + eps, down = orig - eps;
                xs[j] = up;
                double lp = Eval(f, inputs, r);
                xs[j] = down;
                double lm = Eval(f, inputs, r);
                xs[j] = orig;
                double numeric = (lp - lm) / ((double)up - down);
                double err = Math.Abs(analytic[j] - numeric);
                double bound = atol + (4 * scale) + (rtol * Math.Max(Math.Abs(analytic[j]), Math.Abs(numeric)));
                if (!(err <= bound))
                {
                    throw new Xunit.Sdk.XunitException(
                        $"Gradient mismatch for input {i} {x.Shape}, element {j}: analytic {analytic[j]:G6}, numeric {numeric:G6} " +
                        $"(|diff| {err:G3} > bound {bound:G3}); seed {seed}.");
                }
            }
        }
    }

    static double Eval(Forward f, Tensor[] inputs, float[] r)
    {
        using var tape = new Tape(recording: false);
        var y = f(tape, inputs);
        double sum = 0;
        var ys = y.Span;
        for (int i = 0; i < ys.Length; i++) sum += (double)r[i] * ys[i];
        return sum;
    }

    /// <summary>A pooled tensor of uniform values in [lo, hi) from <paramref name="rng"/>.</summary>
    public static Tensor Random(Random rng, Shape shape, float lo = -2f, float hi = 2f)
    {
        var t = Tensor.Uninitialized(shape);
        var s = t.Span;
        for (int i = 0; i < s.Length; i++) s[i] = lo + ((hi - lo) * (float)rng.NextDouble());
        return t;
    }

    /// <summary>Like <see cref="Random(System.Random, Shape, float, float)"/> but with |value| ≥ <paramref name="away"/> (for kinks and poles at 0).</summary>
    public static Tensor RandomAwayFromZero(Random rng, Shape shape, float away, float hi = 2f)
    {
        var t = Tensor.Uninitialized(shape);
        var s = t.Span;
        for (int i = 0; i < s.Length; i++)
        {
            float m = away + ((hi - away) * (float)rng.NextDouble());
            s[i] = rng.Next(2) == 0 ? -m : m;
        }
        return t;
    }
}
