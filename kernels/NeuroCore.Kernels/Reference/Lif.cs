// LIF neuron with surrogate-gradient BPTT: Neftci, Mostafa & Zenke, "Surrogate Gradient Learning in Spiking Neural
// Networks", IEEE Signal Processing Magazine 36(6), 2019; fused scan as in SpikingJelly (Fang et al., Science
// Advances 9, 2023).
//
// Derivation of the backward pass (one neuron; β, θ its parameters; g_t = sg.Grad(H_t − θ) stands in for dS_t/dH_t).
// Forward:  H_t = β·V_{t−1} + I_t,  S_t = Θ(H_t − θ),
//           soft: V_t = H_t − S_t·θ        hard: V_t = H_t·(1 − S_t)
// Loss L depends on every S_t (upstream gS_t = ∂L/∂S_t) and on V_{T−1} (gV = ∂L/∂V_{T−1}, zero if not given).
// Walking t = T−1 .. 0 with the carry gV = ∂L/∂V_t (total derivative through all later steps):
//   ∂S_t/∂H_t = g_t,  ∂S_t/∂θ = −g_t.
//   soft: ∂V_t/∂H_t = 1 − θ·g_t          (the −θ·∂S/∂H term is dropped when the reset is detached: 1)
//         ∂V_t/∂θ  = −S_t − θ·∂S_t/∂θ = −S_t + θ·g_t   (detached: S treated as a constant, −S_t only)
//   hard: ∂V_t/∂H_t = (1 − S_t) − H_t·g_t (detached: 1 − S_t)
//         ∂V_t/∂θ  = −H_t·∂S_t/∂θ = H_t·g_t            (detached: 0)
//   gH_t = ∂L/∂H_t = gS_t·g_t + gV·∂V_t/∂H_t
//   ∂L/∂θ += gS_t·(−g_t) + gV·∂V_t/∂θ
//   ∂L/∂I_t = gH_t (∂H_t/∂I_t = 1)
//   ∂L/∂β  += gH_t·V_{t−1} (∂H_t/∂β = V_{t−1}, with V_{t−1} recomputed from H_{t−1}, S_{t−1}, or V0 at t = 0)
//   new carry ∂L/∂V_{t−1} = gH_t·β; after t = 0 it is ∂L/∂V0.
// The formulas stay exact when S is a smooth S = P(H − θ) (P = sg.Primitive): the tests check them against finite
// differences of that smooth forward.
namespace NeuroCore.Kernels;

public static partial class Reference
{
    /// <summary>
    /// Scalar twin of <see cref="Lif.ScanForward"/>: for t = 0..T−1, n = 0..N−1,
    /// <c>h = β[n]·v[n] + input[t,n]; s = h ≥ θ[n] ? 1 : 0; v[n] = soft ? h − s·θ[n] : h·(1 − s)</c>,
    /// <c>spikes[t,n] = s</c>, <c>hSaved[t,n] = h</c> when hSaved is not empty.
    /// </summary>
    /// <param name="input">I[T,N].</param>
    /// <param name="steps">T.</param>
    /// <param name="neurons">N.</param>
    /// <param name="beta">β[N].</param>
    /// <param name="threshold">θ[N].</param>
    /// <param name="reset">Soft or hard reset.</param>
    /// <param name="v">V[N] in/out.</param>
    /// <param name="spikes">S[T,N] out.</param>
    /// <param name="hSaved">H[T,N] out, or empty.</param>
    public static void LifScanForward(ReadOnlySpan<float> input, int steps, int neurons, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> threshold, LifReset reset, Span<float> v, Span<float> spikes, Span<float> hSaved)
    {
        for (int t = 0; t < steps; t++)
            for (int n = 0; n < neurons; n++)
            {
                int i = t * neurons + n;
                float h = beta[n] * v[n] + input[i];
                float s = h >= threshold[n] ? 1f : 0f;
                v[n] = reset == LifReset.Soft ? h - s * threshold[n] : h * (1f - s);
                spikes[i] = s;
                if (!hSaved.IsEmpty) hSaved[i] = h;
            }
    }

