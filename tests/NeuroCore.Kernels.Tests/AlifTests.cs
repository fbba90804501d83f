using FsCheck.Xunit;
using Xunit;

namespace NeuroCore.Kernels.Tests;

public class AlifTests
{
    static readonly LifReset[] Resets = [LifReset.Soft, LifReset.Hard];

    /// <summary>
    /// One random ALIF problem: I[T,N], β ∈ (0,1], θ0 &gt; 0, ρ ∈ [0,1], κ ≥ 0 (ρ, κ at 0 or 1 now and then), V0, A0;
    /// about one input in six makes H land exactly on the adaptive threshold θ_t.
    /// </summary>
    sealed class Problem
    {
        public int T, N, AtThreshold;
        public float[] Input = [], Beta = [], Theta0 = [], Rho = [], Kappa = [], V0 = [], A0 = [];

        public static Problem Create(Random rng, int n, int steps, LifReset reset, bool specials)
        {
            var p = new Problem
            {
                T = steps, N = n, Input = new float[steps * n], Beta = new float[n], Theta0 = new float[n], Rho = new float[n],
                Kappa = new float[n], V0 = new float[n], A0 = new float[n],
            };
            for (int j = 0; j < n; j++)
            {
                p.Beta[j] = rng.Next(8) == 0 ? 1f : (float)(1 - rng.NextDouble());
                p.Theta0[j] = (float)(0.05 + 2 * rng.NextDouble());
                p.Rho[j] = rng.Next(10) switch { 0 => 0f, 1 => 1f, _ => (float)rng.NextDouble() };
                p.Kappa[j] = rng.Next(10) == 0 ? 0f : (float)(2 * rng.NextDouble());
                p.V0[j] = (float)(rng.NextDouble() * 2 - 0.5);
                p.A0[j] = (float)rng.NextDouble();
            }
            for (int j = 0; j < n; j++)
            {
                float v = p.V0[j], a = p.A0[j], b = p.Beta[j], r = p.Rho[j];
                for (int t = 0; t < steps; t++)
                {
                    float bv = b * v, th = p.Theta0[j] + p.Kappa[j] * a;
                    float x = (float)(rng.NextDouble() * 2.4 - 0.6) * th;
                    if (rng.Next(6) == 0 && bv + (th - bv) == th) x = th - bv;
                    if (specials && rng.Next(40) == 0) x = rng.Next(3) switch { 0 => float.NaN, 1 => float.PositiveInfinity, _ => -0f };
                    p.Input[t * n + j] = x;
                    float h = bv + x;
                    if (h == th) p.AtThreshold++;
                    float s = h >= th ? 1f : 0f;
                    v = reset == LifReset.Soft ? h - s * th : h * (1f - s);
                    a = r * a + (1f - r) * s;
                }
            }
            return p;
        }

        public (float[] V, float[] A, float[] S, float[] H, float[] APrev) Forward(LifReset reset, int threads = 1)
        {
            float[] v = (float[])V0.Clone(), a = (float[])A0.Clone();
            float[] s = new float[T * N], h = new float[T * N], ap = new float[T * N];
            Alif.ScanForward(Input, T, N, Beta, Theta0, Rho, Kappa, reset, v, a, s, h, ap, threads);
            return (v, a, s, h, ap);
        }
    }

