using System.Numerics;
using NeuroCore.Kernels;

namespace NeuroCore.Data;

/// <summary>
/// A procedural 10-class data set of 28×28 grey images of drawn shapes, for machines without Fashion-MNIST and
/// for fast tests. Each image is one shape, stroked or filled with anti-aliasing, under a random affine jitter
/// (scale, aspect, rotation ±30°, shear, translation), with a random stroke width and ink level, 0–2 clutter
/// strokes, a faint background level and per-pixel noise. The jitter makes the classes overlap in pixel space,
/// so a linear model is clearly worse than an MLP or a CNN.
/// </summary>
/// <remarks>
/// <para>Classes (shapes are defined on the unit square and then jittered):</para>
/// <list type="number">
/// <item><description>0 circle: a stroked circle outline.</description></item>
/// <item><description>1 square: a stroked square outline.</description></item>
/// <item><description>2 triangle: a stroked equilateral triangle outline, apex up.</description></item>
/// <item><description>3 plus: a horizontal and a vertical bar crossing at the centre.</description></item>
/// <item><description>4 line pair: two parallel horizontal bars.</description></item>
/// <item><description>5 double ring: two concentric circles (radii 1 and 0.45).</description></item>
/// <item><description>6 disc: a filled disc (radius 0.7).</description></item>
/// <item><description>7 star: a stroked five-pointed star outline.</description></item>
/// <item><description>8 chevron: a "V" of two strokes meeting at the bottom.</description></item>
/// <item><description>9 spiral: an open spiral of one and a half turns.</description></item>
/// </list>
/// <para>Determinism: image <c>i</c> draws its random numbers from <c>PhiloxGenerator(seed, i + 1)</c> and the
/// label order from stream 0, so the same (count, seed) gives a bitwise-identical set regardless of threads,
/// and only IEEE-exact float operations (no library sin/cos) are used, so also across platforms.</para>
/// </remarks>
public static class BuiltinShapes
{
    /// <summary>Image height and width in pixels.</summary>
    public const int ImageSize = 28;

    /// <summary>The number of classes.</summary>
    public const int ClassCount = 10;

    /// <summary>Training images in <see cref="LoadDefault"/>.</summary>
    public const int DefaultTrainCount = 20000;

    /// <summary>Test images in <see cref="LoadDefault"/>.</summary>
    public const int DefaultTestCount = 4000;

    /// <summary>The seed <see cref="LoadDefault"/> uses unless told otherwise.</summary>
    public const ulong DefaultSeed = 20240607;

    /// <summary>The class names, by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["circle", "square", "triangle", "plus", "line pair", "double ring", "disc", "star", "chevron", "spiral"];

    /// <summary>
    /// The standard split: <see cref="DefaultTrainCount"/> training images from <paramref name="seed"/> and
    /// <see cref="DefaultTestCount"/> test images from <paramref name="seed"/> + 1 (independent draws).
    /// </summary>
    public static DatasetSplit LoadDefault(ulong seed = DefaultSeed) =>
        new(Generate(DefaultTrainCount, seed, "builtin-shapes/train"), Generate(DefaultTestCount, seed + 1, "builtin-shapes/test"));

