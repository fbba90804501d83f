using System.Diagnostics.CodeAnalysis;

namespace NeuroCore.Kernels;

/// <summary>Cold throw helpers, kept out of kernels so the hot methods stay small and inlinable.</summary>
internal static class Throw
{
    [DoesNotReturn]
    public static void DestinationTooShort(string name = "destination") =>
        throw new ArgumentException($"The {name} span is shorter than the input.", name);

    [DoesNotReturn]
    public static void LengthMismatch(string what, int expected, int actual) =>
        throw new ArgumentException($"{what}: expected length {expected}, got {actual}.");

    [DoesNotReturn]
    public static void Argument(string message, string? paramName = null) =>
        throw new ArgumentException(message, paramName);

    [DoesNotReturn]
    public static void OutOfRange(string paramName, string message) =>
        throw new ArgumentOutOfRangeException(paramName, message);

    [DoesNotReturn]
    public static void PartialOverlap() =>
        throw new ArgumentException(
            "The destination overlaps an input span partially; pass the very same span for in-place use, or a separate buffer.");
}