    [Property(MaxTest = 3)]
    public void ScanForward_EveryWidth_MatchesReferenceBitwise(int seed)
    {
        var rng = new Random(seed);
        int atThreshold = 0;
        foreach (int n in LifTests.Widths())
            foreach (LifReset reset in Resets)
            {
                int steps = rng.Next(0, 11);
                var p = Problem.Create(rng, n, steps, reset, specials: rng.Next(2) == 0);
                atThreshold += p.AtThreshold;
                float[] vE = (float[])p.V0.Clone(), aE = (float[])p.A0.Clone();
                float[] sE = new float[steps * n], hE = new float[steps * n], apE = new float[steps * n];
                Reference.AlifScanForward(p.Input, steps, n, p.Beta, p.Theta0, p.Rho, p.Kappa, reset, vE, aE, sE, hE, apE);
                var (vA, aA, sA, hA, apA) = p.Forward(reset);
                string ctx = $"n={n} T={steps} {reset} seed={seed} ({IsaInfo.Describe()})";
                TestData.AssertBitwise(sE, sA, ctx + " spikes");
                TestData.AssertBitwise(hE, hA, ctx + " h");
                TestData.AssertBitwise(apE, apA, ctx + " aSaved");
                // aSaved holds A_{t−1}: row 0 is A_{−1}, and row t + 1 is the update of row t by S_t.
                if (steps > 0) TestData.AssertBitwise(p.A0, apA.AsSpan(0, n).ToArray(), ctx + " aSaved row 0");
                for (int t = 0; t + 1 < steps; t++)
                    for (int j = 0; j < n; j++)
                    {
                        float r = p.Rho[j], next = r * apA[t * n + j] + (1f - r) * sA[t * n + j];
                        Assert.True(BitConverter.SingleToInt32Bits(next) == BitConverter.SingleToInt32Bits(apA[(t + 1) * n + j]),
                            $"{ctx}: aSaved[{t + 1},{j}] = {apA[(t + 1) * n + j]:R}, expected {next:R}");
                    }
                TestData.AssertBitwise(vE, vA, ctx + " v");
                TestData.AssertBitwise(aE, aA, ctx + " a");
                // Inference (nothing saved) and H-only saves give the same spikes and state.
                float[] vI = (float[])p.V0.Clone(), aI = (float[])p.A0.Clone(), sI = new float[steps * n], hI = new float[steps * n];
                Alif.ScanForward(p.Input, steps, n, p.Beta, p.Theta0, p.Rho, p.Kappa, reset, vI, aI, sI, default, default);
                TestData.AssertBitwise(sE, sI, ctx + " spikes (inference)");
                TestData.AssertBitwise(vE, vI, ctx + " v (inference)");
                TestData.AssertBitwise(aE, aI, ctx + " a (inference)");
                vI = (float[])p.V0.Clone();
                aI = (float[])p.A0.Clone();
                Alif.ScanForward(p.Input, steps, n, p.Beta, p.Theta0, p.Rho, p.Kappa, reset, vI, aI, sI, hI, default);
                TestData.AssertBitwise(hE, hI, ctx + " h (no trace saved)");
            }
        Assert.True(atThreshold > 100, $"only {atThreshold} inputs landed exactly on the threshold");
    }

    [Property(MaxTest = 3)]
    public void ScanBackward_EveryWidth_MatchesReferenceBitwise(int seed)
    {
        var rng = new Random(seed);
        if (rng.Next(2) == 0) BackwardMatchesReference(new FastSigmoidSurrogate((float)(1 + 30 * rng.NextDouble())), rng, seed, LifTests.Widths());
        else BackwardMatchesReference(new ATanSurrogate((float)(0.5 + 4 * rng.NextDouble())), rng, seed, LifTests.Widths());
    }

    [Fact]
    public void ScanBackward_LongSequence_MatchesReferenceBitwise()
    {
        // T = 300 over a whole tile, a partial one and a scalar tail. (Only arithmetic-only surrogates give bitwise equal
        // vector and scalar g.)
        var rng = new Random(21);
        BackwardMatchesReference(new FastSigmoidSurrogate(3f), rng, 21, [1037], steps: 300);
    }

    static void BackwardMatchesReference<TS>(TS sg, Random rng, int seed, IEnumerable<int> widths, int steps = -1)
        where TS : struct, ISurrogate
    {
        foreach (int n in widths)
            foreach (LifReset reset in Resets)
                foreach (bool detach in new[] { false, true })
                {
                    int t = steps >= 0 ? steps : rng.Next(0, 11);
                    var p = Problem.Create(rng, n, t, reset, specials: rng.Next(4) == 0);
                    var (_, _, s, h, ap) = p.Forward(reset);
                    float[] gS = TestData.Random(rng, t * n, 2f);
                    float[] init = TestData.Random(rng, n, 1f);
                    float[] giE = new float[t * n], giA = new float[t * n];
                    float[][] gE = [(float[])init.Clone(), (float[])init.Clone(), (float[])init.Clone(), (float[])init.Clone()];
                    float[][] gA = [(float[])init.Clone(), (float[])init.Clone(), (float[])init.Clone(), (float[])init.Clone()];
                    Reference.AlifScanBackward(sg, p.V0, h, ap, s, gS, t, n, p.Beta, p.Theta0, p.Rho, p.Kappa, reset, detach,
                        giE, gE[0], gE[1], gE[2], gE[3]);
                    Alif.ScanBackward(sg, p.V0, h, ap, s, gS, t, n, p.Beta, p.Theta0, p.Rho, p.Kappa, reset, detach,
                        giA, gA[0], gA[1], gA[2], gA[3]);
                    string ctx = $"{typeof(TS).Name} n={n} T={t} {reset} detach={detach} seed={seed} ({IsaInfo.Describe()})";
                    TestData.AssertClose(giE, giA, 0, 0, ctx + " gradInput");
                    TestData.AssertClose(gE[0], gA[0], 0, 0, ctx + " gradBeta");
                    TestData.AssertClose(gE[1], gA[1], 0, 0, ctx + " gradTheta0");
                    TestData.AssertClose(gE[2], gA[2], 0, 0, ctx + " gradRho");
                    TestData.AssertClose(gE[3], gA[3], 0, 0, ctx + " gradKappa");
                }
    }

