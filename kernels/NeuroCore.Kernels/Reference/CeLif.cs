// CE-LIF (contextual-embedding LIF): Chen, Wu, Tang, Ren & Tan, "Enhancing long-term temporal dependencies of
// feedforward spiking neural networks" (arXiv 2308.15150). The paper's equations were not available: this is the
// provisional generalised adaptive-threshold neuron of the NeuroCore spec (methods-1 §3.2, our reading), with the
// decay form of TC-LIF's ALIF (Zhang et al., arXiv 2308.13250) and surrogate-gradient BPTT (Neftci, Mostafa & Zenke 2019).
//
// Forward (one neuron; α, θ0, β, γ, ρ, κ its coefficients, θ_min the floor; V_{−1} = v0, A_{−1} = a0, C_{−1} = c0):
//   H_t = α·V_{t−1} + (1 − α)·I_t
//   C_t = κ·C_{t−1} + (1 − κ)·Z_t          Z_t = X_t (drive: table row for C1, W_c·x_t for C2) | V_{t−1} (membrane, C3)
//   θ̃_t = θ0 + β·A_{t−1} + γ·C_t;   θ_t = θ̃_t ≥ θ_min ? θ̃_t : θ_min;   m_t = [θ̃_t ≥ θ_min]
//   S_t = Θ(H_t − θ_t)
//   V_t = H_t − S_t·θ_t (soft: the threshold in force when the spike fired) | H_t·(1 − S_t) (hard)
//   A_t = ρ·A_{t−1} + (1 − ρ)·S_t
// In the spec's indexing (u_t = α·u_{t−1} + (1 − α)·I_t − θ_{t−1}·o_{t−1}, a_t = ρ·a_{t−1} + (1 − ρ)·o_{t−1}) this is
// u_t = H_t, a_t = A_{t−1}, and the reset by θ_{t−1}·o_{t−1} is our V_{t−1} = H_{t−1} − S_{t−1}·θ_{t−1}.
// Float order: fl(fl(α·V) + fl(fl(1 − α)·I)), fl(fl(κ·C) + fl(fl(1 − κ)·Z)), fl(fl(θ0 + fl(β·A)) + fl(γ·C)).
//
// Backward. g_t = sg.Grad(H_t − θ_t) stands in for dS_t/dH_t: ∂S_t/∂H_t = g_t, ∂S_t/∂θ_t = −g_t. Walking t = T−1..0 we
// carry gV = ∂L/∂V_t, gA = ∂L/∂A_t, gC = ∂L/∂C_t through the future (given at t = T−1: ∂L/∂ of the final state).
// S_t reaches the loss directly (gS_t), through the reset of V_t and through A_t:
//   gŜ_t = gS_t + (1 − ρ)·gA + gV·∂V_t/∂S_t,    ∂V_t/∂S_t = −θ_t (soft) | −H_t (hard)   (detached reset: no gV term)
//   gH_t = gŜ_t·g_t + gV·∂V_t/∂H_t|S            ∂V_t/∂H_t|S = 1 (soft) | 1 − S_t (hard)
//   gθ_t = −gŜ_t·g_t + gV·∂V_t/∂θ_t|S           ∂V_t/∂θ_t|S = −S_t (soft) | 0 (hard)
//   gθ̃_t = gθ_t·m_t                             (the floor passes gradient only where it is not active)
//   gĈ_t = gC + γ·gθ̃_t                           (= ∂L/∂C_t in total)
// Then, with ∂H_t/∂I_t = 1 − α, ∂H_t/∂α = V_{t−1} − I_t, ∂θ̃_t/∂(θ0, β, γ) = (1, A_{t−1}, C_t),
// ∂A_t/∂ρ = A_{t−1} − S_t, ∂C_t/∂κ = C_{t−1} − Z_t, ∂C_t/∂X_t = 1 − κ:
//   ∂L/∂I_t = (1 − α)·gH_t;   ∂L/∂X_t = (1 − κ)·gĈ_t (drive)
//   ∂L/∂α += gH_t·(V_{t−1} − I_t);  ∂L/∂θ0 += gθ̃_t;  ∂L/∂β += gθ̃_t·A_{t−1};  ∂L/∂γ += gθ̃_t·C_t
//   ∂L/∂ρ += gA·(A_{t−1} − S_t);    ∂L/∂κ += gĈ_t·(C_{t−1} − Z_t)
//   carries: ∂L/∂V_{t−1} = α·gH_t (+ (1 − κ)·gĈ_t for the membrane context, where Z_t = V_{t−1});
//            ∂L/∂A_{t−1} = ρ·gA + β·gθ̃_t;   ∂L/∂C_{t−1} = κ·gĈ_t
// V_{t−1} is recomputed from H_{t−1}, S_{t−1} and θ_{t−1} (itself from A_{t−2}, C_{t−1}) with the forward's float
// operations, or is v0 at t = 0; C_{t−1} is the saved C row t − 1, or c0. With β = γ = 0 and α written as a
// (1 − α)-scaled LIF this reduces to the LIF backward of Reference/Lif.cs; with γ = 0 to ALIF's (Reference/Alif.cs).
// The formulas stay exact when S is the smooth S = P(H − θ) (P = sg.Primitive); the tests check them against central
// differences of that smooth forward, and against a hand-derived trajectory.
//
// Saved state. CeLifScanForwardSaved/CeLifScanBackwardSaved keep H_t, A_{t−1}, C_t and S_t of every step (the form the
// derivation is checked in). The kernels keep less: the forward saves only V, A, C before every K-th step
// (K = CeLif.CheckpointInterval, layout [⌈T/K⌉, 3, N]) and the backward recomputes each block from it. Their twins,
// CeLifScanForward/CeLifScanBackward, are the saved forms composed: the backward re-runs the saved forward from the
// first checkpoint (the recomputation gives the forward's bits, as the same float operations are used) and calls
// CeLifScanBackwardSaved.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NeuroCore.Kernels;

