namespace NeuroCore.Kernels;

/// <summary>Parameter checks shared by the surrogate constructors (cold path, throws via <see cref="Throw"/>).</summary>
internal static class SurrogateArgs
{
    /// <summary>Returns <paramref name="value"/> if it is finite and &gt; 0, else throws naming the parameter.</summary>
    public static float Positive(float value, string paramName)
    {
        if (!(value > 0) || float.IsPositiveInfinity(value))
            Throw.OutOfRange(paramName, $"The surrogate parameter '{paramName}' must be finite and > 0, got {value}.");
        return value;
    }
}