    /// <summary>
    /// The ALIF forward in double with S_t = P(H_t − θ_t), P the surrogate's primitive, so its exact gradient is what
    /// the surrogate backward computes. With a detached reset the reset term uses <paramref name="sFixed"/> (the base
    /// point's S, held constant) while A_t still uses the smooth S. Loss = Σ w·S.
    /// </summary>
    static double SmoothLoss<TS>(TS sg, double[] input, double[] beta, double[] th0, double[] rho, double[] kappa, double[] v0,
        double[] a0, int steps, int n, LifReset reset, double[]? sFixed, double[] w, double[]? hOut = null,
        double[]? aOut = null, double[]? sOut = null) where TS : struct, ISurrogate
    {
        double loss = 0;
        for (int j = 0; j < n; j++)
        {
            double v = v0[j], a = a0[j];
            for (int t = 0; t < steps; t++)
            {
                int i = t * n + j;
                double h = beta[j] * v + input[i], th = th0[j] + kappa[j] * a;
                double s = sg.Primitive(h - th);
                double sr = sFixed is null ? s : sFixed[i];
                if (aOut is not null) aOut[i] = a; // A_{t−1}, before this step's update
                v = reset == LifReset.Soft ? h - sr * th : h * (1 - sr);
                a = rho[j] * a + (1 - rho[j]) * s;
                loss += w[i] * s;
                if (hOut is not null) hOut[i] = h;
                if (sOut is not null) sOut[i] = s;
            }
        }
        return loss;
    }

    [Property(MaxTest = 40)]
    public void ScanBackwardReference_SmoothForward_MatchesFiniteDifferences(int seed)
    {
        var rng = new Random(seed);
        switch (rng.Next(3))
        {
            case 0: FiniteDifferenceCheck(new FastSigmoidSurrogate((float)(0.5 + 4 * rng.NextDouble())), rng, seed); break;
            case 1: FiniteDifferenceCheck(new SigmoidSurrogate((float)(1 + 4 * rng.NextDouble())), rng, seed); break;
            default: FiniteDifferenceCheck(new ATanSurrogate((float)(0.5 + 2 * rng.NextDouble())), rng, seed); break;
        }
    }

    static void FiniteDifferenceCheck<TS>(TS sg, Random rng, int seed) where TS : struct, ISurrogate
    {
        int n = rng.Next(1, 4), steps = rng.Next(1, 8);
        var reset = Resets[rng.Next(2)];
        bool detach = rng.Next(2) == 0;
        // Float-representable values, so the float backward sees exactly the double problem.
        double[] F(int len, double lo, double hi) => Enumerable.Range(0, len).Select(_ => (double)(float)(lo + (hi - lo) * rng.NextDouble())).ToArray();
        double[] input = F(steps * n, -0.5, 1.5), beta = F(n, 0.2, 1.0), th0 = F(n, 0.3, 1.5), rho = F(n, 0.1, 0.95);
        double[] kappa = F(n, 0.0, 1.5), v0 = F(n, -0.5, 1.0), a0 = F(n, 0.0, 1.0), w = F(steps * n, -1, 1);
        double[] hD = new double[steps * n], aD = new double[steps * n], sD = new double[steps * n];
        SmoothLoss(sg, input, beta, th0, rho, kappa, v0, a0, steps, n, reset, null, w, hD, aD, sD);
        double[]? sFixed = detach ? (double[])sD.Clone() : null;

        static float[] f(double[] a) => a.Select(x => (float)x).ToArray();
        float[] gi = new float[steps * n], gb = new float[n], gt0 = new float[n], gr = new float[n], gk = new float[n];
        // The smooth S is fractional: the reference uses it and the smooth forward's A_{t−1} as given (θ_t recomputed).
        Reference.AlifScanBackward(sg, f(v0), f(hD), f(aD), f(sD), f(w), steps, n, f(beta), f(th0), f(rho), f(kappa),
            reset, detach, gi, gb, gt0, gr, gk);

        const double eps = 1e-5;
        double Fd(double[] a, int k)
        {
            double keep = a[k];
            a[k] = keep + eps;
            double up = SmoothLoss(sg, input, beta, th0, rho, kappa, v0, a0, steps, n, reset, sFixed, w);
            a[k] = keep - eps;
            double down = SmoothLoss(sg, input, beta, th0, rho, kappa, v0, a0, steps, n, reset, sFixed, w);
            a[k] = keep;
            return (up - down) / (2 * eps);
        }
        int nonZero = 0;
        void Check(string name, double[] a, float[] grad)
        {
            for (int k = 0; k < a.Length; k++)
            {
                double expected = Fd(a, k);
                if (Math.Abs(expected) > 1e-3) nonZero++;
                Assert.True(Math.Abs(grad[k] - expected) <= 3e-4 + 3e-4 * Math.Abs(expected),
                    $"{name}[{k}] = {grad[k]:R}, finite difference {expected:R} ({typeof(TS).Name} {reset} detach={detach} T={steps} N={n} seed={seed})");
            }
        }
        Check("gradInput", input, gi);
        Check("gradBeta", beta, gb);
        Check("gradTheta0", th0, gt0);
        Check("gradRho", rho, gr);
        Check("gradKappa", kappa, gk);
        Assert.True(nonZero > 0, "every gradient was zero: the check proved nothing");
    }

