using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

/// <summary>
/// An in-place update of a parameter and up to two state values from a gradient, at every width, for the
/// fused optimizer driver (<see cref="Optim"/>). A struct with readonly fields (the hyperparameters), so the
/// driver is specialised per update and the fields stay in registers.
/// </summary>
internal interface IFusedUpdate
{
    /// <summary>How many state spans the update reads and writes: 0 (plain SGD), 1 (momentum), 2 (Adam's m, v).
    /// Unused state spans may be empty; the driver neither loads nor stores them.</summary>
    static abstract int StateCount { get; }

    void Invoke(ref float p, float g, ref float a, ref float b);

    void Invoke(ref Vector128<float> p, Vector128<float> g, ref Vector128<float> a, ref Vector128<float> b);

    void Invoke(ref Vector256<float> p, Vector256<float> g, ref Vector256<float> a, ref Vector256<float> b);

    void Invoke(ref Vector512<float> p, Vector512<float> g, ref Vector512<float> a, ref Vector512<float> b);
}