public static partial class Reference
{
    /// <summary>
    /// Scalar twin of <see cref="CeLif.ScanForward"/>: <see cref="CeLifScanForwardSaved"/> in blocks of
    /// <see cref="CeLif.CheckpointInterval"/> steps, with V, A, C copied into <paramref name="checkpoints"/> (when not
    /// empty) before each block.
    /// </summary>
    /// <param name="input">I[T,N].</param>
    /// <param name="drive">X[T,N] or empty (drive context only).</param>
    /// <param name="steps">T.</param>
    /// <param name="neurons">N.</param>
    /// <param name="k">The coefficients.</param>
    /// <param name="v">V[N] in/out.</param>
    /// <param name="a">A[N] in/out.</param>
    /// <param name="c">C[N] in/out.</param>
    /// <param name="spikes">S[T,N] out.</param>
    /// <param name="checkpoints">[⌈T/K⌉, 3, N] out, or empty.</param>
    public static void CeLifScanForward(ReadOnlySpan<float> input, ReadOnlySpan<float> drive, int steps, int neurons,
        in CeLifCoefficients k, Span<float> v, Span<float> a, Span<float> c, Span<float> spikes, Span<float> checkpoints)
    {
        const int K = CeLif.CheckpointInterval;
        for (int t0 = 0; t0 < steps; t0 += K)
        {
            int len = Math.Min(K, steps - t0), n = neurons;
            if (!checkpoints.IsEmpty)
            {
                var cp = checkpoints.Slice(t0 / K * 3 * n, 3 * n);
                v[..n].CopyTo(cp);
                a[..n].CopyTo(cp[n..]);
                c[..n].CopyTo(cp[(2 * n)..]);
            }
            var range = new Range(t0 * n, (t0 + len) * n);
            CeLifScanForwardSaved(input[range], drive.IsEmpty ? drive : drive[range], len, n, k, v, a, c, spikes[range],
                default, default, default);
        }
    }

    /// <summary>
    /// The CE-LIF forward keeping every step's state (the model and float order are in this file's header): for
    /// t = 0..T−1, n = 0..N−1 it updates v, a, c and writes S, and when not empty H, A_{t−1} and C_t.
    /// </summary>
    /// <param name="input">I[T,N].</param>
    /// <param name="drive">X[T,N] or empty (drive context only).</param>
    /// <param name="steps">T.</param>
    /// <param name="neurons">N.</param>
    /// <param name="k">The coefficients.</param>
    /// <param name="v">V[N] in/out.</param>
    /// <param name="a">A[N] in/out.</param>
    /// <param name="c">C[N] in/out.</param>
    /// <param name="spikes">S[T,N] out.</param>
    /// <param name="hSaved">H[T,N] out, or empty.</param>
    /// <param name="aSaved">A_{t−1}[T,N] out, or empty.</param>
    /// <param name="cSaved">C_t[T,N] out, or empty.</param>
    public static void CeLifScanForwardSaved(ReadOnlySpan<float> input, ReadOnlySpan<float> drive, int steps, int neurons,
        in CeLifCoefficients k, Span<float> v, Span<float> a, Span<float> c, Span<float> spikes, Span<float> hSaved,
        Span<float> aSaved, Span<float> cSaved)
    {
        bool soft = k.Reset == LifReset.Soft, membrane = k.Context == CeLifContext.Membrane;
        for (int t = 0; t < steps; t++)
            for (int n = 0; n < neurons; n++)
            {
                int i = t * neurons + n;
                float al = k.Alpha[n], kp = k.Kappa[n], r = k.Rho[n];
                float h = al * v[n] + (1f - al) * input[i];
                float z = membrane ? v[n] : drive.IsEmpty ? 0f : drive[i];
                float cv = kp * c[n] + (1f - kp) * z;
                float raw = k.Theta0[n] + k.Beta[n] * a[n] + k.Gamma[n] * cv;
                float th = raw >= k.ThetaMin ? raw : k.ThetaMin;
                float s = h >= th ? 1f : 0f;
                if (!aSaved.IsEmpty) aSaved[i] = a[n];
                v[n] = soft ? h - s * th : h * (1f - s);
                a[n] = r * a[n] + (1f - r) * s;
                c[n] = cv;
                spikes[i] = s;
                if (!hSaved.IsEmpty) hSaved[i] = h;
                if (!cSaved.IsEmpty) cSaved[i] = cv;
            }
    }

