using FsCheck.Xunit;
using Xunit;

namespace NeuroCore.Kernels.Tests;

public class CeLifTests
{
    static readonly LifReset[] Resets = [LifReset.Soft, LifReset.Hard];

    /// <summary>
    /// One random CE-LIF problem: I[T,N], X[T,N], α, ρ, κ ∈ (0,1) (κ at 0 now and then: the table form), θ0 &gt; 0,
    /// β ≥ 0, γ of either sign, θ_min, and initial V, A, C; the drive sometimes pushes the threshold onto its floor.
    /// </summary>
    sealed class Problem
    {
        public int T, N;
        public float ThetaMin;
        public LifReset Reset;
        public CeLifContext Context;
        public bool UseDrive;
        public float[] Input = [], Drive = [], Alpha = [], Theta0 = [], Beta = [], Gamma = [], Rho = [], Kappa = [], V0 = [], A0 = [], C0 = [];

        public CeLifCoefficients K => new()
        {
            Alpha = Alpha, Theta0 = Theta0, Beta = Beta, Gamma = Gamma, Rho = Rho, Kappa = Kappa, ThetaMin = ThetaMin,
            Reset = Reset, Context = Context,
        };

        public float[] DriveOrEmpty => UseDrive ? Drive : [];

        public static Problem Create(Random rng, int n, int steps, LifReset reset, CeLifContext context, bool specials)
        {
            var p = new Problem
            {
                T = steps, N = n, Reset = reset, Context = context, UseDrive = rng.Next(5) != 0, ThetaMin = (float)(0.02 + 0.2 * rng.NextDouble()),
                Input = new float[steps * n], Drive = TestData.Random(rng, steps * n, 1.5f, specials),
                Alpha = new float[n], Theta0 = new float[n], Beta = new float[n], Gamma = new float[n], Rho = new float[n],
                Kappa = new float[n], V0 = new float[n], A0 = new float[n], C0 = new float[n],
            };
            for (int j = 0; j < n; j++)
            {
                p.Alpha[j] = (float)(0.05 + 0.9 * rng.NextDouble());
                p.Theta0[j] = (float)(0.2 + 1.5 * rng.NextDouble());
                p.Beta[j] = rng.Next(6) == 0 ? 0f : (float)(1.5 * rng.NextDouble());
                p.Gamma[j] = (float)(2 * rng.NextDouble() - 1);
                p.Rho[j] = (float)(0.05 + 0.9 * rng.NextDouble());
                p.Kappa[j] = rng.Next(4) == 0 ? 0f : (float)(0.05 + 0.94 * rng.NextDouble());
                p.V0[j] = (float)(rng.NextDouble() * 2 - 0.5);
                p.A0[j] = (float)rng.NextDouble();
                p.C0[j] = (float)(rng.NextDouble() * 2 - 1);
            }
            for (int i = 0; i < p.Input.Length; i++)
                p.Input[i] = specials && rng.Next(40) == 0
                    ? rng.Next(3) switch { 0 => float.NaN, 1 => float.PositiveInfinity, _ => -0f }
                    : (float)(rng.NextDouble() * 4 - 1);
            return p;
        }

        /// <summary>The kernel forward saving its checkpoints.</summary>
        public (float[] V, float[] A, float[] C, float[] S, float[] Checkpoints) Forward(int threads = 1)
        {
            float[] v = (float[])V0.Clone(), a = (float[])A0.Clone(), c = (float[])C0.Clone();
            float[] s = new float[T * N], cp = new float[CeLif.CheckpointLength(T, N)];
            CeLif.ScanForward(Input, DriveOrEmpty, T, N, K, v, a, c, s, cp, threads);
            return (v, a, c, s, cp);
        }

        /// <summary>The kernel forward's twin.</summary>
        public (float[] V, float[] A, float[] C, float[] S, float[] Checkpoints) ForwardReference()
        {
            float[] v = (float[])V0.Clone(), a = (float[])A0.Clone(), c = (float[])C0.Clone();
            float[] s = new float[T * N], cp = new float[CeLif.CheckpointLength(T, N)];
            Reference.CeLifScanForward(Input, DriveOrEmpty, T, N, K, v, a, c, s, cp);
            return (v, a, c, s, cp);
        }

        /// <summary>The reference forward keeping every step's H, A_{t−1}, C_t (the derivation's saved state).</summary>
        public (float[] V, float[] A, float[] C, float[] S, float[] H, float[] APrev, float[] CSaved) ForwardSaved()
        {
            float[] v = (float[])V0.Clone(), a = (float[])A0.Clone(), c = (float[])C0.Clone();
            float[] s = new float[T * N], h = new float[T * N], ap = new float[T * N], cs = new float[T * N];
            Reference.CeLifScanForwardSaved(Input, DriveOrEmpty, T, N, K, v, a, c, s, h, ap, cs);
            return (v, a, c, s, h, ap, cs);
        }
    }

    /// <summary>Gradient outputs of one backward call: gI, gX, the six parameter sums, then the three carries.</summary>
    sealed class Grads(int n, int steps, float[] carryV, float[] carryA, float[] carryC)
    {
        public float[] I = new float[steps * n], X = new float[steps * n];
        public float[] Alpha = new float[n], Theta0 = new float[n], Beta = new float[n], Gamma = new float[n], Rho = new float[n], Kappa = new float[n];
        public float[] V = (float[])carryV.Clone(), A = (float[])carryA.Clone(), C = (float[])carryC.Clone();

