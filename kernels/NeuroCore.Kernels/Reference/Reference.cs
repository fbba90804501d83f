namespace NeuroCore.Kernels;

/// <summary>
/// Plain scalar twins of the kernels: one straightforward loop per kernel, written for clarity, not speed. Each is
/// the specification of its fast twin (same name), its fallback when in doubt, and its test oracle. The
/// doc comment of each gives the equation it computes.
/// </summary>
public static partial class Reference
{
}
