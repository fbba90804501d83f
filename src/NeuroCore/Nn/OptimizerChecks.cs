namespace NeuroCore.Nn;

/// <summary>Argument and state checks shared by the optimizers (cold paths).</summary>
internal static class OptimizerChecks
{
    public static void NonNegative(float value, string name, string optimizer)
    {
        if (!(value >= 0f) || float.IsInfinity(value))
            throw new ArgumentOutOfRangeException(name, value, $"{optimizer}: {name} must be a finite value ≥ 0.");
    }

    public static void Beta(float value, string name, string optimizer)
    {
        if (!(value >= 0f && value < 1f))
            throw new ArgumentOutOfRangeException(name, value, $"{optimizer}: {name} must be in [0, 1).");
    }

    public static void StoreUnchanged(ParameterStore store, int size, string optimizer)
    {
        if (store.Count != size)
            throw new InvalidOperationException(
                $"{optimizer}: the parameter store holds {store.Count} values but the optimizer was created for {size}; create the optimizer after the whole model is built.");
    }

    public static void KindMatches(OptimizerState state, string kind)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Kind != kind)
            throw new InvalidOperationException($"Optimizer state was saved by '{state.Kind}' but is being loaded into '{kind}'; use the same optimizer to resume.");
    }

    /// <summary>
    /// A zero-filled state buffer whose memory is written now. A fresh array from the GC is zero without having been
    /// touched, so the optimizer's first <c>Step</c> would take a first-touch page fault every 4 KiB (about 10 µs each on
    /// some VMs, ~6 ms for W3's 407k parameters); paying that at construction keeps every step, the first included, at
    /// the steady-state cost.
    /// </summary>
    public static float[] TouchedZeros(int length)
    {
        var a = GC.AllocateUninitializedArray<float>(length);
        a.AsSpan().Clear();
        return a;
    }
}