    [Fact]
    public void ScanForward_HandComputedTrajectory_MatchesGolden()
    {
        // β = ½, θ0 = 1, κ = ½, ρ = ½, V0 = A0 = 0, I = [5/4, 1/2, 1, 9/8]; dyadic, so every value is exact in float.
        // θ_t = 1 + A_{t−1}/2 and A_t = (A_{t−1} + S_t)/2 whatever the reset:
        //   soft: t0 H = 5/4,  θ = 1    → S 1, V 1/4,  A 1/2
        //         t1 H = 1/8 + 1/2 = 5/8,   θ = 5/4  → S 0, V 5/8,  A 1/4
        //         t2 H = 5/16 + 1 = 21/16,  θ = 9/8  → S 1, V 3/16, A 5/8
        //         t3 H = 3/32 + 9/8 = 39/32, θ = 21/16 → S 0 (a LIF with θ = 1 would fire here), V 39/32, A 5/16
        //   hard: t0 H = 5/4 → S 1, V 0;  t1 H = 1/2 → S 0, V 1/2;  t2 H = 1/4 + 1 = 5/4 ≥ 9/8 → S 1, V 0;
        //         t3 H = 9/8 < 21/16 → S 0, V 9/8; θ and A as for soft.
        // The saved trace is A_{t−1} = [0, 1/2, 1/4, 5/8], and θ0 + κ·A_{t−1} gives back θ.
        float[] input = [1.25f, 0.5f, 1f, 1.125f], aPrev = [0f, 0.5f, 0.25f, 0.625f], theta = [1f, 1.25f, 1.125f, 1.3125f];
        float[] s = [1, 0, 1, 0];
        Golden(LifReset.Soft, input, [1.25f, 0.625f, 1.3125f, 1.21875f], aPrev, theta, s, 1.21875f);
        Golden(LifReset.Hard, input, [1.25f, 0.5f, 1.25f, 1.125f], aPrev, theta, s, 1.125f);

        static void Golden(LifReset reset, float[] input, float[] h, float[] aPrev, float[] theta, float[] s, float vEnd)
        {
            // The same neuron over 37 columns exercises every vector width and the scalar tail.
            const int n = 37;
            var p = OneNeuronProblem(input, n);
            var (v, a, sp, hs, aps) = p.Forward(reset);
            for (int t = 0; t < input.Length; t++)
                for (int j = 0; j < n; j++)
                {
                    Assert.Equal(h[t], hs[t * n + j]);
                    Assert.Equal(aPrev[t], aps[t * n + j]);
                    Assert.Equal(theta[t], p.Theta0[j] + p.Kappa[j] * aps[t * n + j]);
                    Assert.Equal(s[t], sp[t * n + j]);
                }
            Assert.All(v, x => Assert.Equal(vEnd, x));
            Assert.All(a, x => Assert.Equal(0.3125f, x));
        }
    }

