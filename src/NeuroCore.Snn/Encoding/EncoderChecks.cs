using System.Globalization;

namespace NeuroCore.Snn;

/// <summary>Input validation shared by the encoders.</summary>
static class EncoderChecks
{
    /// <summary>Throws naming the encoder, the index and the value when a value is NaN or outside [0, 1].</summary>
    public static void UnitInterval(string kind, string name, ReadOnlySpan<float> x)
    {
        for (int i = 0; i < x.Length; i++)
        {
            float v = x[i];
            if (v >= 0f && v <= 1f) continue;
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{kind} '{name}': input value {v} at flat index {i} is outside [0, 1]; scale the input to [0, 1] (e.g. pixels / 255) or use direct encoding."),
                nameof(x));
        }
    }
}
