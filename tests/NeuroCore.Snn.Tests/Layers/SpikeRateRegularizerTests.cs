using NeuroCore.Autodiff;

namespace NeuroCore.Snn.Tests.Layers;

public sealed class SpikeRateRegularizerTests
{
    [Fact]
    public void Loss_IsLambdaTimesSquaredRateError_WithItsGradient()
    {
        // Layer a: rate 0.5, layer b: rate 0.25; target 0.1, λ = 2: 2·(0.4² + 0.15²) = 0.365.
        using var a = Tensor.From([1f, 0f, 1f, 0f], new Shape(2, 2)).RequireGrad();
        using var b = Tensor.From([1f, 0f, 0f, 0f], new Shape(4)).RequireGrad();
        using var tape = new Tape();
        var loss = SpikeRateRegularizer.Loss(tape, [a, b], 2f, 0.1f)!;
        Assert.Equal(0.365f, loss.Item(), 6);
        tape.Backward(loss);
        // ∂/∂a_i = λ·2·(0.4)/4 = 0.4; ∂/∂b_i = λ·2·0.15/4 = 0.15.
        Assert.All(a.Grad!.ToArray(), g => Assert.Equal(0.4f, g, 6));
        Assert.All(b.Grad!.ToArray(), g => Assert.Equal(0.15f, g, 6));
        Assert.Null(SpikeRateRegularizer.Loss(tape, [], 1f, 0.1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => SpikeRateRegularizer.Loss(tape, [a], -1f, 0.1f));
    }
}
