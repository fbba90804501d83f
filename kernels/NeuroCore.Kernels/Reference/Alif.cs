// Adaptive LIF (ALIF, spike-triggered adaptive threshold): G. Bellec, D. Salaj, A. Subramoney, R. Legenstein &
// W. Maass, "Long short-term memory and learning-to-learn in networks of spiking neurons", NeurIPS 2018 (LSNN);
// Yin, Corradi & Bohté, "Accurate and efficient time-domain classification with adaptive spiking recurrent neural
// networks", Nature Machine Intelligence 3, 2021. Surrogate-gradient BPTT as in Neftci, Mostafa & Zenke 2019.
//
// Forward (one neuron; β, θ0, ρ, κ its parameters; A_{−1} = a0, V_{−1} = v0 given):
//   H_t = β·V_{t−1} + I_t
//   θ_t = θ0 + κ·A_{t−1}
//   S_t = Θ(H_t − θ_t)
//   V_t = H_t − S_t·θ_t  (soft)      V_t = H_t·(1 − S_t)  (hard)
//   A_t = ρ·A_{t−1} + (1 − ρ)·S_t
// Float order: fl(fl(β·V) + I), fl(θ0 + fl(κ·A)), fl(fl(ρ·A) + fl(fl(1 − ρ)·S)); no FMA, so every width agrees.
//
// Backward. g_t = sg.Grad(H_t − θ_t) stands in for dS_t/dH_t, so ∂S_t/∂H_t = g_t and ∂S_t/∂θ_t = −g_t (the threshold
// path carries gradient). The loss depends on every S_t (upstream gS_t); walking t = T−1 .. 0 we carry the totals
// gV = ∂L/∂V_t and gA = ∂L/∂A_t (both 0 after the last step: V_{T−1} and A_{T−1} are not outputs).
// S_t reaches the loss through three paths: directly (gS_t), through the reset term of V_t and through A_t:
//   gŜ_t = gS_t + (1 − ρ)·gA + gV·∂V_t/∂S_t,     ∂V_t/∂S_t = −θ_t (soft) | −H_t (hard)
// A detached reset treats S_t in the reset term as a constant: the gV·∂V_t/∂S_t term is dropped, and only it — S_t
// still feeds A_t, so the (1 − ρ)·gA term stays. With the explicit (S held fixed) partials of V_t,
//   ∂V_t/∂H_t|S = 1 (soft) | 1 − S_t (hard),   ∂V_t/∂θ_t|S = −S_t (soft) | 0 (hard):
//   gH_t = gŜ_t·g_t + gV·∂V_t/∂H_t|S            = ∂L/∂H_t
//   gθ_t = −gŜ_t·g_t + gV·∂V_t/∂θ_t|S           = ∂L/∂θ_t
// Then, since ∂H_t/∂I_t = 1, ∂H_t/∂β = V_{t−1}, ∂θ_t/∂θ0 = 1, ∂θ_t/∂κ = A_{t−1}, ∂A_t/∂ρ = A_{t−1} − S_t:
//   ∂L/∂I_t = gH_t
//   ∂L/∂β  += gH_t·V_{t−1}     (V_{t−1} recomputed from H_{t−1}, S_{t−1}, θ_{t−1}, or v0 at t = 0)
//   ∂L/∂θ0 += gθ_t
//   ∂L/∂κ  += gθ_t·A_{t−1}
//   ∂L/∂ρ  += gA·(A_{t−1} − S_t)      (gA still ∂L/∂A_t here)
//   carries: ∂L/∂V_{t−1} = β·gH_t;  ∂L/∂A_{t−1} = ρ·gA + κ·gθ_t   (A_{t−1} feeds A_t and θ_t)
// With ρ = κ = 0 this is exactly the LIF backward of Reference/Lif.cs (gŜ·g = gS·g − gV·θ·g, and so on).
// The forward saves A_{t−1} (the trace in force at step t; θ_t could not give it back when κ = 0, nor exactly
// otherwise), and the backward recomputes θ_t = fl(θ0 + fl(κ·A_{t−1})) from it with the forward's own float operations,
// so it is bitwise the forward's threshold: the same T·N floats a saved θ would take, and no scratch. The formulas
// stay exact when S is the smooth S = P(H − θ) (P = sg.Primitive); the tests check them against central differences
// of that smooth forward, and against a hand-derived 4-step trajectory.
namespace NeuroCore.Kernels;