        public CeLifGradients Params => new() { Alpha = Alpha, Theta0 = Theta0, Beta = Beta, Gamma = Gamma, Rho = Rho, Kappa = Kappa };

        public float[][] All => [I, X, Alpha, Theta0, Beta, Gamma, Rho, Kappa, V, A, C];

        public static readonly string[] Names = ["gradInput", "gradDrive", "gAlpha", "gTheta0", "gBeta", "gGamma", "gRho", "gKappa", "gradV", "gradA", "gradC"];
    }

    static Grads Backward<TS>(TS sg, Problem p, bool detach, float[] gS, float[] checkpoints,
        float[] carryV, float[] carryA, float[] carryC, bool reference, int threads = 1) where TS : struct, ISurrogate
    {
        var g = new Grads(p.N, p.T, carryV, carryA, carryC);
        if (reference)
            Reference.CeLifScanBackward(sg, p.Input, p.DriveOrEmpty, p.T, p.N, p.K, detach, checkpoints, gS, g.I, g.X,
                g.Params, g.V, g.A, g.C);
        else
            CeLif.ScanBackward(sg, p.Input, p.DriveOrEmpty, p.T, p.N, p.K, detach, checkpoints, gS, g.I, g.X,
                g.Params, g.V, g.A, g.C, threads);
        return g;
    }

    [Property(MaxTest = 2)]
    public void ScanForward_EveryWidth_MatchesReferenceBitwise(int seed)
    {
        var rng = new Random(seed);
        int floored = 0;
        foreach (int n in LifTests.Widths())
            foreach (LifReset reset in Resets)
            {
                var context = (CeLifContext)rng.Next(2);
                int steps = rng.Next(0, 20); // 0, 1, 2 or 3 checkpoint blocks, the last one partial or whole
                var p = Problem.Create(rng, n, steps, reset, context, specials: rng.Next(3) == 0);
                var e = p.ForwardReference();
                var a = p.Forward();
                string ctx = $"n={n} T={steps} {reset} {context} drive={p.UseDrive} seed={seed} ({IsaInfo.Describe()})";
                float[][] ea = [e.V, e.A, e.C, e.S, e.Checkpoints], aa = [a.V, a.A, a.C, a.S, a.Checkpoints];
                string[] names = ["v", "a", "c", "spikes", "checkpoints"];
                for (int k = 0; k < ea.Length; k++) TestData.AssertBitwise(ea[k], aa[k], $"{ctx} {names[k]}");
                var full = p.ForwardSaved();
                TestData.AssertBitwise(full.S, a.S, $"{ctx} spikes (saved form)");
                for (int j = 0; j < p.T * n; j++)
                    if (p.Theta0[j % n] + p.Beta[j % n] * full.APrev[j] + p.Gamma[j % n] * full.CSaved[j] < p.ThetaMin) floored++;
                // Inference (nothing saved) gives the same spikes and state.
                float[] vI = (float[])p.V0.Clone(), aI = (float[])p.A0.Clone(), cI = (float[])p.C0.Clone(), sI = new float[steps * n];
                CeLif.ScanForward(p.Input, p.DriveOrEmpty, steps, n, p.K, vI, aI, cI, sI, default);
                TestData.AssertBitwise(e.S, sI, ctx + " spikes (inference)");
                TestData.AssertBitwise(e.V, vI, ctx + " v (inference)");
                TestData.AssertBitwise(e.C, cI, ctx + " c (inference)");
            }
        Assert.True(floored > 20, $"only {floored} steps had the threshold on its floor");
    }

    [Property(MaxTest = 2)]
    public void ScanBackward_EveryWidth_MatchesReferenceBitwise(int seed)
    {
        var rng = new Random(seed);
        if (rng.Next(2) == 0) BackwardMatchesReference(new FastSigmoidSurrogate((float)(1 + 30 * rng.NextDouble())), rng, seed, LifTests.Widths());
        else BackwardMatchesReference(new TriangleSurrogate((float)(0.5 + 2 * rng.NextDouble())), rng, seed, LifTests.Widths());
    }

    [Fact]
    public void ScanBackward_LongSequence_MatchesReferenceBitwise() =>
        BackwardMatchesReference(new FastSigmoidSurrogate(3f), new Random(21), 21, [1037], steps: 200);

