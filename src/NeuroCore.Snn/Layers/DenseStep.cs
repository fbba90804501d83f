using NeuroCore.Kernels;

namespace NeuroCore.Snn;

/// <summary>The synaptic product of one streaming step, shared by the layers' <c>Step</c> methods.</summary>
static class DenseStep
{
    /// <summary>
    /// Effectively computes <c>current[r, :] = bias + W·input[r, :]</c> for r &lt; rows, with W [out, in] and bias [out];
    /// one thread, no allocation.
    /// </summary>
    public static void Product(ReadOnlySpan<float> input, int rows, Tensor weight, Tensor bias, Span<float> current)
    {
        int outF = weight.Shape[0], inF = weight.Shape[1];
        var b = bias.Span;
        for (int r = 0; r < rows; r++) b.CopyTo(current.Slice(r * outF, outF));
        Gemm.Sgemm(false, true, rows, outF, inF, 1f, input, inF, weight.Span, inF, 1f, current, outF, 1);
    }
}
