using NeuroCore.Kernels;
using Xunit;

namespace NeuroCore.Kernels.Tests;

public class GemmTests
{
    [Fact]
    public void Sgemm_SmallKnownProduct_MatchesHandComputed()
    {
        // [1 2 3; 4 5 6] · [7 8; 9 10; 11 12] = [58 64; 139 154]
        float[] a = [1, 2, 3, 4, 5, 6];
        float[] b = [7, 8, 9, 10, 11, 12];
        float[] c = new float[4];
        Gemm.Sgemm(false, false, 2, 2, 3, 1f, a, 3, b, 2, 0f, c, 2);
        Assert.Equal([58f, 64f, 139f, 154f], c);
        float[] r = new float[4];
        Reference.Gemm(false, false, 2, 2, 3, 1f, a, 3, b, 2, 0f, r, 2);
        Assert.Equal([58f, 64f, 139f, 154f], r);
    }
}
