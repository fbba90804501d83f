using NeuroCore.Kernels;
using Xunit;

namespace NeuroCore.Snn.Tests.Layers;

/// <summary>
/// <see cref="CsrSynapse.Step(ReadOnlySpan{ulong}, int, Span{float}, int)"/> on its product path (bit transpose, masked
/// group sums on the CSR-ordered values copy, output transpose): bitwise the kernel's scalar twin on the layer's values,
/// equal to the float Step within rounding (the product sums connections in groups of 4), and the values copy follows
/// every change of the values and of the pattern.
/// </summary>
public class CsrSynapsePackedTests
{
    static ulong[] Pack(float[] x, int rows, int inF)
    {
        var bits = new ulong[rows * SpikeSynapse.PackedWords(inF)];
        SpikeSynapse.Pack(x, rows, inF, bits);
        return bits;
    }

    static float[] FloatStep(CsrSynapse layer, float[] x, int rows)
    {
        var y = new float[rows * layer.OutFeatures];
        var path = layer.Path;
        layer.Path = SynapsePath.Dense;
        layer.Step(x, rows, y);
        layer.Path = path;
        return y;
    }

    /// <summary>The twin of the packed product on the layer's current pattern and values, as the current [rows, out].</summary>
    static float[] TwinStep(CsrSynapse layer, float[] x, int rows)
    {
        int inF = layer.InFeatures, outF = layer.OutFeatures;
        var bitsT = new ulong[inF * SpikeSynapse.PackedWords(rows)];
        Csr.TransposeBits(Pack(x, rows, inF), rows, inF, bitsT);
        var yT = new float[outF * rows];
        Reference.CsrMultiplyPackedInput(layer.Pattern, layer.Values.Span, false, bitsT, rows, layer.Bias is null ? default : layer.Bias.Span, yT);
        var y = new float[rows * outF];
        Csr.Transpose(yT, outF, rows, y);
        return y;
    }

    static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f * (1 + Math.Abs(expected[i])), $"[{i}] = {actual[i]:R}, expected {expected[i]:R} within rounding");
    }

    [Theory]
    [InlineData(1, 1, 1, 2)]
    [InlineData(9, 130, 33, 1)]
    [InlineData(128, 200, 70, 2)]     // one whole 128-sample block
    [InlineData(200, 65, 40, 3)]      // a block, then single vectors and a scalar tail; multi-word samples
    public void PackedProduct_BitwiseEqualsTwin_CloseToFloatStep_AnyThreadCount(int rows, int inF, int outF, int threads)
    {
        var rng = new Random(rows + inF);
        var layer = new CsrSynapse(new ParameterStore(), "sp", inF, outF, 0.2, 4) { Path = SynapsePath.Dense };
        var x = LayerTestKit.Spikes(rng, rows * inF, 0.15);
        var bits = Pack(x, rows, inF);
        var expected = FloatStep(layer, x, rows);
        var y = new float[rows * outF];
        layer.Step(bits, rows, y, threads);
        Assert.False(layer.LastUsedEvents);
        Assert.Equal(TwinStep(layer, x, rows), y);
        AssertClose(expected, y);
        var y1 = new float[rows * outF];
        layer.Step(bits, rows, y1, 1);
        Assert.Equal(y, y1);
    }

    [Fact]
    public void AutoPath_PicksByPackedThreshold()
    {
        var rng = new Random(2);
        const int rows = 64, inF = 256;
        var layer = new CsrSynapse(new ParameterStore(), "sp", inF, 32, 0.1, 1);
        var sparse = new float[rows * inF];
        for (int i = 0; i < sparse.Length; i += 100) sparse[i] = 1;   // 1 % < PackedEventDensityThreshold
        var dense = LayerTestKit.Spikes(rng, rows * inF, 0.1);
        var y = new float[rows * 32];
        layer.Step(Pack(sparse, rows, inF), rows, y);
        Assert.True(layer.LastUsedEvents);
        Assert.Equal(FloatStep(layer, sparse, rows), y);
        layer.Step(Pack(dense, rows, inF), rows, y);
        Assert.False(layer.LastUsedEvents);
        Assert.Equal(TwinStep(layer, dense, rows), y);
    }

    [Fact]
    public void ValuesCopy_FollowsValueWrites_AndRewires()
    {
        var rng = new Random(6);
        const int rows = 40, inF = 90, outF = 50;
        var layer = new CsrSynapse(new ParameterStore(), "sp", inF, outF, 0.2, 2) { Path = SynapsePath.Dense };
        var x = LayerTestKit.Spikes(rng, rows * inF, 0.3);
        var bits = Pack(x, rows, inF);
        var y = new float[rows * outF];
        layer.Step(bits, rows, y);
        Assert.Equal(TwinStep(layer, x, rows), y);
        // One value written in place (as an optimizer step does): the next call sees it.
        int slot = layer.Pattern.RowSlots[layer.Pattern.RowStart[3]];
        layer.Values.Span[slot] += 0.5f;
        layer.Step(bits, rows, y);
        Assert.Equal(TwinStep(layer, x, rows), y);
        // A sign flip of a zero is a change too (bitwise check).
        layer.Values.Span[slot] = 0f;
        layer.Step(bits, rows, y);
        layer.Values.Span[slot] = -0f;
        layer.Step(bits, rows, y);
        Assert.Equal(TwinStep(layer, x, rows), y);
        // A rewire moves slots (and zeroes them): the pattern version changes, the copy is rebuilt.
        for (int i = 0; i < layer.Nnz; i++) layer.Values.Span[i] = (float)(rng.NextDouble() - 0.5);
        layer.Step(bits, rows, y);
        layer.Rewire(0.2f, PruneRule.Magnitude, GrowRule.Random, 3, 1, default);
        for (int i = 0; i < layer.Nnz; i++) if (layer.Values.Span[i] == 0f) layer.Values.Span[i] = 0.25f;
        layer.Step(bits, rows, y);
        Assert.Equal(TwinStep(layer, x, rows), y);
    }
}