    [Fact]
    public void ScanBackward_HandComputedTrajectory_MatchesGolden()
    {
        // The trajectory of the forward golden, loss = S_3 (gS = [0, 0, 0, 1]), rectangular surrogate of width 2:
        // g = ½ at every step (|H − θ| < 1). A_{t−1} = [0, 1/2, 1/4, 5/8]. Walking back (gŜ = gS + ½·gA − gV·θ):
        // soft, not detached:
        //   t3: gV = gA = 0 → gŜ = 1, gH = ½, gθ = −½ (S = 0);       gκ += −½·5/8,  gβ += ½·V2 = ½·3/16;  gV = ¼, gA = −¼
        //   t2: gŜ = 0 − ⅛ − ¼·9/8 = −13/32, gH = −13/64 + ¼ = 3/64, gθ = 13/64 − ¼·1 = −3/64;
        //       gκ += −3/64·¼, gρ += −¼·(¼ − 1) = 3/16, gβ += 3/64·5/8;  gV = 3/128, gA = −⅛ − 3/128 = −19/128
        //   t1: gŜ = −19/256 − 3/128·5/4 = −53/512, gH = −53/1024 + 3/128 = −29/1024, gθ = 53/1024 (S = 0);
        //       gκ += 53/1024·½, gρ += −19/128·½, gβ += −29/1024·¼;  gV = −29/2048, gA = −19/256 + 53/2048 = −99/2048
        //   t0: gŜ = −99/4096 + 29/2048 = −41/4096, gH = −41/8192 − 29/2048 = −157/8192, gθ = 41/8192 + 29/2048 = 157/8192;
        //       gκ += 0, gρ += −99/2048·(0 − 1) = 99/2048, gβ += 0 (V0 = 0)
        //   → gI = [−157/8192, −29/1024, 3/64, ½], gβ = 3/32 + 15/512 − 29/4096 = 475/4096,
        //     gθ0 = −½ − 3/64 + 53/1024 + 157/8192 = −3899/8192, gρ = 3/16 − 19/256 + 99/2048 = 331/2048,
        //     gκ = −5/16 − 3/256 + 53/2048 = −611/2048.
        // hard, detached (gŜ = gS + ½·gA; gH = gŜ·g + gV·(1 − S); gθ = −gŜ·g):
        //   t3: gŜ = 1, gH = ½, gθ = −½; gκ += −5/16; gβ += ½·V2 = 0;        gV = ¼, gA = −¼
        //   t2: gŜ = −⅛, gH = −1/16 + 0, gθ = 1/16; gκ += 1/64, gρ += 3/16, gβ += −1/16·½;  gV = −1/32, gA = −3/32
        //   t1: gŜ = −3/64, gH = −3/128 − 1/32 = −7/128, gθ = 3/128; gκ += 3/256, gρ += −3/64, gβ += 0 (V0' = 0)
        //       gV = −7/256, gA = −3/64 + 3/256 = −9/256
        //   t0: gŜ = −9/512, gH = −9/1024 (S = 1), gθ = 9/1024; gρ += 9/256
        //   → gI = [−9/1024, −7/128, −1/16, ½], gβ = −1/32, gθ0 = −415/1024, gρ = 45/256, gκ = −73/256.
        // (Both sets were also checked exactly, with rationals, against the derivative of the forward linearised
        // through g.) The other two modes (soft detached, hard not detached), derived the same way:
        Golden(LifReset.Soft, false, [-157f / 8192, -29f / 1024, 3f / 64, 0.5f], 475f / 4096, -3899f / 8192, 331f / 2048, -611f / 2048);
        Golden(LifReset.Hard, true, [-9f / 1024, -7f / 128, -1f / 16, 0.5f], -1f / 32, -415f / 1024, 45f / 256, -73f / 256);
        Golden(LifReset.Soft, true, [-1f / 1024, 5f / 128, 3f / 16, 0.5f], 113f / 512, -647f / 1024, 41f / 256, -85f / 256);
        Golden(LifReset.Hard, false, [45f / 2048, -11f / 128, -7f / 32, 0.5f], -7f / 64, -669f / 2048, 51f / 256, -69f / 256);

        static void Golden(LifReset reset, bool detach, float[] gI, float gBeta, float gTheta0, float gRho, float gKappa)
        {
            const int n = 37, steps = 4;
            var p = OneNeuronProblem([1.25f, 0.5f, 1f, 1.125f], n);
            var (_, _, s, h, ap) = p.Forward(reset);
            float[] gS = new float[steps * n];
            Array.Fill(gS, 1f, 3 * n, n);
            float[] gi = new float[steps * n], gb = new float[n], gt0 = new float[n], gr = new float[n], gk = new float[n];
            Alif.ScanBackward(new RectangularSurrogate(2f), p.V0, h, ap, s, gS, steps, n, p.Beta, p.Theta0, p.Rho, p.Kappa,
                reset, detach, gi, gb, gt0, gr, gk);
            for (int j = 0; j < n; j++)
            {
                string ctx = $"{reset} detach={detach} neuron {j}";
                for (int t = 0; t < steps; t++) Assert.True(gi[t * n + j] == gI[t], $"{ctx}: gI{t} = {gi[t * n + j]}, expected {gI[t]}");
                Assert.True(gb[j] == gBeta, $"{ctx}: gβ = {gb[j]}, expected {gBeta}");
                Assert.True(gt0[j] == gTheta0, $"{ctx}: gθ0 = {gt0[j]}, expected {gTheta0}");
                Assert.True(gr[j] == gRho, $"{ctx}: gρ = {gr[j]}, expected {gRho}");
                Assert.True(gk[j] == gKappa, $"{ctx}: gκ = {gk[j]}, expected {gKappa}");
            }
        }
    }

