using FsCheck.Xunit;
using Xunit;

namespace NeuroCore.Kernels.Tests;

public class OptimTests
{
    [Property(MaxTest = 4)]
    public void Sgd_EveryLength_BitwiseEqualReferenceOverSteps(int seed)
    {
        var rng = new Random(seed);
        foreach (int n in TestData.Lengths())
        {
            float lr = (float)rng.NextDouble() * 0.1f, momentum = rng.Next(3) == 0 ? 0f : (float)rng.NextDouble();
            bool nesterov = momentum > 0 && rng.Next(2) == 0;
            float dampening = nesterov ? 0f : (float)rng.NextDouble() * 0.5f, wd = rng.Next(2) == 0 ? 0f : 1e-3f;
            float[] p = TestData.Random(rng, n, 1f), pRef = (float[])p.Clone();
            float[] vel = new float[momentum == 0 ? 0 : n], velRef = new float[vel.Length];
            for (int step = 0; step < 3; step++)
            {
                float[] g = TestData.Random(rng, n, 1f, specials: step == 2);
                Optim.SgdMomentum(p, g, vel, lr, momentum, dampening, wd, nesterov, step == 0);
                Reference.SgdMomentum(pRef, g, velRef, lr, momentum, dampening, wd, nesterov, step == 0);
                string context = $"SGD n={n} step={step} momentum={momentum} nesterov={nesterov}";
                TestData.AssertBitwise(pRef, p, context);
                TestData.AssertBitwise(velRef, vel, context + " velocity");
            }
        }
    }

    [Property(MaxTest = 4)]
    public void AdamAndAdamW_EveryLength_BitwiseEqualReferenceOverSteps(int seed)
    {
        var rng = new Random(seed);
        foreach (int n in TestData.Lengths())
        {
            bool decoupled = rng.Next(2) == 0;
            float lr = 1e-3f, beta1 = rng.Next(4) == 0 ? 0.3f : 0.9f, beta2 = 0.999f, eps = 1e-8f, wd = rng.Next(2) == 0 ? 0f : 0.01f;
            float[] p = TestData.Random(rng, n, 1f), pRef = (float[])p.Clone();
            float[] m = new float[n], v = new float[n], mRef = new float[n], vRef = new float[n];
            for (int step = 1; step <= 3; step++)
            {
                float[] g = TestData.Random(rng, n, 1f, specials: step == 3);
                if (decoupled)
                {
                    Optim.AdamW(p, g, m, v, lr, beta1, beta2, eps, wd, step);
                    Reference.AdamW(pRef, g, mRef, vRef, lr, beta1, beta2, eps, wd, step);
                }
                else
                {
                    Optim.Adam(p, g, m, v, lr, beta1, beta2, eps, wd, step);
                    Reference.Adam(pRef, g, mRef, vRef, lr, beta1, beta2, eps, wd, step);
                }
                string context = $"{(decoupled ? "AdamW" : "Adam")} n={n} step={step} beta1={beta1}";
                TestData.AssertBitwise(pRef, p, context);
                TestData.AssertBitwise(mRef, m, context + " m");
                TestData.AssertBitwise(vRef, v, context + " v");
            }
        }
    }

    [Property(MaxTest = 4)]
    public void AdamAndAdamW_Threaded_BitwiseEqualReferenceForAnyThreadCount(int seed)
    {
        // The split forced at every length (threshold 0): 0..257 sit inside one 4096-element block; the longer lengths
        // cross block boundaries with a scalar tail in the last block.
        var rng = new Random(seed);
        foreach (int n in TestData.Lengths().Concat([4096, 4096 * 2 + 17, 4096 * 3 + 5]))
        {
            bool decoupled = rng.Next(2) == 0;
            float wd = rng.Next(2) == 0 ? 0f : 0.01f;
            float[] pRef = TestData.Random(rng, n, 1f), mRef = new float[n], vRef = new float[n];
            float[][] p = [(float[])pRef.Clone(), (float[])pRef.Clone(), (float[])pRef.Clone()];
            float[][] m = [new float[n], new float[n], new float[n]], v = [new float[n], new float[n], new float[n]];
            for (int step = 1; step <= 2; step++)
            {
                float[] g = TestData.Random(rng, n, 1f, specials: step == 2);
                if (decoupled) Reference.AdamW(pRef, g, mRef, vRef, 1e-3f, 0.9f, 0.999f, 1e-8f, wd, step);
                else Reference.Adam(pRef, g, mRef, vRef, 1e-3f, 0.9f, 0.999f, 1e-8f, wd, step);
                for (int t = 1; t <= 3; t++)
                {
                    Optim.AdamCore(decoupled, p[t - 1], g, m[t - 1], v[t - 1], 1e-3f, 0.9f, 0.999f, 1e-8f, wd, step, t, parallelThreshold: 0);
                    string context = $"{(decoupled ? "AdamW" : "Adam")} n={n} step={step} threads={t}";
                    TestData.AssertBitwise(pRef, p[t - 1], context);
                    TestData.AssertBitwise(mRef, m[t - 1], context + " m");
                    TestData.AssertBitwise(vRef, v[t - 1], context + " v");
                }
            }
        }
    }