public static partial class Reference
{
    /// <summary>
    /// Scalar twin of <see cref="Alif.ScanForward"/>: for t = 0..T−1, n = 0..N−1,
    /// <c>h = β·v + I; θ = θ0 + κ·a; s = h ≥ θ ? 1 : 0; v = soft ? h − s·θ : h·(1 − s); a = ρ·a + (1 − ρ)·s</c>,
    /// writing <c>spikes[t,n] = s</c>, and <c>hSaved[t,n] = h</c>, <c>aSaved[t,n] = a</c> (A_{t−1}, before the update) when
    /// not empty.
    /// </summary>
    /// <param name="input">I[T,N].</param>
    /// <param name="steps">T.</param>
    /// <param name="neurons">N.</param>
    /// <param name="beta">β[N].</param>
    /// <param name="theta0">θ0[N].</param>
    /// <param name="rho">ρ[N].</param>
    /// <param name="kappa">κ[N].</param>
    /// <param name="reset">Soft or hard reset.</param>
    /// <param name="v">V[N] in/out.</param>
    /// <param name="a">A[N] in/out.</param>
    /// <param name="spikes">S[T,N] out.</param>
    /// <param name="hSaved">H[T,N] out, or empty.</param>
    /// <param name="aSaved">A_{t−1}[T,N] out (the trace in force at each step), or empty.</param>
    public static void AlifScanForward(ReadOnlySpan<float> input, int steps, int neurons, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> theta0, ReadOnlySpan<float> rho, ReadOnlySpan<float> kappa, LifReset reset, Span<float> v,
        Span<float> a, Span<float> spikes, Span<float> hSaved, Span<float> aSaved)
    {
        for (int t = 0; t < steps; t++)
            for (int n = 0; n < neurons; n++)
            {
                int i = t * neurons + n;
                float h = beta[n] * v[n] + input[i];
                float th = theta0[n] + kappa[n] * a[n];
                float s = h >= th ? 1f : 0f;
                if (!aSaved.IsEmpty) aSaved[i] = a[n];
                v[n] = reset == LifReset.Soft ? h - s * th : h * (1f - s);
                a[n] = rho[n] * a[n] + (1f - rho[n]) * s;
                spikes[i] = s;
                if (!hSaved.IsEmpty) hSaved[i] = h;
            }
    }

    /// <summary>
    /// Scalar twin of <see cref="Alif.ScanBackward{TSurrogate}"/>; the derivation is in this file's header. Per neuron,
    /// for t = T−1..0 with carries gV = gA = 0, θ_t = θ0 + κ·A_{t−1} (A_{t−1} = aSaved) and g = sg.Grad(H_t − θ_t):
    /// <c>gŜ = gS + (1−ρ)·gA − (detached ? 0 : gV·(soft ? θ_t : H_t)); gH = gŜ·g + (soft ? gV : gV·(1−S));
    /// gθ = soft ? −gŜ·g − gV·S : −gŜ·g; gradInput = gH; gβ += gH·V_{t−1}; gθ0 += gθ; gκ += gθ·A_{t−1};
    /// gρ += gA·(A_{t−1} − S); gV = gH·β; gA = ρ·gA + κ·gθ</c>.
    /// </summary>
    /// <typeparam name="TSurrogate">The surrogate.</typeparam>
    /// <param name="sg">The surrogate instance.</param>
    /// <param name="v0">V0[N].</param>
    /// <param name="hSaved">H[T,N].</param>
    /// <param name="aSaved">A_{t−1}[T,N] from the forward.</param>
    /// <param name="spikes">S[T,N].</param>
    /// <param name="gradSpikes">∂L/∂S[T,N].</param>
    /// <param name="steps">T.</param>
    /// <param name="neurons">N.</param>
    /// <param name="beta">β[N].</param>
    /// <param name="theta0">θ0[N].</param>
    /// <param name="rho">ρ[N].</param>
    /// <param name="kappa">κ[N].</param>
    /// <param name="reset">The reset mode.</param>
    /// <param name="detachReset">Whether the reset term's dependence on S is detached.</param>
    /// <param name="gradInput">∂L/∂I[T,N] out.</param>
    /// <param name="gradBeta">∂L/∂β[N], added to.</param>
    /// <param name="gradTheta0">∂L/∂θ0[N], added to.</param>
    /// <param name="gradRho">∂L/∂ρ[N], added to.</param>
    /// <param name="gradKappa">∂L/∂κ[N], added to.</param>
    public static void AlifScanBackward<TSurrogate>(in TSurrogate sg, ReadOnlySpan<float> v0, ReadOnlySpan<float> hSaved,
        ReadOnlySpan<float> aSaved, ReadOnlySpan<float> spikes, ReadOnlySpan<float> gradSpikes,
        int steps, int neurons, ReadOnlySpan<float> beta, ReadOnlySpan<float> theta0, ReadOnlySpan<float> rho,
        ReadOnlySpan<float> kappa, LifReset reset, bool detachReset, Span<float> gradInput, Span<float> gradBeta,
        Span<float> gradTheta0, Span<float> gradRho, Span<float> gradKappa)
        where TSurrogate : struct, ISurrogate
    {
        bool soft = reset == LifReset.Soft;
        for (int n = 0; n < neurons; n++)
        {
            float b = beta[n], t0 = theta0[n], r = rho[n], k = kappa[n];
            float gv = 0f, ga = 0f, gb = 0f, gt0 = 0f, gr = 0f, gk = 0f;
            for (int t = steps - 1; t >= 0; t--)
            {
                int i = t * neurons + n;
                float h = hSaved[i], ap = aSaved[i], s = spikes[i];
                float th = t0 + k * ap;
                float g = sg.Grad(h - th);
                float gsTotal = gradSpikes[i] + (1f - r) * ga;
                if (!detachReset) gsTotal -= gv * (soft ? th : h);
                float gsg = gsTotal * g;
                float gh = gsg + (soft ? gv : gv * (1f - s));
                float gth = soft ? -gsg - gv * s : -gsg;
                float vPrev = t == 0 ? v0[n]
                    : soft ? hSaved[i - neurons] - spikes[i - neurons] * (t0 + k * aSaved[i - neurons])
                    : hSaved[i - neurons] * (1f - spikes[i - neurons]);
                gradInput[i] = gh;
                gb += gh * vPrev;
                gt0 += gth;
                gk += gth * ap;
                gr += ga * (ap - s);
                gv = gh * b;
                ga = r * ga + k * gth;
            }
            gradBeta[n] += gb;
            gradTheta0[n] += gt0;
            gradRho[n] += gr;
            gradKappa[n] += gk;
        }
    }
}
