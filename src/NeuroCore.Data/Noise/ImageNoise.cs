using System.Globalization;
using NeuroCore.Kernels;

namespace NeuroCore.Data;

/// <summary>The kinds of input corruption of the noise-robustness evaluation.</summary>
public enum NoiseKind
{
    /// <summary>Additive Gaussian pixel noise: <c>x + σ·N(0, 1)</c>, clipped to [0, 1].</summary>
    Gaussian,

    /// <summary>Salt and pepper: each pixel with probability p becomes 0 or 1 (even odds).</summary>
    SaltPepper,

    /// <summary>
    /// Brightness and contrast jitter of strength s, per image: contrast c ~ U[1 − s, 1 + s] about the image's mean and
    /// brightness b ~ U[−s/2, s/2]: <c>(x − m)·c + m + b</c>, clipped to [0, 1].
    /// </summary>
    Jitter,
}

/// <summary>One noise condition: a kind at a level (σ, p or s).</summary>
/// <param name="Kind">The corruption.</param>
/// <param name="Level">σ for Gaussian, p for salt and pepper, s for jitter.</param>
public readonly record struct NoiseCondition(NoiseKind Kind, float Level)
{
    /// <summary>The levels a kind gets when a spec names it without levels.</summary>
    public static IReadOnlyList<float> DefaultLevels(NoiseKind kind) => kind switch
    {
        NoiseKind.Gaussian => [0.1f, 0.2f, 0.3f],
        NoiseKind.SaltPepper => [0.05f, 0.1f],
        _ => [0.2f, 0.4f],
    };

    /// <summary>The spec name of a kind: gaussian, salt-pepper or jitter.</summary>
    public static string KindName(NoiseKind kind) => kind switch
    {
        NoiseKind.Gaussian => "gaussian",
        NoiseKind.SaltPepper => "salt-pepper",
        _ => "jitter",
    };

    /// <summary>"kind:level", e.g. gaussian:0.1.</summary>
    public override string ToString() => KindName(Kind) + ":" + Level.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>
    /// Parses noise specs, each <c>KIND[:L1,L2,...]</c> with KIND gaussian (σ), salt-pepper (p) or jitter (s), e.g.
    /// <c>gaussian:0.1,0.2,0.3</c>, <c>salt-pepper:0.05,0.1</c>, <c>jitter</c>; a kind without levels gets
    /// <see cref="DefaultLevels"/>. Levels must lie in [0, 1].
    /// </summary>
    /// <exception cref="FormatException">A spec cannot be read (the message names it and the syntax).</exception>
    public static IReadOnlyList<NoiseCondition> Parse(IEnumerable<string> specs)
    {
        ArgumentNullException.ThrowIfNull(specs);
        var list = new List<NoiseCondition>();
        foreach (string raw in specs)
        {
            string spec = raw.Trim();
            int colon = spec.IndexOf(':', StringComparison.Ordinal);
            string kindText = colon < 0 ? spec : spec[..colon];
            NoiseKind kind = kindText.ToLowerInvariant() switch
            {
                "gaussian" => NoiseKind.Gaussian,
                "salt-pepper" => NoiseKind.SaltPepper,
                "jitter" => NoiseKind.Jitter,
                _ => throw new FormatException(
                    $"Noise spec '{raw}': unknown kind '{kindText}'; expected KIND[:L1,L2,...] with KIND gaussian, salt-pepper or jitter, e.g. gaussian:0.1,0.2."),
            };
            if (colon < 0)
            {
                foreach (float l in DefaultLevels(kind)) list.Add(new NoiseCondition(kind, l));
                continue;
            }
            var parts = spec[(colon + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) throw new FormatException($"Noise spec '{raw}': no level after ':'; e.g. {KindName(kind)}:0.1,0.2.");
            foreach (string p in parts)
            {
                if (!float.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out float level) || !(level >= 0f && level <= 1f))
                    throw new FormatException($"Noise spec '{raw}': level '{p}' must be a number in [0, 1].");
                list.Add(new NoiseCondition(kind, level));
            }
        }
        return list;
    }
}

/// <summary>
/// Seeded input corruption for robustness tests. Image i of a set under kind k draws from
/// <c>PhiloxGenerator(seed, (k + 1)·2³² + i)</c>, so a corrupted set does not depend on batching or threads, and every
/// level of a kind uses the same draws (σ scales one fixed Gaussian field; p thresholds one fixed uniform field).
/// Every output pixel is clipped to [0, 1].
/// </summary>
public static class ImageNoise
{
    /// <summary>The default seed of the noise draws.</summary>
    public const ulong DefaultSeed = 0x4E015E;

    /// <summary>A copy of <paramref name="set"/> with every image corrupted by <paramref name="condition"/>.</summary>
    public static LabeledImageSet Apply(LabeledImageSet set, NoiseCondition condition, ulong seed = DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(set);
        var pixels = new float[set.Pixels.Length];
        int size = set.ImageSize;
        for (int i = 0; i < set.Count; i++)
            Apply(set.Image(i), pixels.AsSpan(i * size, size), condition, seed, i);
        return new LabeledImageSet($"{set.Name} + {condition}", set.Height, set.Width, set.Classes, pixels, (byte[])set.Labels.Clone(), set.ClassNames);
    }

    /// <summary>Corrupts one image <paramref name="source"/> (sample <paramref name="index"/> of its set) into <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">The spans differ in length or the level is outside [0, 1].</exception>
    public static void Apply(ReadOnlySpan<float> source, Span<float> destination, NoiseCondition condition, ulong seed, int index)
    {
        if (source.Length != destination.Length)
            throw new ArgumentException($"ImageNoise: source ({source.Length}) and destination ({destination.Length}) differ in length.", nameof(destination));
        float level = condition.Level;
        if (!(level >= 0f && level <= 1f))
            throw new ArgumentException($"ImageNoise: level {level} of {NoiseCondition.KindName(condition.Kind)} must lie in [0, 1].", nameof(condition));
        var rng = new PhiloxGenerator(seed, ((ulong)condition.Kind + 1) << 32 | (uint)index);
        switch (condition.Kind)
        {
            case NoiseKind.Gaussian:
                for (int j = 0; j < source.Length; j++) destination[j] = Clip(source[j] + level * rng.NextNormal());
                break;
            case NoiseKind.SaltPepper:
                for (int j = 0; j < source.Length; j++)
                {
                    float u = rng.NextFloat(), v = rng.NextFloat();
                    destination[j] = u < level ? (v < 0.5f ? 0f : 1f) : Clip(source[j]);
                }
                break;
            case NoiseKind.Jitter:
                float contrast = 1f + level * (2f * rng.NextFloat() - 1f);
                float brightness = 0.5f * level * (2f * rng.NextFloat() - 1f);
                float mean = source.Length == 0 ? 0f : System.Numerics.Tensors.TensorPrimitives.Sum(source) / source.Length;
                for (int j = 0; j < source.Length; j++) destination[j] = Clip(((source[j] - mean) * contrast) + mean + brightness);
                break;
            default:
                throw new ArgumentException($"ImageNoise: unknown kind {condition.Kind}.", nameof(condition));
        }
    }

    static float Clip(float x) => x < 0f ? 0f : x > 1f ? 1f : x;
}
