namespace NeuroCore.Nn;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter, 2019) with PyTorch's <c>torch.optim.AdamW</c> semantics: Adam whose weight decay is
/// decoupled from the gradient, <c>p ← p(1 − ηλ)</c> before the Adam update. PyTorch's default λ is 0.01.
/// </summary>
public sealed class AdamW : Adam
{
    /// <summary>Creates AdamW over every parameter in <paramref name="store"/> (build the model first).</summary>
    public AdamW(ParameterStore store, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f, float weightDecay = 0.01f)
        : base(store, learningRate, beta1, beta2, eps, weightDecay, decoupled: true)
    {
    }
}