    /// <summary>
    /// Scalar twin of <see cref="CeLif.ScanBackward{TSurrogate}"/>: the forward re-run from the first checkpoint with
    /// every step's state kept (<see cref="CeLifScanForwardSaved"/>), then <see cref="CeLifScanBackwardSaved"/>.
    /// </summary>
    /// <typeparam name="TSurrogate">The surrogate.</typeparam>
    /// <param name="sg">The surrogate instance.</param>
    /// <param name="input">I[T,N].</param>
    /// <param name="drive">X[T,N] or empty.</param>
    /// <param name="steps">T.</param>
    /// <param name="neurons">N.</param>
    /// <param name="k">The coefficients.</param>
    /// <param name="detachReset">Whether the reset term's dependence on S is detached.</param>
    /// <param name="checkpoints">The forward's checkpoints [⌈T/K⌉, 3, N].</param>
    /// <param name="gradSpikes">∂L/∂S[T,N].</param>
    /// <param name="gradInput">∂L/∂I[T,N] out.</param>
    /// <param name="gradDrive">∂L/∂X[T,N] out, or empty.</param>
    /// <param name="grads">Parameter gradients, added to.</param>
    /// <param name="gradV">∂L/∂V carry in/out.</param>
    /// <param name="gradA">∂L/∂A carry in/out.</param>
    /// <param name="gradC">∂L/∂C carry in/out.</param>
    public static void CeLifScanBackward<TSurrogate>(in TSurrogate sg, ReadOnlySpan<float> input, ReadOnlySpan<float> drive,
        int steps, int neurons, in CeLifCoefficients k, bool detachReset, ReadOnlySpan<float> checkpoints,
        ReadOnlySpan<float> gradSpikes, Span<float> gradInput, Span<float> gradDrive, in CeLifGradients grads,
        Span<float> gradV, Span<float> gradA, Span<float> gradC)
        where TSurrogate : struct, ISurrogate
    {
        if (steps == 0) return;
        int n = neurons, total = steps * n;
        float[] v = checkpoints[..n].ToArray(), a = checkpoints.Slice(n, n).ToArray(), c = checkpoints.Slice(2 * n, n).ToArray();
        float[] v0 = (float[])v.Clone(), c0 = (float[])c.Clone();
        float[] s = new float[total], h = new float[total], ap = new float[total], cs = new float[total];
        CeLifScanForwardSaved(input, drive, steps, n, k, v, a, c, s, h, ap, cs);
        CeLifScanBackwardSaved(sg, input, drive, steps, n, k, detachReset, v0, c0, h, ap, cs, s, gradSpikes, gradInput,
            gradDrive, grads, gradV, gradA, gradC);
    }

