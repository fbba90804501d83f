namespace NeuroCore.Kernels;

public static partial class Reference
{
    /// <summary>Scalar twin of <see cref="Surrogate.Map{TSurrogate}"/>: <c>grad[i] = s.Grad(x[i])</c>, one element at a time.</summary>
    /// <typeparam name="TSurrogate">The surrogate.</typeparam>
    /// <param name="s">The surrogate with its parameters.</param>
    /// <param name="x">The pre-activations x = V − θ.</param>
    /// <param name="grad">The destination (may be x).</param>
    public static void SurrogateMap<TSurrogate>(in TSurrogate s, ReadOnlySpan<float> x, Span<float> grad) where TSurrogate : struct, ISurrogate
    {
        TSurrogate g = s;
        for (int i = 0; i < x.Length; i++) grad[i] = g.Grad(x[i]);
    }
}
