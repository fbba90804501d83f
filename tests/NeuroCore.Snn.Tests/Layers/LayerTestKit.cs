using NeuroCore.Autodiff;

namespace NeuroCore.Snn.Tests.Layers;

/// <summary>Small helpers of the layer tests: random data and a float64 central-difference gradient check.</summary>
internal static class LayerTestKit
{
    public static float[] Random(Random rng, int n, double lo = -1, double hi = 1)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(lo + ((hi - lo) * rng.NextDouble()));
        return a;
    }

    public static float[] Spikes(Random rng, int n, double density)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = rng.NextDouble() < density ? 1f : 0f;
        return a;
    }

    /// <summary>
    /// Checks the tape gradient of L = Σ w·f(inputs) for every input that requires one against central differences
    /// (step h, evaluated in float64 from float32 forwards), within atol + rtol·|g|.
    /// </summary>
    public static void GradCheck(Func<Tape, Tensor> f, Tensor[] inputs, int seed, double h = 1e-2, double atol = 2e-3, double rtol = 2e-2)
    {
        float[] w;
        using (var probe = new Tape(recording: false)) w = Random(new Random(seed), f(probe).Size);
        foreach (var t in inputs) t.Grad?.Span.Clear();
        using (var tape = new Tape())
        {
            var y = f(tape);
            tape.Backward(y, w);
        }
        foreach (var t in inputs)
        {
            var grad = t.Grad!.ToArray();
            var v = t.Span;
            for (int i = 0; i < v.Length; i++)
            {
                float keep = v[i];
                v[i] = (float)(keep + h);
                double up = Loss(f, w);
                v[i] = (float)(keep - h);
                double down = Loss(f, w);
                v[i] = keep;
                double numeric = (up - down) / (2 * h);
                Assert.True(Math.Abs(numeric - grad[i]) <= atol + (rtol * Math.Abs(numeric)),
                    $"{t.Name ?? t.Shape.ToString()}[{i}]: tape {grad[i]:G6}, finite difference {numeric:G6}");
            }
        }
    }

    static double Loss(Func<Tape, Tensor> f, float[] w)
    {
        using var tape = new Tape(recording: false);
        var y = f(tape).Span;
        double s = 0;
        for (int i = 0; i < y.Length; i++) s += (double)w[i] * y[i];
        return s;
    }

    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * (1 + Math.Abs(expected[i])), $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
    }
}