    static void BackwardMatchesReference<TS>(TS sg, Random rng, int seed, IEnumerable<int> widths, int steps = -1)
        where TS : struct, ISurrogate
    {
        foreach (int n in widths)
            foreach (LifReset reset in Resets)
            {
                bool detach = rng.Next(2) == 0;
                var context = (CeLifContext)rng.Next(2);
                int t = steps >= 0 ? steps : rng.Next(0, 20);
                var p = Problem.Create(rng, n, t, reset, context, specials: rng.Next(4) == 0);
                var f = p.Forward();
                float[] gS = TestData.Random(rng, t * n, 2f);
                float[] cv = TestData.Random(rng, n, 1f), ca = TestData.Random(rng, n, 1f), cc = TestData.Random(rng, n, 1f);
                var e = Backward(sg, p, detach, gS, f.Checkpoints, cv, ca, cc, reference: true);
                var a = Backward(sg, p, detach, gS, f.Checkpoints, cv, ca, cc, reference: false);
                string ctx = $"{typeof(TS).Name} n={n} T={t} {reset} {context} drive={p.UseDrive} detach={detach} seed={seed} ({IsaInfo.Describe()})";
                // Bitwise, except that NaN meets any NaN (the payload of a NaN from an ∞ or NaN input is not specified).
                for (int k = 0; k < e.All.Length; k++) TestData.AssertClose(e.All[k], a.All[k], 0, 0, $"{ctx} {Grads.Names[k]}");
            }
    }

    /// <summary>
    /// The CE-LIF forward in double with S_t = P(H_t − θ_t) (P the surrogate's primitive), so its exact gradient is what
    /// the surrogate backward computes. A detached reset uses <paramref name="sFixed"/> in the reset term only.
    /// Loss = Σ w·S + Σ wv·V_end + Σ wa·A_end + Σ wc·C_end (so the incoming carries are exercised too).
    /// </summary>
    sealed class Smooth
    {
        public int T, N;
        public LifReset Reset;
        public CeLifContext Context;
        public double ThetaMin;
        public double[] Input = [], Drive = [], Alpha = [], Theta0 = [], Beta = [], Gamma = [], Rho = [], Kappa = [];
        public double[] V0 = [], A0 = [], C0 = [], W = [], WV = [], WA = [], WC = [];

        public double Loss<TS>(TS sg, double[]? sFixed, double[]? hOut = null, double[]? aOut = null, double[]? cOut = null,
            double[]? sOut = null, List<double>? margins = null) where TS : struct, ISurrogate
        {
            double loss = 0;
            for (int j = 0; j < N; j++)
            {
                double v = V0[j], a = A0[j], c = C0[j];
                for (int t = 0; t < T; t++)
                {
                    int i = t * N + j;
                    double h = Alpha[j] * v + (1 - Alpha[j]) * Input[i];
                    double z = Context == CeLifContext.Membrane ? v : Drive[i];
                    c = Kappa[j] * c + (1 - Kappa[j]) * z;
                    double raw = Theta0[j] + Beta[j] * a + Gamma[j] * c;
                    margins?.Add(Math.Abs(raw - ThetaMin));
                    double th = raw >= ThetaMin ? raw : ThetaMin;
                    double s = sg.Primitive(h - th);
                    double sr = sFixed is null ? s : sFixed[i];
                    if (aOut is not null) aOut[i] = a;
                    v = Reset == LifReset.Soft ? h - sr * th : h * (1 - sr);
                    a = Rho[j] * a + (1 - Rho[j]) * s;
                    loss += W[i] * s;
                    if (hOut is not null) hOut[i] = h;
                    if (cOut is not null) cOut[i] = c;
                    if (sOut is not null) sOut[i] = s;
                }
                loss += WV[j] * v + WA[j] * a + WC[j] * c;
            }
            return loss;
        }
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
        var context = (CeLifContext)rng.Next(2);
        bool detach = rng.Next(2) == 0;
        // Float-representable values, so the float backward sees exactly the double problem. Redrawn until no threshold
        // sits within 1e-3 of the floor (the floor's kink is not differentiable; both sides of it are tested).
        double[] F(int len, double lo, double hi) => Enumerable.Range(0, len).Select(_ => (double)(float)(lo + (hi - lo) * rng.NextDouble())).ToArray();
        Smooth m;
        var margins = new List<double>();
        do
        {
            margins.Clear();
            m = new Smooth
            {
                T = steps, N = n, Reset = reset, Context = context, ThetaMin = (float)(0.1 + 0.3 * rng.NextDouble()),
                Input = F(steps * n, -0.5, 2.5), Drive = F(steps * n, -1.5, 1.5), Alpha = F(n, 0.1, 0.9), Theta0 = F(n, 0.3, 1.5),
                Beta = F(n, 0, 1.2), Gamma = F(n, -1.2, 1.2), Rho = F(n, 0.1, 0.95), Kappa = F(n, 0.1, 0.95),
                V0 = F(n, -0.5, 1), A0 = F(n, 0, 1), C0 = F(n, -1, 1), W = F(steps * n, -1, 1), WV = F(n, -1, 1), WA = F(n, -1, 1), WC = F(n, -1, 1),
            };
            m.Loss(sg, null, margins: margins);
        }
        while (margins.Min() < 1e-3);
        double[] hD = new double[steps * n], aD = new double[steps * n], cD = new double[steps * n], sD = new double[steps * n];
        m.Loss(sg, null, hD, aD, cD, sD);
        double[]? sFixed = detach ? (double[])sD.Clone() : null;

