using FsCheck.Xunit;
using Xunit;

namespace NeuroCore.Kernels.Tests;

public class SoftmaxTests
{
    [Property(MaxTest = 3)]
    public void ForwardAndBackward_EveryRowLength_MatchReference(int seed)
    {
        var rng = new Random(seed);
        foreach (int cols in TestData.Lengths())
        {
            if (cols > 5000) continue;
            int rows = rng.Next(1, 4);
            // Large logits check stability: without the max shift exp would overflow at 90.
            float scale = rng.Next(2) == 0 ? 5f : 200f;
            float[] x = TestData.Random(rng, rows * cols, scale);
            if (cols > 0 && rng.Next(3) == 0) x[rng.Next(x.Length)] = float.NegativeInfinity; // a masked logit
            var expected = new float[x.Length];
            var actual = new float[x.Length];
            string context = $"{rows}x{cols} seed={seed}";

            Reference.SoftmaxForward(x, rows, cols, expected);
            Softmax.Forward(x, rows, cols, actual);
            TestData.AssertClose(expected, actual, 1e-5, 1e-7, "Forward " + context);
            float[] y = (float[])actual.Clone();

            Reference.LogSoftmaxForward(x, rows, cols, expected);
            Softmax.LogForward(x, rows, cols, actual);
            TestData.AssertClose(expected, actual, 1e-5, 1e-5, "LogForward " + context);
            float[] logY = (float[])actual.Clone();
            var inPlace = (float[])x.Clone();
            Softmax.LogForward(inPlace, rows, cols, inPlace);
            TestData.AssertBitwise(logY, inPlace, "LogForward in place " + context);

            float[] dy = TestData.Random(rng, x.Length, 1f);
            Reference.SoftmaxBackward(y, dy, rows, cols, expected);
            Softmax.Backward(y, dy, rows, cols, actual);
            TestData.AssertClose(expected, actual, 1e-4, 1e-6, "Backward " + context);
            var dyCopy = (float[])dy.Clone();
            Softmax.Backward(y, dyCopy, rows, cols, dyCopy);
            TestData.AssertBitwise(actual, dyCopy, "Backward in place " + context);

            Reference.LogSoftmaxBackward(logY, dy, rows, cols, expected);
            Softmax.LogBackward(logY, dy, rows, cols, actual);
            TestData.AssertClose(expected, actual, 1e-4, 1e-5, "LogBackward " + context);
        }
    }

    [Fact]
    public void Forward_SpecialRows_FollowPyTorch()
    {
        float[] x = [1f, float.NaN, 2f, /**/ 0f, float.PositiveInfinity, 1f, /**/ float.NegativeInfinity, 0f, 0f];
        var y = new float[9];
        Softmax.Forward(x, 3, 3, y);
        Assert.All(y[..6], v => Assert.True(float.IsNaN(v)));
        Assert.Equal([0f, 0.5f, 0.5f], y[6..]);
    }

    [Fact]
    public void Backward_MatchesFiniteDifferencesOfForward()
    {
        // L = Σ w·f(x); dL/dx by central differences in double against Backward with dy = w.
        var rng = new Random(3);
        const int rows = 2, cols = 7;
        float[] x = TestData.Random(rng, rows * cols, 2f), w = TestData.Random(rng, rows * cols, 1f);
        foreach (bool log in new[] { false, true })
        {
            var y = new float[x.Length];
            var dx = new float[x.Length];
            if (log) { Softmax.LogForward(x, rows, cols, y); Softmax.LogBackward(y, w, rows, cols, dx); }
            else { Softmax.Forward(x, rows, cols, y); Softmax.Backward(y, w, rows, cols, dx); }
            for (int i = 0; i < x.Length; i++)
            {
                double numeric = (Loss(x, i, 1e-3, log) - Loss(x, i, -1e-3, log)) / 2e-3;
                Assert.True(Math.Abs(numeric - dx[i]) < 1e-3, $"log={log} [{i}] analytic {dx[i]}, numeric {numeric}");
            }
        }

        double Loss(float[] x0, int i, double h, bool log)
        {
            double sum = 0;
            for (int r = 0; r < rows; r++)
            {
                double m = double.NegativeInfinity, s = 0;
                for (int c = 0; c < cols; c++) m = Math.Max(m, X(r * cols + c));
                for (int c = 0; c < cols; c++) s += Math.Exp(X(r * cols + c) - m);
                for (int c = 0; c < cols; c++)
                {
                    double lp = X(r * cols + c) - m - Math.Log(s);
                    sum += w[r * cols + c] * (log ? lp : Math.Exp(lp));
                }
            }
            return sum;
            double X(int k) => x0[k] + (k == i ? h : 0);
        }
    }

    [Fact]
    public void Backward_DxOverlappingY_Throws()
    {
        var y = new float[6];
        var ex = Assert.Throws<ArgumentException>(() => Softmax.Backward(y, new float[6], 2, 3, y));
        Assert.Contains("Softmax.Backward", ex.Message);
        Assert.Throws<ArgumentException>(() => Softmax.Forward(new float[5], 2, 3, new float[6]));
    }
}