    static Problem OneNeuronProblem(float[] input, int n)
    {
        int steps = input.Length;
        var p = new Problem
        {
            T = steps, N = n, Input = new float[steps * n], Beta = Filled(n, 0.5f), Theta0 = Filled(n, 1f), Rho = Filled(n, 0.5f),
            Kappa = Filled(n, 0.5f), V0 = new float[n], A0 = new float[n],
        };
        for (int t = 0; t < steps; t++) Array.Fill(p.Input, input[t], t * n, n);
        return p;

        static float[] Filled(int n, float x) => Enumerable.Repeat(x, n).ToArray();
    }

    [Fact]
    public void WithoutAdaptation_MatchesLif()
    {
        // κ = 0 and ρ = 0 make θ_t = θ0: spikes, H and V equal the LIF scan bitwise, and the input, β and θ gradients
        // agree to rounding (the two backward passes group the same terms differently).
        var rng = new Random(17);
        const int n = 300, steps = 9;
        foreach (LifReset reset in Resets)
            foreach (bool detach in new[] { false, true })
            {
                var p = Problem.Create(rng, n, steps, reset, specials: false);
                Array.Clear(p.Kappa);
                Array.Clear(p.Rho);
                var (v, _, s, h, ap) = p.Forward(reset);
                float[] vL = (float[])p.V0.Clone(), sL = new float[steps * n], hL = new float[steps * n];
                Lif.ScanForward(p.Input, steps, n, p.Beta, p.Theta0, reset, vL, sL, hL);
                TestData.AssertBitwise(sL, s, $"{reset} spikes");
                TestData.AssertBitwise(hL, h, $"{reset} h");
                TestData.AssertBitwise(vL, v, $"{reset} v");
                var sg = new FastSigmoidSurrogate(5f);
                float[] gS = TestData.Random(rng, steps * n, 1f);
                float[] giA = new float[steps * n], gbA = new float[n], gtA = new float[n], grA = new float[n], gkA = new float[n];
                Alif.ScanBackward(sg, p.V0, h, ap, s, gS, steps, n, p.Beta, p.Theta0, p.Rho, p.Kappa, reset, detach, giA, gbA, gtA, grA, gkA);
                float[] giL = new float[steps * n], gbL = new float[n], gtL = new float[n];
                Lif.ScanBackward(sg, p.V0, hL, sL, gS, default, steps, n, p.Beta, p.Theta0, reset, detach, giL, gbL, gtL, default);
                TestData.AssertClose(giL, giA, 1e-5, 1e-6, $"{reset} detach={detach} gradInput");
                TestData.AssertClose(gbL, gbA, 1e-5, 1e-5, $"{reset} detach={detach} gradBeta");
                TestData.AssertClose(gtL, gtA, 1e-5, 1e-5, $"{reset} detach={detach} gradTheta0");
            }
    }

    [Theory]
    [InlineData(1000, 5)]
    [InlineData(2048, 7)]
    [InlineData(3077, 5)]
    [InlineData(5 * 1024 + 13, 3)]
    [InlineData(1100, 520)] // a long sequence
    public void Scans_AnyThreadCount_BitwiseEqual(int n, int steps)
    {
        var rng = new Random(n);
        foreach (LifReset reset in Resets)
        {
            var p = Problem.Create(rng, n, steps, reset, specials: true);
            float[] gS = TestData.Random(rng, steps * n, 2f);
            float[][]? first = null;
            foreach (int threads in new[] { 1, 2, 3 })
            {
                var (v, a, s, h, ap) = p.Forward(reset, threads);
                float[] gi = new float[steps * n], gb = new float[n], gt0 = new float[n], gr = new float[n], gk = new float[n];
                Alif.ScanBackward(new ATanSurrogate(2f), p.V0, h, ap, s, gS, steps, n, p.Beta, p.Theta0, p.Rho, p.Kappa, reset,
                    reset == LifReset.Hard, gi, gb, gt0, gr, gk, threads);
                float[][] all = [v, a, s, h, ap, gi, gb, gt0, gr, gk];
                if (first is null)
                {
                    first = all;
                    continue;
                }
                for (int k = 0; k < all.Length; k++) TestData.AssertBitwise(first[k], all[k], $"n={n} T={steps} {reset} threads={threads} output {k}");
            }
        }
    }