        static float[] f(double[] a) => a.Select(x => (float)x).ToArray();
        var k = new CeLifCoefficients
        {
            Alpha = f(m.Alpha), Theta0 = f(m.Theta0), Beta = f(m.Beta), Gamma = f(m.Gamma), Rho = f(m.Rho), Kappa = f(m.Kappa),
            ThetaMin = (float)m.ThetaMin, Reset = reset, Context = context,
        };
        float[] gi = new float[steps * n], gx = new float[steps * n];
        float[] ga = new float[n], gt0 = new float[n], gb = new float[n], gg = new float[n], gr = new float[n], gk = new float[n];
        float[] cV = f(m.WV), cA = f(m.WA), cC = f(m.WC);
        // The smooth S is fractional: the reference uses it and the smooth forward's saved values as given.
        Reference.CeLifScanBackwardSaved(sg, f(m.Input), f(m.Drive), steps, n, k, detach, f(m.V0), f(m.C0), f(hD), f(aD), f(cD), f(sD),
            f(m.W), gi, gx, new CeLifGradients { Alpha = ga, Theta0 = gt0, Beta = gb, Gamma = gg, Rho = gr, Kappa = gk }, cV, cA, cC);

        const double eps = 1e-5;
        double Fd(double[] a, int idx)
        {
            double keep = a[idx];
            a[idx] = keep + eps;
            double up = m.Loss(sg, sFixed);
            a[idx] = keep - eps;
            double down = m.Loss(sg, sFixed);
            a[idx] = keep;
            return (up - down) / (2 * eps);
        }
        int nonZero = 0;
        void Check(string name, double[] a, float[] grad)
        {
            for (int idx = 0; idx < a.Length; idx++)
            {
                double expected = Fd(a, idx);
                if (Math.Abs(expected) > 1e-3) nonZero++;
                Assert.True(Math.Abs(grad[idx] - expected) <= 3e-4 + 3e-4 * Math.Abs(expected),
                    $"{name}[{idx}] = {grad[idx]:R}, finite difference {expected:R} ({typeof(TS).Name} {reset} {context} detach={detach} T={steps} N={n} seed={seed})");
            }
        }
        Check("gradInput", m.Input, gi);
        if (context == CeLifContext.Drive) Check("gradDrive", m.Drive, gx);
        Check("gAlpha", m.Alpha, ga);
        Check("gTheta0", m.Theta0, gt0);
        Check("gBeta", m.Beta, gb);
        Check("gGamma", m.Gamma, gg);
        Check("gRho", m.Rho, gr);
        Check("gKappa", m.Kappa, gk);
        Check("gradV0", m.V0, cV);
        Check("gradA0", m.A0, cA);
        Check("gradC0", m.C0, cC);
        Assert.True(nonZero > 0, "every gradient was zero: the check proved nothing");
    }

    /// <summary>The golden neuron: α = ½, θ0 = 1, β = ½, γ = ½, ρ = ½, κ = 0 (C_t = X_t, a table), θ_min = ¼, soft reset.</summary>
    static Problem GoldenProblem(int n)
    {
        float[] input = [2f, 1f, 2f, 0.5f], drive = [0f, 1f, -1f, -4f];
        var p = new Problem
        {
            T = 4, N = n, ThetaMin = 0.25f, Reset = LifReset.Soft, Context = CeLifContext.Drive, UseDrive = true,
            Input = new float[4 * n], Drive = new float[4 * n], Alpha = Filled(0.5f), Theta0 = Filled(1f), Beta = Filled(0.5f),
            Gamma = Filled(0.5f), Rho = Filled(0.5f), Kappa = Filled(0f), V0 = new float[n], A0 = new float[n], C0 = new float[n],
        };
        for (int t = 0; t < 4; t++)
        {
            Array.Fill(p.Input, input[t], t * n, n);
            Array.Fill(p.Drive, drive[t], t * n, n);
        }
        return p;

        float[] Filled(float x) => Enumerable.Repeat(x, n).ToArray();
    }

    [Fact]
    public void ScanForward_HandComputedTrajectory_MatchesGolden()
    {
        // I = [2, 1, 2, ½], X = [0, 1, −1, −4]; V, A, C start at 0. Dyadic, so every value is exact in float.
        //   t0: H = ½·0 + ½·2 = 1;       C = 0;  θ = 1 + 0 + 0 = 1        → S 1, V = 0,            A = ½
        //   t1: H = 0 + ½ = ½;           C = 1;  θ = 1 + ¼ + ½ = 7/4      → S 0, V = ½,            A = ¼
        //   t2: H = ¼ + 1 = 5/4;         C = −1; θ = 1 + ⅛ − ½ = 5/8      → S 1, V = 5/4 − 5/8 = 5/8, A = ⅝
        //   t3: H = 5/16 + ¼ = 9/16;     C = −4; θ̃ = 1 + 5/16 − 2 = −11/16 → floor θ = ¼ → S 1, V = 5/16, A = 5/16 + ½ = 13/16
        // (The context lowered the threshold at t2 and t3: a LIF with θ = 1 would not fire at either.)
        const int n = 37; // every vector width and the scalar tail
        var p = GoldenProblem(n);
        var (v, a, c, s, checkpoints) = p.Forward();
        var (_, _, _, sSaved, h, ap, cs) = p.ForwardSaved();
        TestData.AssertBitwise(sSaved, s, "spikes (kernel and saved form)");
        Assert.All(checkpoints, x => Assert.Equal(0f, x)); // the state before step 0: at rest
        float[] eH = [1f, 0.5f, 1.25f, 0.5625f], eS = [1, 0, 1, 1], eAp = [0f, 0.5f, 0.25f, 0.625f], eC = [0f, 1f, -1f, -4f];
        for (int t = 0; t < 4; t++)
            for (int j = 0; j < n; j++)
            {
                int i = t * n + j;
                Assert.True(h[i] == eH[t] && s[i] == eS[t] && ap[i] == eAp[t] && cs[i] == eC[t],
                    $"t={t} j={j}: H {h[i]} S {s[i]} A_prev {ap[i]} C {cs[i]}");
            }
        Assert.All(v, x => Assert.Equal(0.3125f, x));
        Assert.All(a, x => Assert.Equal(0.8125f, x));
        Assert.All(c, x => Assert.Equal(-4f, x));
    }

