using System.Numerics;

namespace NeuroCore.Data;

/// <summary>A 2-D affine map p = M·u + t from shape coordinates to pixel coordinates.</summary>
readonly struct Affine(float m00, float m01, float m10, float m11, float tx, float ty)
{
    public float M00 { get; } = m00;
    public float M01 { get; } = m01;
    public float M10 { get; } = m10;
    public float M11 { get; } = m11;
    public float Tx { get; } = tx;
    public float Ty { get; } = ty;

    /// <summary>Maps every point of <paramref name="shape"/> into <paramref name="destination"/>; returns the filled part.</summary>
    public ReadOnlySpan<Vector2> Apply(ReadOnlySpan<Vector2> shape, Span<Vector2> destination)
    {
        for (int i = 0; i < shape.Length; i++)
        {
            var u = shape[i];
            destination[i] = new Vector2(M00 * u.X + M01 * u.Y + Tx, M10 * u.X + M11 * u.Y + Ty);
        }
        return destination[..shape.Length];
    }
}