    [Fact]
    public void Adam_Threaded_SteadyState_AllocatesNothing()
    {
        int n = 100_000;
        float[] p = new float[n], g = new float[n], m = new float[n], v = new float[n];
        LifTests.AssertSteadyStateAllocatesNothing(() => Optim.Adam(p, g, m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, 1, 2), "Adam at 2 threads");
        LifTests.AssertSteadyStateAllocatesNothing(() => Optim.AdamW(p, g, m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, 1, 2), "AdamW at 2 threads");
    }

    [Fact]
    public void Adam_ThreadsOutOfRange_ThrowsNamingTheOp()
    {
        float[] p = new float[4], g = new float[4], m = new float[4], v = new float[4];
        var e = Assert.ThrowsAny<ArgumentException>(() => Optim.Adam(p, g, m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, 1, 0));
        Assert.Contains("Optim.Adam", e.Message);
    }

    [Fact]
    public void Adam_FirstStep_MovesEachParameterByLrTimesSignOfGradient()
    {
        // At t = 1 with zero state: m̂ = g and v̂ = g², so Δp = −lr·g/(|g| + ε) ≈ −lr·sign(g).
        float[] p = [1f, 1f, 1f], g = [0.5f, -2f, 1e-3f];
        float[] m = new float[3], v = new float[3];
        Optim.Adam(p, g, m, v, 0.1f, 0.9f, 0.999f, 1e-8f, 0f, 1);
        Assert.Equal(0.9f, p[0], 1e-6f);
        Assert.Equal(1.1f, p[1], 1e-6f);
        Assert.Equal(0.9f, p[2], 1e-4f);
        // AdamW with decay first shrinks p by (1 − lr·wd) = 0.99.
        float[] q = [1f];
        Optim.AdamW(q, [0.5f], new float[1], new float[1], 0.1f, 0.9f, 0.999f, 1e-8f, 0.1f, 1);
        Assert.Equal(0.99f - 0.1f, q[0], 1e-6f);
    }

    [Fact]
    public void Sgd_HandWorkedMomentum_MatchesPyTorchFormula()
    {
        // lr 0.1, momentum 0.9: step 1 buf = g = 1 → p = 1 − 0.1 = 0.9; step 2 buf = 0.9·1 + 1 = 1.9 → p = 0.9 − 0.19 = 0.71.
        float[] p = [1f], vel = [0f];
        Optim.SgdMomentum(p, [1f], vel, 0.1f, 0.9f, 0f, 0f, false, true);
        Assert.Equal(0.9f, p[0], 1e-6f);
        Optim.SgdMomentum(p, [1f], vel, 0.1f, 0.9f, 0f, 0f, false, false);
        Assert.Equal(1.9f, vel[0], 1e-6f);
        Assert.Equal(0.71f, p[0], 1e-6f);
    }

    [Fact]
    public void Optim_BadArguments_Throw()
    {
        Assert.Throws<ArgumentException>(() => Optim.SgdMomentum(new float[4], new float[3], new float[4], 0.1f, 0.9f, 0, 0, false, true));
        Assert.Throws<ArgumentException>(() => Optim.SgdMomentum(new float[4], new float[4], new float[4], 0.1f, 0.9f, 0.5f, 0, true, true));
        Assert.Throws<ArgumentException>(() => Optim.Adam(new float[4], new float[4], new float[4], new float[3], 0.1f, 0.9f, 0.999f, 1e-8f, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Optim.AdamW(new float[4], new float[4], new float[4], new float[4], 0.1f, 0.9f, 0.999f, 1e-8f, 0, 0));
    }
}