    [Fact]
    public void ScanBackward_HandComputed_MatchesGolden()
    {
        // The golden forward above; L = S_3, rectangular surrogate of width 4 (g = ¼ at every step: |H − θ| < 2).
        // Carries start at 0. Per step (derivation in Reference/CeLif.cs):
        //   t3: θ floored (m = 0): gŜ = 1, gH = ¼, gθ = 0, gĈ = 0; gI = ⅛, gX = 0; gα += ¼·(V2 − I3) = ¼·⅛ = 1/32
        //       carries gV = ⅛, gA = 0, gC = 0
        //   t2: gŜ = −gV·θ2 = −5/64, gH = −5/256 + ⅛ = 27/256, gθ = 5/256 − ⅛ = −27/256, gĈ = ½·gθ = −27/512
        //       gI = 27/512, gX = −27/512; gα += 27/256·(½ − 2); gθ0 += −27/256; gβ += gθ·¼; gγ += gθ·(−1); gκ += gĈ·(1 + 1)
        //       carries gV = 27/512, gA = ½·gθ = −27/512
        //   t1: gŜ = ½·gA − gV·7/4 = −243/2048, gH = −243/8192 + 27/512 = 189/8192, gθ = 243/8192, gĈ = 243/16384
        //       gI = 189/16384, gX = 243/16384; gα += gH·(0 − 1); gθ0 += gθ; gβ += gθ·½; gγ += gθ·1; gρ += gA·½;
        //       gκ += gĈ·(0 − 1); carries gV = 189/16384, gA = −27/1024 + 243/16384 = −189/16384
        //   t0: gŜ = ½·gA − gV·1 = −567/32768, gH = −567/131072 + 189/16384 = 945/131072, gθ = −945/131072,
        //       gĈ = −945/262144; gI = 945/262144, gX = −945/262144; gα += gH·(0 − 2); gθ0 += gθ; gρ += gA·(0 − 1)
        //       carries out: gV0 = ½·gH = 945/262144, gA0 = ½·gA + ½·gθ = −2457/262144, gC0 = κ·gĈ = 0
        // Sums: gα = 1/32 − 81/512 − 189/8192 − 945/65536 = −10777/65536; gθ0 = −27/256 + 243/8192 − 945/131072 =
        // −10881/131072; gβ = −27/1024 + 243/16384 = −189/16384; gγ = 27/256 + 243/8192 = 1107/8192;
        // gρ = −27/1024 + 189/16384 = −243/16384; gκ = −27/256 − 243/16384 = −1971/16384.
        const int n = 37;
        var p = GoldenProblem(n);
        var f = p.Forward();
        float[] gS = new float[4 * n];
        Array.Fill(gS, 1f, 3 * n, n);
        var g = Backward(new RectangularSurrogate(4f), p, false, gS, f.Checkpoints, new float[n], new float[n], new float[n], reference: false);
        float[] eI = [945f / 262144, 189f / 16384, 27f / 512, 0.125f], eX = [-945f / 262144, 243f / 16384, -27f / 512, 0f];
        for (int j = 0; j < n; j++)
        {
            for (int t = 0; t < 4; t++)
            {
                Assert.True(g.I[t * n + j] == eI[t], $"gI{t}[{j}] = {g.I[t * n + j]}, expected {eI[t]}");
                Assert.True(g.X[t * n + j] == eX[t], $"gX{t}[{j}] = {g.X[t * n + j]}, expected {eX[t]}");
            }
            Assert.Equal(-10777f / 65536, g.Alpha[j]);
            Assert.Equal(-10881f / 131072, g.Theta0[j]);
            Assert.Equal(-189f / 16384, g.Beta[j]);
            Assert.Equal(1107f / 8192, g.Gamma[j]);
            Assert.Equal(-243f / 16384, g.Rho[j]);
            Assert.Equal(-1971f / 16384, g.Kappa[j]);
            Assert.Equal(945f / 262144, g.V[j]);
            Assert.Equal(-2457f / 262144, g.A[j]);
            Assert.Equal(0f, g.C[j]);
        }
    }