    /// <summary>
    /// Scalar twin of the packed <see cref="Lif.ScanForward(ReadOnlySpan{float}, int, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, LifReset, Span{float}, Span{ulong}, int)"/>:
    /// the float scan's recurrence over N = rows·features neurons, with S_t of row r, feature f stored as bit f % 64 of
    /// <c>spikeBits[(t·rows + r)·W + f / 64]</c>, W = ceil(features / 64), padding bits 0.
    /// </summary>
    /// <param name="input">I[T, rows, features].</param>
    /// <param name="steps">T.</param>
    /// <param name="rows">Rows.</param>
    /// <param name="features">Features per row.</param>
    /// <param name="beta">β[rows·features].</param>
    /// <param name="threshold">θ[rows·features].</param>
    /// <param name="reset">Soft or hard reset.</param>
    /// <param name="v">V in/out.</param>
    /// <param name="spikeBits">[T, rows, W] out.</param>
    public static void LifScanForwardPacked(ReadOnlySpan<float> input, int steps, int rows, int features, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> threshold, LifReset reset, Span<float> v, Span<ulong> spikeBits)
    {
        int words = (features + 63) / 64, neurons = rows * features;
        spikeBits[..(steps * rows * words)].Clear();
        for (int t = 0; t < steps; t++)
            for (int r = 0; r < rows; r++)
                for (int f = 0; f < features; f++)
                {
                    int n = r * features + f;
                    float h = beta[n] * v[n] + input[t * neurons + n];
                    float s = h >= threshold[n] ? 1f : 0f;
                    v[n] = reset == LifReset.Soft ? h - s * threshold[n] : h * (1f - s);
                    if (s != 0f) spikeBits[(t * rows + r) * words + f / 64] |= 1UL << (f % 64);
                }
    }

    /// <summary>
    /// Scalar twin of <see cref="Lif.ScanBackward{TSurrogate}"/>; the derivation is in this file's header. Per neuron,
    /// for t = T−1..0 with carry gV (starting at gradVFinal or 0) and g = sg.Grad(H_t − θ):
    /// <c>gH = gS·g + gV·∂V/∂H; gradThreshold += −gS·g + gV·∂V/∂θ; gradInput[t] = gH; gradBeta += gH·V_{t−1};
    /// gV = gH·β</c>; finally gradV0 = gV.
    /// </summary>
    /// <typeparam name="TSurrogate">The surrogate.</typeparam>
    /// <param name="sg">The surrogate instance.</param>
    /// <param name="v0">V0[N].</param>
    /// <param name="hSaved">H[T,N].</param>
    /// <param name="spikes">S[T,N].</param>
    /// <param name="gradSpikes">∂L/∂S[T,N].</param>
    /// <param name="gradVFinal">∂L/∂V_{T−1}[N] or empty.</param>
    /// <param name="steps">T.</param>
    /// <param name="neurons">N.</param>
    /// <param name="beta">β[N].</param>
    /// <param name="threshold">θ[N].</param>
    /// <param name="reset">The reset mode.</param>
    /// <param name="detachReset">Whether the reset's dependence on S is detached.</param>
    /// <param name="gradInput">∂L/∂I[T,N] out.</param>
    /// <param name="gradBeta">∂L/∂β[N], added to; empty with <paramref name="gradThreshold"/> to skip both.</param>
    /// <param name="gradThreshold">∂L/∂θ[N], added to; empty with <paramref name="gradBeta"/> to skip both.</param>
    /// <param name="gradV0">∂L/∂V0[N] out, or empty.</param>
    public static void LifScanBackward<TSurrogate>(in TSurrogate sg, ReadOnlySpan<float> v0, ReadOnlySpan<float> hSaved,
        ReadOnlySpan<float> spikes, ReadOnlySpan<float> gradSpikes, ReadOnlySpan<float> gradVFinal, int steps,
        int neurons, ReadOnlySpan<float> beta, ReadOnlySpan<float> threshold, LifReset reset, bool detachReset,
        Span<float> gradInput, Span<float> gradBeta, Span<float> gradThreshold, Span<float> gradV0)
        where TSurrogate : struct, ISurrogate
    {
        bool soft = reset == LifReset.Soft, parameters = !gradBeta.IsEmpty || !gradThreshold.IsEmpty;
        for (int n = 0; n < neurons; n++)
        {
            float b = beta[n], th = threshold[n];
            float gv = gradVFinal.IsEmpty ? 0f : gradVFinal[n];
            float gb = 0f, gt = 0f;
            for (int t = steps - 1; t >= 0; t--)
            {
                int i = t * neurons + n;
                float h = hSaved[i], s = spikes[i];
                float g = sg.Grad(h - th);
                float gsg = gradSpikes[i] * g;
                float dvdh, dvdthTimesGv;
                if (soft)
                {
                    dvdh = detachReset ? 1f : 1f - th * g;
                    dvdthTimesGv = detachReset ? gv * -s : gv * (th * g - s);
                }
                else
                {
                    dvdh = detachReset ? 1f - s : (1f - s) - h * g;
                    dvdthTimesGv = detachReset ? 0f : gv * (h * g);
                }
                float gh = gsg + gv * dvdh;
                if (parameters)
                {
                    gt += dvdthTimesGv - gsg;
                    float vPrev = t == 0 ? v0[n]
                        : soft ? hSaved[i - neurons] - spikes[i - neurons] * th : hSaved[i - neurons] * (1f - spikes[i - neurons]);
                    gb += gh * vPrev;
                }
                gradInput[i] = gh;
                gv = gh * b;
            }
            if (parameters)
            {
                gradBeta[n] += gb;
                gradThreshold[n] += gt;
            }
            if (!gradV0.IsEmpty) gradV0[n] = gv;
        }
    }
}