    [Fact]
    public void Step_RepeatedOverTime_EqualsScan()
    {
        var rng = new Random(9);
        const int n = 83, steps = 9;
        var p = Problem.Create(rng, n, steps, LifReset.Hard, specials: false);
        var (vScan, aScan, sScan, hScan, apScan) = p.Forward(LifReset.Hard);
        float[] v = (float[])p.V0.Clone(), a = (float[])p.A0.Clone();
        float[] s = new float[steps * n], h = new float[steps * n], ap = new float[steps * n];
        for (int t = 0; t < steps; t++)
            Alif.Step(p.Input.AsSpan(t * n, n), p.Beta, p.Theta0, p.Rho, p.Kappa, LifReset.Hard, v, a, s.AsSpan(t * n, n),
                h.AsSpan(t * n, n), ap.AsSpan(t * n, n));
        TestData.AssertBitwise(sScan, s, "spikes");
        TestData.AssertBitwise(hScan, h, "h");
        TestData.AssertBitwise(apScan, ap, "aPrev");
        TestData.AssertBitwise(vScan, v, "v");
        TestData.AssertBitwise(aScan, a, "a");
    }

    [Fact]
    public void Scans_InPlace_MatchOutOfPlace()
    {
        // Documented aliasing: spikes, hSaved or aSaved may be the input buffer; gradInput may be gradSpikes.
        var rng = new Random(13);
        var sg = new SigmoidSurrogate(4f);
        foreach (int n in new[] { 1, 15, 16, 37, 130, 1100 })
        {
            const int steps = 6;
            var p = Problem.Create(rng, n, steps, LifReset.Soft, specials: false);
            var (v, a, s, h, ap) = p.Forward(LifReset.Soft);
            for (int which = 0; which < 3; which++)
            {
                float[] x = (float[])p.Input.Clone(), v2 = (float[])p.V0.Clone(), a2 = (float[])p.A0.Clone();
                float[] s2 = which == 0 ? x : new float[steps * n], h2 = which == 1 ? x : new float[steps * n], ap2 = which == 2 ? x : new float[steps * n];
                Alif.ScanForward(x, steps, n, p.Beta, p.Theta0, p.Rho, p.Kappa, LifReset.Soft, v2, a2, s2, h2, ap2);
                string ctx = $"n={n} {(which == 0 ? "spikes" : which == 1 ? "h" : "aSaved")} over input";
                TestData.AssertBitwise(s, s2, ctx + ": spikes");
                TestData.AssertBitwise(h, h2, ctx + ": h");
                TestData.AssertBitwise(ap, ap2, ctx + ": aSaved");
                TestData.AssertBitwise(v, v2, ctx + ": v");
                TestData.AssertBitwise(a, a2, ctx + ": a");
            }
            float[] gS = TestData.Random(rng, steps * n, 2f), gi = new float[steps * n];
            Alif.ScanBackward(sg, p.V0, h, ap, s, gS, steps, n, p.Beta, p.Theta0, p.Rho, p.Kappa, LifReset.Soft, false,
                gi, new float[n], new float[n], new float[n], new float[n]);
            Alif.ScanBackward(sg, p.V0, h, ap, s, gS, steps, n, p.Beta, p.Theta0, p.Rho, p.Kappa, LifReset.Soft, false,
                gS, new float[n], new float[n], new float[n], new float[n]);
            TestData.AssertBitwise(gi, gS, $"n={n} gradInput over gradSpikes");
        }
    }

