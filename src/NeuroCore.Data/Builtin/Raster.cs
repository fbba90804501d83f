using System.Numerics;

namespace NeuroCore.Data;

/// <summary>
/// Anti-aliased drawing into a small grey image, composed by maximum (shapes never darken each other).
/// Coverage comes from the exact distance between the pixel centre and the primitive in pixel space, with a
/// one-pixel linear ramp: <c>coverage = clamp(halfWidth + 0.5 − distance, 0, 1)</c>. Only plain float
/// arithmetic and square roots are used, so the result is bitwise reproducible on every IEEE platform.
/// </summary>
static class Raster
{
    /// <summary>Strokes the segment <paramref name="a"/>–<paramref name="b"/> with half-width <paramref name="halfWidth"/> pixels.</summary>
    public static void Segment(Span<float> image, int size, Vector2 a, Vector2 b, float halfWidth, float intensity)
    {
        float reach = halfWidth + 1f;
        int x0 = Math.Max(0, (int)MathF.Floor(MathF.Min(a.X, b.X) - reach));
        int x1 = Math.Min(size - 1, (int)MathF.Ceiling(MathF.Max(a.X, b.X) + reach));
        int y0 = Math.Max(0, (int)MathF.Floor(MathF.Min(a.Y, b.Y) - reach));
        int y1 = Math.Min(size - 1, (int)MathF.Ceiling(MathF.Max(a.Y, b.Y) + reach));
        Vector2 ab = b - a;
        float len2 = ab.X * ab.X + ab.Y * ab.Y;
        float invLen2 = len2 > 0f ? 1f / len2 : 0f;
        for (int y = y0; y <= y1; y++)
        {
            for (int x = x0; x <= x1; x++)
            {
                float d = DistanceToSegment(new Vector2(x + 0.5f, y + 0.5f), a, ab, invLen2);
                float v = intensity * Math.Clamp(halfWidth + 0.5f - d, 0f, 1f);
                ref float pixel = ref image[y * size + x];
                if (v > pixel) pixel = v;
            }
        }
    }

    /// <summary>Strokes the polyline through <paramref name="points"/>, closing it when <paramref name="closed"/>.</summary>
    public static void Polyline(Span<float> image, int size, ReadOnlySpan<Vector2> points, bool closed, float halfWidth, float intensity)
    {
        for (int i = 0; i + 1 < points.Length; i++)
            Segment(image, size, points[i], points[i + 1], halfWidth, intensity);
        if (closed && points.Length > 2)
            Segment(image, size, points[^1], points[0], halfWidth, intensity);
    }

    /// <summary>
    /// Fills the ellipse that <paramref name="transform"/> makes of the disc of radius <paramref name="radius"/>,
    /// with an anti-aliased edge. The distance to the edge is the radial gap in disc coordinates scaled by how
    /// much the transform stretches that radial direction (exact for a circle, close for a mild ellipse).
    /// </summary>
    public static void FillDisc(Span<float> image, int size, in Affine transform, float radius, float intensity)
    {
        // Bounding box of the ellipse: half-extents sqrt(m00² + m01²)·r and sqrt(m10² + m11²)·r.
        float ex = radius * MathF.Sqrt(transform.M00 * transform.M00 + transform.M01 * transform.M01);
        float ey = radius * MathF.Sqrt(transform.M10 * transform.M10 + transform.M11 * transform.M11);
        int x0 = Math.Max(0, (int)MathF.Floor(transform.Tx - ex - 1f)), x1 = Math.Min(size - 1, (int)MathF.Ceiling(transform.Tx + ex + 1f));
        int y0 = Math.Max(0, (int)MathF.Floor(transform.Ty - ey - 1f)), y1 = Math.Min(size - 1, (int)MathF.Ceiling(transform.Ty + ey + 1f));
        float det = transform.M00 * transform.M11 - transform.M01 * transform.M10;
        float i00 = transform.M11 / det, i01 = -transform.M01 / det, i10 = -transform.M10 / det, i11 = transform.M00 / det;
        for (int y = y0; y <= y1; y++)
        {
            for (int x = x0; x <= x1; x++)
            {
                float px = x + 0.5f - transform.Tx, py = y + 0.5f - transform.Ty;
                float qx = i00 * px + i01 * py, qy = i10 * px + i11 * py;
                float rho = MathF.Sqrt(qx * qx + qy * qy);
                float stretch = radius;
                if (rho > 0f)
                {
                    float ux = qx / rho, uy = qy / rho;
                    float sx = transform.M00 * ux + transform.M01 * uy, sy = transform.M10 * ux + transform.M11 * uy;
                    stretch = MathF.Sqrt(sx * sx + sy * sy);
                }
                float signedDistance = (rho - radius) * stretch;
                float v = intensity * Math.Clamp(0.5f - signedDistance, 0f, 1f);
                ref float pixel = ref image[y * size + x];
                if (v > pixel) pixel = v;
            }
        }
    }

    static float DistanceToSegment(Vector2 p, Vector2 a, Vector2 ab, float invLen2)
    {
        Vector2 ap = p - a;
        float t = Math.Clamp((ap.X * ab.X + ap.Y * ab.Y) * invLen2, 0f, 1f);
        float dx = ap.X - t * ab.X, dy = ap.Y - t * ab.Y;
        return MathF.Sqrt(dx * dx + dy * dy);
    }
}
