using FsCheck;
using FsCheck.Xunit;

namespace NeuroCore.Data.Tests;

public sealed class TrigTests
{
    [Property(MaxTest = 500)]
    public void SinCos_MatchTheLibraryWithinFloatRounding(NormalFloat x)
    {
        // The generator uses |x| ≤ 4π; check that range (scaled from FsCheck's normal floats).
        float v = (float)(Math.IEEERemainder(x.Get, 4 * Math.PI));
        Assert.Equal(Math.Sin(v), Trig.Sin(v), 1e-6);
        Assert.Equal(Math.Cos(v), Trig.Cos(v), 1e-6);
    }

    [Fact]
    public void Sin_KnownValues()
    {
        Assert.Equal(0f, Trig.Sin(0f));
        Assert.Equal(1f, Trig.Sin(MathF.PI / 2), 1e-7f);
        Assert.Equal(-1f, Trig.Cos(MathF.PI), 1e-7f);
        Assert.Equal(0.5f, Trig.Sin(MathF.PI / 6), 1e-7f);
    }
}