    [Fact]
    public void WithoutContext_MatchesAlifOnScaledInput()
    {
        // γ = 0 and θ_min below every threshold: CE-LIF is ALIF with β_ALIF = α, κ_ALIF = β and input (1 − α)·I — bitwise
        // forward (the same float operations), and the gradients agree to rounding.
        var rng = new Random(5);
        const int n = 300, steps = 9;
        foreach (LifReset reset in Resets)
        {
            var p = Problem.Create(rng, n, steps, reset, CeLifContext.Drive, specials: false);
            Array.Clear(p.Gamma);
            p.ThetaMin = 0.01f;
            var f = p.ForwardSaved();
            TestData.AssertBitwise(f.S, p.Forward().S, $"{reset} spikes (kernel)");
            float[] scaled = new float[steps * n];
            for (int i = 0; i < scaled.Length; i++) scaled[i] = (1f - p.Alpha[i % n]) * p.Input[i];
            float[] v = (float[])p.V0.Clone(), a = (float[])p.A0.Clone(), s = new float[steps * n], h = new float[steps * n], ap = new float[steps * n];
            Alif.ScanForward(scaled, steps, n, p.Alpha, p.Theta0, p.Rho, p.Beta, reset, v, a, s, h, ap);
            TestData.AssertBitwise(s, f.S, $"{reset} spikes");
            TestData.AssertBitwise(h, f.H, $"{reset} h");
            TestData.AssertBitwise(v, f.V, $"{reset} v");
            TestData.AssertBitwise(a, f.A, $"{reset} a");
            var sg = new FastSigmoidSurrogate(5f);
            float[] gS = TestData.Random(rng, steps * n, 1f);
            var g = Backward(sg, p, false, gS, p.Forward().Checkpoints, new float[n], new float[n], new float[n], reference: false);
            float[] gi = new float[steps * n], gb = new float[n], gt = new float[n], gr = new float[n], gk = new float[n];
            Alif.ScanBackward(sg, p.V0, h, ap, s, gS, steps, n, p.Alpha, p.Theta0, p.Rho, p.Beta, reset, false, gi, gb, gt, gr, gk);
            for (int i = 0; i < gi.Length; i++) gi[i] *= 1f - p.Alpha[i % n];
            TestData.AssertClose(gi, g.I, 1e-5, 1e-6, $"{reset} gradInput");
            TestData.AssertClose(gt, g.Theta0, 1e-5, 1e-5, $"{reset} gradTheta0");
            TestData.AssertClose(gk, g.Beta, 1e-5, 1e-5, $"{reset} gradBeta (ALIF κ)");
            TestData.AssertClose(gr, g.Rho, 1e-5, 1e-5, $"{reset} gradRho");
        }
    }

    [Fact]
    public void ScanBackward_InTwoChunks_EqualsOneScan()
    {
        // Checkpointing: each chunk's forward with its own checkpoints from the state the chunk before left, then the
        // backward over [t1, T) with zero carries and over [0, t1) with the carries it returned, gives the one-scan
        // gradients: gradInput and the carries bitwise, the parameter sums to rounding (they are summed per chunk).
        // t1 is not a multiple of the checkpoint interval, so the chunks' blocks are not the whole scan's.
        var rng = new Random(8);
        const int n = 1100, steps = 21, t1 = 5;
        foreach (CeLifContext context in new[] { CeLifContext.Drive, CeLifContext.Membrane })
        {
            var p = Problem.Create(rng, n, steps, LifReset.Soft, context, specials: false);
            p.UseDrive = true;
            var f = p.Forward();
            var sg = new ATanSurrogate(2f);
            float[] gS = TestData.Random(rng, steps * n, 1f);
            var whole = Backward(sg, p, false, gS, f.Checkpoints, new float[n], new float[n], new float[n], reference: false);
            float[] v = (float[])p.V0.Clone(), a = (float[])p.A0.Clone(), c = (float[])p.C0.Clone(), s = new float[steps * n];
            float[] cp1 = new float[CeLif.CheckpointLength(t1, n)], cp2 = new float[CeLif.CheckpointLength(steps - t1, n)];
            CeLif.ScanForward(p.Input.AsSpan(0, t1 * n), p.Drive.AsSpan(0, t1 * n), t1, n, p.K, v, a, c, s.AsSpan(0, t1 * n), cp1);
            CeLif.ScanForward(p.Input.AsSpan(t1 * n), p.Drive.AsSpan(t1 * n), steps - t1, n, p.K, v, a, c, s.AsSpan(t1 * n), cp2);
            TestData.AssertBitwise(f.S, s, $"{context} spikes");
            float[] gi = new float[steps * n], gx = new float[steps * n];
            float[] gAl = new float[n], gT0 = new float[n], gB = new float[n], gG = new float[n], gR = new float[n], gK = new float[n];
            var grads = new CeLifGradients { Alpha = gAl, Theta0 = gT0, Beta = gB, Gamma = gG, Rho = gR, Kappa = gK };
            float[] cv = new float[n], ca = new float[n], cc = new float[n];
            CeLif.ScanBackward(sg, p.Input.AsSpan(t1 * n), p.Drive.AsSpan(t1 * n), steps - t1, n, p.K, false, cp2, gS.AsSpan(t1 * n),
                gi.AsSpan(t1 * n), gx.AsSpan(t1 * n), grads, cv, ca, cc);
            CeLif.ScanBackward(sg, p.Input.AsSpan(0, t1 * n), p.Drive.AsSpan(0, t1 * n), t1, n, p.K, false, cp1, gS.AsSpan(0, t1 * n),
                gi.AsSpan(0, t1 * n), gx.AsSpan(0, t1 * n), grads, cv, ca, cc);
            TestData.AssertBitwise(whole.I, gi, $"{context} gradInput");
            if (context == CeLifContext.Drive) TestData.AssertBitwise(whole.X, gx, $"{context} gradDrive");
            TestData.AssertBitwise(whole.V, cv, $"{context} gradV0");
            TestData.AssertBitwise(whole.A, ca, $"{context} gradA0");
            TestData.AssertBitwise(whole.C, cc, $"{context} gradC0");
            float[][] w = [whole.Alpha, whole.Theta0, whole.Beta, whole.Gamma, whole.Rho, whole.Kappa], g = [gAl, gT0, gB, gG, gR, gK];
            for (int k = 0; k < w.Length; k++) TestData.AssertClose(w[k], g[k], 1e-5, 1e-5, $"{context} {Grads.Names[k + 2]}");
        }
    }