    [Fact]
    public void StepAndScans_FirstCallOnAFreshThreadAndSteadyState_AllocateNothing()
    {
        const int n = 2 * 1024 + 70, steps = 5;
        var p = Problem.Create(new Random(3), n, steps, LifReset.Hard, specials: false);
        float[] v = new float[n], a = new float[n], s = new float[steps * n], h = new float[steps * n], ap = new float[steps * n];
        float[] gS = TestData.Random(new Random(4), steps * n), gi = new float[steps * n];
        float[] gb = new float[n], gt0 = new float[n], gr = new float[n], gk = new float[n];
        var sg = new FastSigmoidSurrogate(5f);
        Action run = () =>
        {
            Alif.Step(p.Input.AsSpan(0, n), p.Beta, p.Theta0, p.Rho, p.Kappa, LifReset.Soft, v, a, s.AsSpan(0, n), default, default);
            Alif.ScanForward(p.Input, steps, n, p.Beta, p.Theta0, p.Rho, p.Kappa, LifReset.Hard, v, a, s, h, ap);
            Alif.ScanBackward(sg, p.V0, h, ap, s, gS, steps, n, p.Beta, p.Theta0, p.Rho, p.Kappa, LifReset.Hard, false, gi, gb, gt0, gr, gk);
            Alif.ScanForward(p.Input, steps, n, p.Beta, p.Theta0, p.Rho, p.Kappa, LifReset.Hard, v, a, s, h, ap, threads: 2);
            Alif.ScanBackward(sg, p.V0, h, ap, s, gS, steps, n, p.Beta, p.Theta0, p.Rho, p.Kappa, LifReset.Hard, false, gi, gb, gt0, gr, gk, threads: 3);
        };
        LifTests.AssertSteadyStateAllocatesNothing(run, "Alif kernels"); // also JITs the code and starts the pool workers
        // Kernels hold no per-thread state: the very first call on a thread that never ran them allocates nothing either.
        long firstCall = -1;
        var fresh = new Thread(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            run();
            firstCall = GC.GetAllocatedBytesForCurrentThread() - before;
        });
        fresh.Start();
        fresh.Join();
        Assert.True(firstCall == 0, $"Alif kernels allocated {firstCall} bytes on their first call on a fresh thread");
        // Nor any static state at all (constants aside): a per-thread buffer would hide on the pool's worker threads.
        var fields = typeof(Alif).GetFields(System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public
            | System.Reflection.BindingFlags.NonPublic).Where(f => !f.IsLiteral).Select(f => f.Name);
        Assert.Empty(fields);
    }

    [Fact]
    public void Kernels_BadArguments_ThrowNamingTheSpan()
    {
        var x = new float[12];
        var q = new float[4];
        var sg = new FastSigmoidSurrogate(1f);
        Assert.Throws<ArgumentOutOfRangeException>(() => Alif.ScanForward(x, -1, 4, q, q, q, q, LifReset.Soft, q, q, x, default, default));
        Assert.Throws<ArgumentOutOfRangeException>(() => Alif.ScanForward(x, 3, -4, q, q, q, q, LifReset.Soft, q, q, x, default, default));
        AssertNames("input", () => Alif.ScanForward(x, 4, 4, q, q, q, q, LifReset.Soft, q, q, new float[16], default, default));
        AssertNames("spikes", () => Alif.ScanForward(x, 3, 4, q, q, q, q, LifReset.Soft, q, q, new float[11], default, default));
        AssertNames("rho", () => Alif.ScanForward(x, 3, 4, q, q, new float[3], q, LifReset.Soft, q, q, x, default, default));
        AssertNames("kappa", () => Alif.ScanForward(x, 3, 4, q, q, q, new float[3], LifReset.Soft, q, q, x, default, default));
        AssertNames("a must", () => Alif.ScanForward(x, 3, 4, q, q, q, q, LifReset.Soft, q, new float[3], x, default, default));
        AssertNames("aSaved", () => Alif.ScanForward(x, 3, 4, q, q, q, q, LifReset.Soft, q, q, x, default, new float[5]));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Alif.ScanForward(x, 3, 4, q, q, q, q, LifReset.Soft, q, q, x, default, default, threads: 0));
        Assert.Contains("Alif.ScanForward", e.Message);
        AssertNames("v0", () => Alif.ScanBackward(sg, new float[3], x, x, x, x, 3, 4, q, q, q, q, LifReset.Soft, false, x, q, q, q, q));
        AssertNames("aSaved", () => Alif.ScanBackward(sg, q, x, new float[11], x, x, 3, 4, q, q, q, q, LifReset.Soft, false, x, q, q, q, q));
        AssertNames("gradInput", () => Alif.ScanBackward(sg, q, x, x, x, x, 3, 4, q, q, q, q, LifReset.Soft, false, new float[11], q, q, q, q));
        AssertNames("gradKappa", () => Alif.ScanBackward(sg, q, x, x, x, x, 3, 4, q, q, q, q, LifReset.Soft, false, x, q, q, q, new float[3]));
        AssertNames("theta0", () => Alif.ScanBackward(sg, q, x, x, x, x, 3, 4, q, new float[3], q, q, LifReset.Soft, false, x, q, q, q, q));
        Assert.Throws<ArgumentOutOfRangeException>(() => Alif.ScanBackward(sg, q, x, x, x, x, 3, 4, q, q, q, q, LifReset.Soft, false, x, q, q, q, q, threads: 257));
        Alif.ScanForward(x, 0, 4, q, q, q, q, LifReset.Soft, q, q, default, default, default); // T = 0 is a no-op
        Alif.ScanBackward(sg, q, default, default, default, default, 0, 4, q, q, q, q, LifReset.Soft, false, default, q, q, q, q);

        static void AssertNames(string what, Action call)
        {
            var ex = Assert.Throws<ArgumentException>(call);
            Assert.Contains("Alif.Scan", ex.Message);
            Assert.Contains(what, ex.Message);
        }
    }
}
