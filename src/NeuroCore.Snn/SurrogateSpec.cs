using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace NeuroCore.Snn;

/// <summary>
/// A surrogate shape and its one parameter (slope k for fast sigmoid and sigmoid, α for atan, width for triangle and
/// rectangular, σ for Gaussian). Written as <c>name</c> or <c>name:parameter</c>, e.g. <c>fast-sigmoid:25</c>.
/// </summary>
/// <param name="Kind">The shape.</param>
/// <param name="Parameter">Its parameter (finite, &gt; 0).</param>
public readonly record struct SurrogateSpec(SurrogateKind Kind, float Parameter)
{
    /// <summary>The names <see cref="Parse"/> accepts, in <see cref="SurrogateKind"/> order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["fast-sigmoid", "atan", "sigmoid", "triangle", "rectangular", "gaussian"];

    /// <summary>
    /// The shape with its customary parameter: fast sigmoid k = 25 (snnTorch), atan α = 2 and sigmoid k = 4
    /// (SpikingJelly), triangle and rectangular width 1, Gaussian σ = 1.
    /// </summary>
    public static SurrogateSpec Default(SurrogateKind kind) => kind switch
    {
        SurrogateKind.FastSigmoid => new(kind, 25f),
        SurrogateKind.ATan => new(kind, 2f),
        SurrogateKind.Sigmoid => new(kind, 4f),
        SurrogateKind.Triangle or SurrogateKind.Rectangular or SurrogateKind.Gaussian => new(kind, 1f),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown surrogate kind."),
    };

    /// <summary>The name <see cref="Parse"/> reads back.</summary>
    public string Name => Names[(int)Kind];

    /// <summary>Parses <c>name</c> or <c>name:parameter</c>.</summary>
    /// <exception cref="FormatException">The name is unknown or the parameter is not a positive number.</exception>
    public static SurrogateSpec Parse(string text)
    {
        if (TryParse(text, out var spec, out string? error)) return spec;
        throw new FormatException(error);
    }

    /// <summary>Parses <c>name</c> or <c>name:parameter</c>, returning a message naming the problem on failure.</summary>
    public static bool TryParse(string? text, out SurrogateSpec spec, [NotNullWhen(false)] out string? error)
    {
        spec = default;
        string s = (text ?? "").Trim().ToLowerInvariant();
        int colon = s.IndexOf(':', StringComparison.Ordinal);
        string name = colon < 0 ? s : s[..colon];
        int index = -1;
        for (int i = 0; i < Names.Count; i++)
            if (Names[i] == name) index = i;
        if (index < 0)
        {
            error = $"Unknown surrogate '{text}'; expected one of {string.Join(", ", Names)}, optionally with ':parameter' (e.g. fast-sigmoid:25).";
            return false;
        }
        spec = Default((SurrogateKind)index);
        if (colon >= 0)
        {
            string p = s[(colon + 1)..];
            if (!float.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) || !float.IsFinite(value) || value <= 0)
            {
                error = $"Surrogate parameter '{p}' in '{text}' must be a finite number > 0.";
                return false;
            }
            spec = spec with { Parameter = value };
        }
        error = null;
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}:{Parameter:G9}");
}