    /// <summary>
    /// The CE-LIF backward over every step's saved state (the derivation in this file's header; S may be fractional,
    /// the smooth forward of the tests). The carries gradV, gradA, gradC hold ∂L/∂ of the final state on entry and
    /// ∂L/∂ of the initial state on return.
    /// </summary>
    /// <typeparam name="TSurrogate">The surrogate.</typeparam>
    /// <param name="sg">The surrogate instance.</param>
    /// <param name="input">I[T,N].</param>
    /// <param name="drive">X[T,N] or empty.</param>
    /// <param name="steps">T.</param>
    /// <param name="neurons">N.</param>
    /// <param name="k">The coefficients.</param>
    /// <param name="detachReset">Whether the reset term's dependence on S is detached.</param>
    /// <param name="v0">V_{−1}[N].</param>
    /// <param name="c0">C_{−1}[N].</param>
    /// <param name="hSaved">H[T,N].</param>
    /// <param name="aSaved">A_{t−1}[T,N].</param>
    /// <param name="cSaved">C_t[T,N].</param>
    /// <param name="spikes">S[T,N].</param>
    /// <param name="gradSpikes">∂L/∂S[T,N].</param>
    /// <param name="gradInput">∂L/∂I[T,N] out.</param>
    /// <param name="gradDrive">∂L/∂X[T,N] out, or empty.</param>
    /// <param name="grads">Parameter gradients, added to.</param>
    /// <param name="gradV">∂L/∂V carry in/out.</param>
    /// <param name="gradA">∂L/∂A carry in/out.</param>
    /// <param name="gradC">∂L/∂C carry in/out.</param>
    public static void CeLifScanBackwardSaved<TSurrogate>(in TSurrogate sg, ReadOnlySpan<float> input, ReadOnlySpan<float> drive,
        int steps, int neurons, in CeLifCoefficients k, bool detachReset, ReadOnlySpan<float> v0, ReadOnlySpan<float> c0,
        ReadOnlySpan<float> hSaved, ReadOnlySpan<float> aSaved, ReadOnlySpan<float> cSaved, ReadOnlySpan<float> spikes,
        ReadOnlySpan<float> gradSpikes, Span<float> gradInput, Span<float> gradDrive, in CeLifGradients grads,
        Span<float> gradV, Span<float> gradA, Span<float> gradC)
        where TSurrogate : struct, ISurrogate
    {
        bool soft = k.Reset == LifReset.Soft, membrane = k.Context == CeLifContext.Membrane;
        bool useDrive = !membrane && !drive.IsEmpty, writeDrive = useDrive && !gradDrive.IsEmpty;
        bool sumDrive = writeDrive && Unsafe.AreSame(ref MemoryMarshal.GetReference(gradDrive), ref MemoryMarshal.GetReference(gradInput));
        float floor = k.ThetaMin;
        for (int n = 0; n < neurons; n++)
        {
            float al = k.Alpha[n], t0 = k.Theta0[n], be = k.Beta[n], gm = k.Gamma[n], r = k.Rho[n], kp = k.Kappa[n];
            float gv = gradV[n], ga = gradA[n], gc = gradC[n];
            float sAl = 0f, sT0 = 0f, sB = 0f, sG = 0f, sR = 0f, sK = 0f;
            for (int t = steps - 1; t >= 0; t--)
            {
                int i = t * neurons + n;
                float h = hSaved[i], ap = aSaved[i], ct = cSaved[i], s = spikes[i];
                float raw = t0 + be * ap + gm * ct;
                float th = raw >= floor ? raw : floor;
                float pass = raw >= floor ? 1f : 0f;
                float g = sg.Grad(h - th);
                float gsTotal = gradSpikes[i] + (1f - r) * ga;
                if (!detachReset) gsTotal -= gv * (soft ? th : h);
                float gsg = gsTotal * g;
                float gh = gsg + (soft ? gv : gv * (1f - s));
                float gth = (soft ? -gsg - gv * s : -gsg) * pass;
                float gct = gc + gm * gth;
                float vPrev, cPrev;
                if (t == 0)
                {
                    vPrev = v0[n];
                    cPrev = c0[n];
                }
                else
                {
                    int p = i - neurons;
                    cPrev = cSaved[p];
                    float rawP = t0 + be * aSaved[p] + gm * cPrev;
                    float thP = rawP >= floor ? rawP : floor;
                    vPrev = soft ? hSaved[p] - spikes[p] * thP : hSaved[p] * (1f - spikes[p]);
                }
                float z = membrane ? vPrev : useDrive ? drive[i] : 0f;
                float xin = input[i];
                gradInput[i] = (1f - al) * gh;
                if (sumDrive) gradInput[i] += (1f - kp) * gct; // the drive is the input: its whole gradient
                else if (writeDrive) gradDrive[i] = (1f - kp) * gct;
                sAl += gh * (vPrev - xin);
                sT0 += gth;
                sB += gth * ap;
                sG += gth * ct;
                sR += ga * (ap - s);
                sK += gct * (cPrev - z);
                gv = al * gh;
                if (membrane) gv += (1f - kp) * gct;
                ga = r * ga + be * gth;
                gc = kp * gct;
            }
            grads.Alpha[n] += sAl;
            grads.Theta0[n] += sT0;
            grads.Beta[n] += sB;
            grads.Gamma[n] += sG;
            grads.Rho[n] += sR;
            grads.Kappa[n] += sK;
            gradV[n] = gv;
            gradA[n] = ga;
            gradC[n] = gc;
        }
    }
}
