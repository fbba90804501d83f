using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

/// <summary>
/// Drivers over <see cref="ISurrogate"/> structs. The surrogate is a generic struct argument, so each instantiation is
/// specialised and its <c>Grad</c> inlined (DESIGN.md decision 3); its shape parameters travel in the struct value.
/// </summary>
public static class Surrogate
{
    /// <summary>
    /// Evaluates the surrogate derivative elementwise: effectively computes <c>grad[i] = s.Grad(x[i])</c> for i in
    /// [0, x.Length), at the widest accelerated width (Vector512, else Vector256, else Vector128) with a scalar tail.
    /// <paramref name="grad"/> may be the very same span as <paramref name="x"/> (in place) but may not overlap it
    /// partially.
    /// </summary>
    /// <typeparam name="TSurrogate">The surrogate, e.g. <see cref="ATanSurrogate"/>.</typeparam>
    /// <param name="s">The surrogate with its parameters.</param>
    /// <param name="x">The pre-activations x = V − θ.</param>
    /// <param name="grad">The destination; at least as long as <paramref name="x"/>. Elements past x.Length are untouched.</param>
    /// <exception cref="ArgumentException">The destination is too short or overlaps the input partially.</exception>
    public static void Map<TSurrogate>(in TSurrogate s, ReadOnlySpan<float> x, Span<float> grad) where TSurrogate : struct, ISurrogate
    {
        if (grad.Length < x.Length) Throw.DestinationTooShort(nameof(grad));
        if (x.Overlaps(grad, out int offset) && offset != 0) Throw.PartialOverlap();
        // A local copy: the struct is not known to be readonly through the constraint, so calls through the `in`
        // reference would make a defensive copy per call; one copy up front keeps the parameters in registers.
        TSurrogate g = s;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(grad);
        nuint i = 0, n = (nuint)x.Length;
        if (Vector512.IsHardwareAccelerated)
        {
            nuint w = (nuint)Vector512<float>.Count;
            for (; i + w <= n; i += w)
                g.Grad(Vector512.LoadUnsafe(ref xr, i)).StoreUnsafe(ref yr, i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            nuint w = (nuint)Vector256<float>.Count;
            for (; i + w <= n; i += w)
                g.Grad(Vector256.LoadUnsafe(ref xr, i)).StoreUnsafe(ref yr, i);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            nuint w = (nuint)Vector128<float>.Count;
            for (; i + w <= n; i += w)
                g.Grad(Vector128.LoadUnsafe(ref xr, i)).StoreUnsafe(ref yr, i);
        }
        for (; i < n; i++)
            Unsafe.Add(ref yr, i) = g.Grad(Unsafe.Add(ref xr, i));
    }
}