    /// <summary>
    /// Generates <paramref name="count"/> images with balanced classes (counts differ by at most one) in a
    /// seeded random order. Same arguments, same bits.
    /// </summary>
    public static LabeledImageSet Generate(int count, ulong seed, string name = "builtin-shapes")
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Array.MaxLength / (ImageSize * ImageSize));

        // Balanced labels in a seeded order: a shuffled 0..count−1, each taken modulo the class count.
        var order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        BatchIterator.Shuffle(order, seed, stream: 0);
        var labels = new byte[count];
        for (int i = 0; i < count; i++) labels[i] = (byte)(order[i] % ClassCount);

        var pixels = new float[count * ImageSize * ImageSize];
        // Each image has its own Philox stream, so the parallel split cannot change a single bit.
        Parallel.For(0, (count + 255) / 256, chunk =>
        {
            Span<Vector2> scratch = stackalloc Vector2[MaxPoints];
            int end = Math.Min(count, (chunk + 1) * 256);
            for (int i = chunk * 256; i < end; i++)
            {
                var rng = new PhiloxGenerator(seed, (ulong)i + 1);
                Render(pixels.AsSpan(i * ImageSize * ImageSize, ImageSize * ImageSize), labels[i], ref rng, scratch);
            }
        });
        return new LabeledImageSet(name, ImageSize, ImageSize, ClassCount, pixels, labels, ClassNames);
    }

    const int MaxPoints = 40;
    const int DiscClass = 6;

    /// <summary>Draws one image of class <paramref name="label"/> into <paramref name="image"/> (28×28, overwritten).</summary>
    internal static void Render(Span<float> image, int label, ref PhiloxGenerator rng, Span<Vector2> scratch)
    {
        const int n = ImageSize;
        image.Fill(0.08f * rng.NextFloat());

        // Clutter first, so the shape's ink wins where they cross.
        int clutter = rng.NextInt(3);
        for (int k = 0; k < clutter; k++)
        {
            var a = new Vector2(1f + 26f * rng.NextFloat(), 1f + 26f * rng.NextFloat());
            float angle = 2f * MathF.PI * rng.NextFloat(), length = 3f + 6f * rng.NextFloat();
            var b = a + length * new Vector2(Trig.Cos(angle), Trig.Sin(angle));
            Raster.Segment(image, n, a, b, 0.4f + 0.5f * rng.NextFloat(), 0.25f + 0.45f * rng.NextFloat());
        }

        // The affine jitter p = c + R(θ)·Shear(k)·diag(sx, sy)·u maps unit-shape coordinates u to pixels.
        float radius = 7f + 3.5f * rng.NextFloat();
        float sx = radius * (0.85f + 0.3f * rng.NextFloat()), sy = radius * (0.85f + 0.3f * rng.NextFloat());
        float theta = (rng.NextFloat() - 0.5f) * (MathF.PI / 3f), shear = (rng.NextFloat() - 0.5f) * 0.3f;
        float cos = Trig.Cos(theta), sin = Trig.Sin(theta);
        var transform = new Affine(
            cos * sx, (cos * shear - sin) * sy,
            sin * sx, (sin * shear + cos) * sy,
            n / 2f + (rng.NextFloat() - 0.5f) * 7f, n / 2f + (rng.NextFloat() - 0.5f) * 7f);
        float halfWidth = 0.6f + 0.8f * rng.NextFloat();
        float ink = 0.6f + 0.4f * rng.NextFloat();

        if (label == DiscClass)
            Raster.FillDisc(image, n, transform, 0.7f, ink);
        else
            foreach (var (points, closed) in Shapes.Strokes[label])
                Raster.Polyline(image, n, transform.Apply(points, scratch), closed, halfWidth, ink);

        // Triangular noise (sum of two 16-bit uniforms from one draw) of a random amplitude, clamped into [0, 1].
        float amplitude = 0.05f + 0.15f * rng.NextFloat();
        for (int i = 0; i < image.Length; i++)
        {
            uint bits = rng.NextUInt();
            float u = ((bits & 0xFFFF) + (bits >> 16)) * (1f / 65536f) - 1f;
            image[i] = Math.Clamp(image[i] + amplitude * u, 0f, 1f);
        }
    }

    /// <summary>The unit shapes (centred at the origin, extent about ±1), built once.</summary>
    static class Shapes
    {
        public static readonly Vector2[] Circle = Arc(24, 1f, 1f, 0f, 2f * MathF.PI, closed: true);
        public static readonly Vector2[] InnerCircle = Arc(16, 0.45f, 0.45f, 0f, 2f * MathF.PI, closed: true);
        public static readonly Vector2[] Square = [new(-0.8f, -0.8f), new(0.8f, -0.8f), new(0.8f, 0.8f), new(-0.8f, 0.8f)];
        public static readonly Vector2[] Triangle = [new(0f, -1f), new(0.866f, 0.5f), new(-0.866f, 0.5f)];
        public static readonly Vector2[] PlusHorizontal = [new(-1f, 0f), new(1f, 0f)];
        public static readonly Vector2[] PlusVertical = [new(0f, -1f), new(0f, 1f)];
        public static readonly Vector2[] LineTop = [new(-0.9f, -0.45f), new(0.9f, -0.45f)];
        public static readonly Vector2[] LineBottom = [new(-0.9f, 0.45f), new(0.9f, 0.45f)];
        public static readonly Vector2[] Chevron = [new(-0.9f, -0.55f), new(0f, 0.6f), new(0.9f, -0.55f)];
        public static readonly Vector2[] Star = MakeStar();
        public static readonly Vector2[] Spiral = Arc(36, 0.15f, 1f, 0f, 3f * MathF.PI, closed: false);

        /// <summary>The polylines (points, closed) stroked for each class; the disc is filled instead.</summary>
        public static readonly (Vector2[] Points, bool Closed)[][] Strokes =
        [
            [(Circle, true)],
            [(Square, true)],
            [(Triangle, true)],
            [(PlusHorizontal, false), (PlusVertical, false)],
            [(LineTop, false), (LineBottom, false)],
            [(Circle, true), (InnerCircle, true)],
            [],
            [(Star, true)],
            [(Chevron, false)],
            [(Spiral, false)],
        ];

        /// <summary>Points on an arc whose radius goes linearly from r0 to r1 (a circle when equal, a spiral otherwise).</summary>
        static Vector2[] Arc(int count, float r0, float r1, float start, float sweep, bool closed)
        {
            var points = new Vector2[count];
            int steps = closed ? count : count - 1;
            for (int i = 0; i < count; i++)
            {
                float t = (float)i / steps;
                float r = r0 + (r1 - r0) * t, a = start + sweep * t;
                points[i] = new Vector2(r * Trig.Cos(a), r * Trig.Sin(a));
            }
            return points;
        }

        static Vector2[] MakeStar()
        {
            var points = new Vector2[10];
            for (int i = 0; i < 10; i++)
            {
                float r = i % 2 == 0 ? 1f : 0.42f, a = -MathF.PI / 2f + i * MathF.PI / 5f;
                points[i] = new Vector2(r * Trig.Cos(a), r * Trig.Sin(a));
            }
            return points;
        }
    }
}
