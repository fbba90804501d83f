namespace NeuroCore.Snn.Tests;

public sealed class SurrogateSpecTests
{
    [Theory]
    [InlineData("fast-sigmoid", SurrogateKind.FastSigmoid, 25f)]
    [InlineData("ATan", SurrogateKind.ATan, 2f)]
    [InlineData("sigmoid:5", SurrogateKind.Sigmoid, 5f)]
    [InlineData(" triangle:0.5 ", SurrogateKind.Triangle, 0.5f)]
    [InlineData("gaussian", SurrogateKind.Gaussian, 1f)]
    public void Parse_KnownNames_GiveKindAndParameter(string text, SurrogateKind kind, float parameter)
    {
        var spec = SurrogateSpec.Parse(text);
        Assert.Equal(kind, spec.Kind);
        Assert.Equal(parameter, spec.Parameter);
        Assert.Equal(spec, SurrogateSpec.Parse(spec.ToString()));
    }

    [Theory]
    [InlineData("heaviside", "Unknown surrogate")]
    [InlineData("atan:-1", "must be a finite number > 0")]
    [InlineData("atan:x", "must be a finite number > 0")]
    [InlineData("", "Unknown surrogate")]
    public void Parse_BadText_NamesTheProblem(string text, string fragment)
    {
        var ex = Assert.Throws<FormatException>(() => SurrogateSpec.Parse(text));
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }
}
