namespace NeuroCore.Kernels;

public static partial class Reference
{
    /// <summary>
    /// Scalar twin of <see cref="Optim.SgdMomentum"/> (PyTorch SGD): <c>d = g + wd·p</c>; with momentum,
    /// <c>buf = first ? d : momentum·buf + (1 − dampening)·d</c>, <c>d = nesterov ? d + momentum·buf : buf</c>;
    /// <c>p = p + (−lr)·d</c>.
    /// </summary>
    /// <param name="p">Parameters.</param>
    /// <param name="g">Gradients.</param>
    /// <param name="velocity">Momentum buffer.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="momentum">Momentum.</param>
    /// <param name="dampening">Dampening.</param>
    /// <param name="weightDecay">L2 weight decay.</param>
    /// <param name="nesterov">Nesterov momentum.</param>
    /// <param name="firstStep">First step (buffer initialised to d).</param>
    public static void SgdMomentum(Span<float> p, ReadOnlySpan<float> g, Span<float> velocity, float lr, float momentum,
        float dampening, float weightDecay, bool nesterov, bool firstStep)
    {
        for (int i = 0; i < p.Length; i++)
        {
            float d = g[i] + weightDecay * p[i];
            if (momentum != 0f)
            {
                float buf = firstStep ? d : velocity[i] * momentum + (1f - dampening) * d;
                velocity[i] = buf;
                d = nesterov ? d + momentum * buf : buf;
            }
            p[i] += -lr * d;
        }
    }

    /// <summary>
    /// Scalar twin of <see cref="Optim.Adam"/> (PyTorch Adam): <c>d = g + wd·p</c>, <c>m = lerp(m, d, 1 − β1)</c>,
    /// <c>v = β2·v + (1 − β2)·d·d</c>, <c>p = p − (lr/(1 − β1^t))·m/(√v/√(1 − β2^t) + ε)</c>, step scalars in double.
    /// </summary>
    /// <param name="p">Parameters.</param>
    /// <param name="g">Gradients.</param>
    /// <param name="m">First moment.</param>
    /// <param name="v">Second moment.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="beta1">β1.</param>
    /// <param name="beta2">β2.</param>
    /// <param name="eps">ε.</param>
    /// <param name="weightDecay">L2 weight decay.</param>
    /// <param name="step">1-based step t.</param>
    public static void Adam(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, float lr, float beta1,
        float beta2, float eps, float weightDecay, int step) =>
        AdamCore(p, g, m, v, lr, beta1, beta2, eps, weightDecay, step, decoupled: false);

    /// <summary>
    /// Scalar twin of <see cref="Optim.AdamW"/> (PyTorch AdamW): <c>p = p·(1 − lr·wd)</c> then the Adam update with
    /// <c>d = g</c>.
    /// </summary>
    /// <param name="p">Parameters.</param>
    /// <param name="g">Gradients.</param>
    /// <param name="m">First moment.</param>
    /// <param name="v">Second moment.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="beta1">β1.</param>
    /// <param name="beta2">β2.</param>
    /// <param name="eps">ε.</param>
    /// <param name="weightDecay">Decoupled weight decay.</param>
    /// <param name="step">1-based step t.</param>
    public static void AdamW(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, float lr, float beta1,
        float beta2, float eps, float weightDecay, int step) =>
        AdamCore(p, g, m, v, lr, beta1, beta2, eps, weightDecay, step, decoupled: true);

    static void AdamCore(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, float lr, float beta1,
        float beta2, float eps, float weightDecay, int step, bool decoupled)
    {
        float stepSize = (float)(lr / (1.0 - Math.Pow(beta1, step)));
        float bc2Sqrt = (float)Math.Sqrt(1.0 - Math.Pow(beta2, step));
        float w = 1f - beta1;
        float decay = (float)(1.0 - (double)lr * weightDecay);
        for (int i = 0; i < p.Length; i++)
        {
            float d = g[i];
            if (decoupled) p[i] *= decay;
            else d = g[i] + weightDecay * p[i];
            // torch.lerp(start, end, w): start + w·(end − start) for w < 0.5, else end − (end − start)·(1 − w).
            m[i] = w < 0.5f ? m[i] + w * (d - m[i]) : d - (d - m[i]) * (1f - w);
            v[i] = v[i] * beta2 + (1f - beta2) * d * d;
            float denom = MathF.Sqrt(v[i]) / bc2Sqrt + eps;
            p[i] += -stepSize * (m[i] / denom);
        }
    }
}