    [Fact]
    public void ScanBackward_DriveIsInput_SumsBothGradientsIntoOne()
    {
        // C2 with X = I: gradDrive passed as the very span of gradInput receives gI + gX, bitwise their float sum, at every
        // width (kernel and twin), the other outputs unchanged.
        var rng = new Random(12);
        foreach (int n in new[] { 1, 15, 16, 33, 1100 })
        {
            const int steps = 11;
            var p = Problem.Create(rng, n, steps, LifReset.Soft, CeLifContext.Drive, specials: false);
            p.Drive = p.Input;
            p.UseDrive = true;
            var f = p.Forward();
            var sg = new FastSigmoidSurrogate(4f);
            float[] gS = TestData.Random(rng, steps * n, 1f);
            var apart = Backward(sg, p, false, gS, f.Checkpoints, new float[n], new float[n], new float[n], reference: false);
            foreach (bool reference in new[] { false, true })
            {
                var g = new Grads(n, steps, new float[n], new float[n], new float[n]);
                if (reference)
                    Reference.CeLifScanBackward(sg, p.Input, p.Drive, steps, n, p.K, false, f.Checkpoints, gS, g.I, g.I, g.Params, g.V, g.A, g.C);
                else
                    CeLif.ScanBackward(sg, p.Input, p.Drive, steps, n, p.K, false, f.Checkpoints, gS, g.I, g.I, g.Params, g.V, g.A, g.C);
                float[] sum = apart.I.Zip(apart.X, (a, b) => a + b).ToArray();
                TestData.AssertBitwise(sum, g.I, $"n={n} reference={reference} gradInput + gradDrive");
                Assert.All(g.X, x => Assert.Equal(0f, x));
                for (int k = 2; k < g.All.Length; k++) TestData.AssertBitwise(apart.All[k], g.All[k], $"n={n} reference={reference} {Grads.Names[k]}");
            }
        }
    }

    [Theory]
    [InlineData(1000, 5)]
    [InlineData(3077, 5)]
    [InlineData(1100, 300)]
    public void Scans_AnyThreadCount_BitwiseEqual(int n, int steps)
    {
        var rng = new Random(n);
        foreach (CeLifContext context in new[] { CeLifContext.Drive, CeLifContext.Membrane })
        {
            var p = Problem.Create(rng, n, steps, LifReset.Soft, context, specials: true);
            float[] gS = TestData.Random(rng, steps * n, 2f);
            float[][]? first = null;
            foreach (int threads in new[] { 1, 2, 3 })
            {
                var f = p.Forward(threads);
                var g = Backward(new ATanSurrogate(2f), p, false, gS, f.Checkpoints, new float[n], new float[n], new float[n],
                    reference: false, threads);
                float[][] all = [f.V, f.A, f.C, f.S, f.Checkpoints, .. g.All];
                if (first is null)
                {
                    first = all;
                    continue;
                }
                // Bitwise, except that NaN meets any NaN: the JIT may order the operands of a commutative operation
                // differently in another tier, which changes only which NaN payload propagates.
                for (int k = 0; k < all.Length; k++) TestData.AssertClose(first[k], all[k], 0, 0, $"n={n} T={steps} {context} threads={threads} output {k}");
            }
        }
    }

    [Fact]
    public void Step_RepeatedOverTime_EqualsScan()
    {
        var rng = new Random(9);
        const int n = 83, steps = 9;
        foreach (CeLifContext context in new[] { CeLifContext.Drive, CeLifContext.Membrane })
        {
            var p = Problem.Create(rng, n, steps, LifReset.Hard, context, specials: false);
            p.UseDrive = true;
            var f = p.Forward();
            float[] v = (float[])p.V0.Clone(), a = (float[])p.A0.Clone(), c = (float[])p.C0.Clone(), s = new float[steps * n];
            for (int t = 0; t < steps; t++)
                CeLif.Step(p.Input.AsSpan(t * n, n), p.Drive.AsSpan(t * n, n), p.K, v, a, c, s.AsSpan(t * n, n));
            TestData.AssertBitwise(f.S, s, $"{context} spikes");
            TestData.AssertBitwise(f.V, v, $"{context} v");
            TestData.AssertBitwise(f.A, a, $"{context} a");
            TestData.AssertBitwise(f.C, c, $"{context} c");
        }
    }

