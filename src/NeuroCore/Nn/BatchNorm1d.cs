namespace NeuroCore.Nn;

/// <summary>Batch normalisation of [B, C] or [B, C, L] inputs (PyTorch <c>nn.BatchNorm1d</c>).</summary>
public sealed class BatchNorm1d : BatchNorm
{
    /// <summary>Adds γ, β and the running statistics for <paramref name="features"/> channels to <paramref name="store"/>.</summary>
    public BatchNorm1d(ParameterStore store, string name, int features, float momentum = 0.1f, float eps = 1e-5f)
        : base(store, name, features, momentum, eps, 2, 3)
    {
    }
}