    [Fact]
    public void StepAndScans_SteadyState_AllocateNothing()
    {
        const int n = 2 * 1024 + 70, steps = 13;
        var p = Problem.Create(new Random(3), n, steps, LifReset.Soft, CeLifContext.Drive, specials: false);
        p.UseDrive = true;
        float[] v = new float[n], a = new float[n], c = new float[n], s = new float[steps * n], cp = new float[CeLif.CheckpointLength(steps, n)];
        float[] gS = TestData.Random(new Random(4), steps * n), gi = new float[steps * n];
        float[] gx = new float[steps * n], g1 = new float[n], g2 = new float[n], g3 = new float[n], g4 = new float[n], g5 = new float[n], g6 = new float[n];
        float[] cv = new float[n], ca = new float[n], cc = new float[n];
        var sg = new FastSigmoidSurrogate(5f);
        Action run = () =>
        {
            var k = p.K;
            var grads = new CeLifGradients { Alpha = g1, Theta0 = g2, Beta = g3, Gamma = g4, Rho = g5, Kappa = g6 };
            CeLif.Step(p.Input.AsSpan(0, n), p.Drive.AsSpan(0, n), k, v, a, c, s.AsSpan(0, n));
            CeLif.ScanForward(p.Input, p.Drive, steps, n, k, v, a, c, s, cp);
            CeLif.ScanBackward(sg, p.Input, p.Drive, steps, n, k, false, cp, gS, gi, gx, grads, cv, ca, cc);
            CeLif.ScanForward(p.Input, p.Drive, steps, n, k, v, a, c, s, cp, threads: 2);
            CeLif.ScanBackward(sg, p.Input, p.Drive, steps, n, k, false, cp, gS, gi, gx, grads, cv, ca, cc, threads: 2);
        };
        LifTests.AssertSteadyStateAllocatesNothing(run, "CeLif kernels");
    }

    [Fact]
    public void Kernels_BadArguments_ThrowNamingTheSpan()
    {
        var p = Problem.Create(new Random(1), 4, 3, LifReset.Soft, CeLifContext.Drive, specials: false);
        float[] x = new float[12], q = new float[4];
        var sg = new FastSigmoidSurrogate(1f);
        float[] cp = new float[CeLif.CheckpointLength(3, 4)];
        Assert.Throws<ArgumentOutOfRangeException>(() => CeLif.ScanForward(x, x, -1, 4, p.K, q, q, q, x, default));
        AssertNames("input", () => CeLif.ScanForward(x, x, 4, 4, p.K, q, q, q, new float[16], default));
        AssertNames("drive", () => CeLif.ScanForward(x, new float[11], 3, 4, p.K, q, q, q, x, default));
        AssertNames("c must", () => CeLif.ScanForward(x, x, 3, 4, p.K, q, q, new float[3], x, default));
        AssertNames("checkpoints", () => CeLif.ScanForward(x, x, 3, 4, p.K, q, q, q, x, new float[5]));
        AssertNames("Gamma", () => CeLif.ScanForward(x, x, 3, 4, Coefficients(q, new float[3], 0f), q, q, q, x, default));
        AssertNames("ThetaMin", () => CeLif.ScanForward(x, x, 3, 4, Coefficients(q, q, float.NaN), q, q, q, x, default));
        AssertNames("grads.Kappa", () => CeLif.ScanBackward(sg, x, x, 3, 4, p.K, false, cp, x, x, x, Gradients(q, new float[3]), q, q, q));
        AssertNames("checkpoints", () => CeLif.ScanBackward(sg, x, x, 3, 4, p.K, false, new float[11], x, x, x, Gradients(q, q), q, q, q));
        AssertNames("gradC", () => CeLif.ScanBackward(sg, x, x, 3, 4, p.K, false, cp, x, x, x, Gradients(q, q), q, q, new float[3]));
        AssertNames("gradDrive", () => CeLif.ScanBackward(sg, x, x, 3, 4, p.K, false, cp, x, x, new float[5], Gradients(q, q), q, q, q));
        Assert.Throws<ArgumentOutOfRangeException>(() => CeLif.ScanForward(x, x, 3, 4, p.K, q, q, q, x, default, threads: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => CeLif.CheckpointLength(-1, 4));
        Assert.Equal(3 * 2 * 5, CeLif.CheckpointLength(CeLif.CheckpointInterval + 1, 5));
        CeLif.ScanForward(x, x, 0, 4, p.K, q, q, q, default, default); // T = 0 is a no-op

        static CeLifCoefficients Coefficients(float[] q, float[] gamma, float floor) =>
            new() { Alpha = q, Theta0 = q, Beta = q, Gamma = gamma, Rho = q, Kappa = q, ThetaMin = floor };

        static CeLifGradients Gradients(float[] q, float[] kappa) =>
            new() { Alpha = q, Theta0 = q, Beta = q, Gamma = q, Rho = q, Kappa = kappa };

        static void AssertNames(string what, Action call)
        {
            var ex = Assert.Throws<ArgumentException>(call);
            Assert.Contains("CeLif.Scan", ex.Message);
            Assert.Contains(what, ex.Message);
        }
    }
}
