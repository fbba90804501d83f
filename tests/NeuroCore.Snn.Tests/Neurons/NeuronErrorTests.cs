using NeuroCore.Autodiff;
using NeuroCore.Kernels;

namespace NeuroCore.Snn.Tests.Neurons;

public sealed class NeuronErrorTests
{
    static LifParams Lif(string name = "fc1", int groups = 4, int inner = 1, ParameterStore? store = null) =>
        LifParams.Create(store ?? new ParameterStore(), name, groups, inner, 0.9f, 1f, true, true, LifReset.Soft, false,
            SurrogateSpec.Default(SurrogateKind.FastSigmoid));

    static void AssertMessage(Action act, params string[] fragments)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(act);
        foreach (string f in fragments) Assert.Contains(f, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(float.NaN, 1f, "beta = NaN")]
    [InlineData(-0.5f, 1f, "beta = -0.5")]
    [InlineData(0f, 1f, "beta = 0")]
    [InlineData(1.5f, 1f, "beta = 1.5")]
    [InlineData(0.9f, float.NaN, "threshold = NaN")]
    [InlineData(0.9f, -1f, "threshold = -1")]
    [InlineData(0.9f, 0f, "threshold = 0")]
    [InlineData(0.9f, float.PositiveInfinity, "threshold = Infinity")]
    public void Create_BadBetaOrThreshold_NamesLayerAndValue(float beta, float threshold, string fragment) =>
        AssertMessage(() => LifParams.Create(new ParameterStore(), "conv2", 3, 16, beta, threshold, true, true, LifReset.Hard, false,
            SurrogateSpec.Default(SurrogateKind.ATan)), "LIF layer 'conv2'", fragment);

    [Fact]
    public void Create_BadSurrogateOrGroups_NamesLayer()
    {
        AssertMessage(() => LifParams.Create(new ParameterStore(), "fc", 2, 1, 0.9f, 1f, true, true, LifReset.Soft, false,
            new SurrogateSpec(SurrogateKind.ATan, -2f)), "LIF layer 'fc'", "surrogate parameter");
        AssertMessage(() => LifParams.Create(new ParameterStore(), "fc", 0, 1, 0.9f, 1f, true, true, LifReset.Soft, false,
            SurrogateSpec.Default(SurrogateKind.ATan)), "LIF layer 'fc'", "groups (0)");
    }

    [Fact]
    public void Create_LearnableGoToTheStore_ConstantsDoNot()
    {
        var store = new ParameterStore();
        var p = LifParams.Create(store, "fc", 3, 2, 0.8f, 1.25f, learnBeta: true, learnThreshold: false, LifReset.Soft, false,
            SurrogateSpec.Default(SurrogateKind.Sigmoid));
        Assert.Same(p.Beta, store["fc.beta"]);
        Assert.False(store.TryGet("fc.threshold", out _));
        Assert.Equal([0.8f, 0.8f, 0.8f], p.Beta.ToArray());
        Assert.Equal([1.25f, 1.25f, 1.25f], p.Threshold.ToArray());
        Assert.False(p.Threshold.RequiresGrad);
        Assert.Equal(6, p.Features);
    }

    [Fact]
    public void Scan_LeadingSizeNotMultipleOfT_NamesLayerShapeAndT()
    {
        using var tape = new Tape();
        AssertMessage(() => LifNeuron.Scan(tape, Tensor.Zeros(new Shape(7, 4)), 2, Lif()), "LIF layer 'fc1'", "[7, 4]", "T = 2");
    }

    [Fact]
    public void Scan_WrongFeatureCount_NamesLayerAndBothShapes()
    {
        using var tape = new Tape();
        AssertMessage(() => LifNeuron.Scan(tape, Tensor.Zeros(new Shape(6, 5)), 2, Lif()), "LIF layer 'fc1'", "[6, 5]", "[T·B, 4]");
        AssertMessage(() => LifNeuron.Scan(tape, Tensor.Zeros(new Shape(8)), 2, Lif()), "LIF layer 'fc1'", "[8]");
        Assert.Throws<ArgumentOutOfRangeException>(() => LifNeuron.Scan(tape, Tensor.Zeros(new Shape(8, 4)), 0, Lif()));
    }

    [Fact]
    public void StateOfAnotherLayerOrBatch_NamesBothLayersAndShapes()
    {
        var store = new ParameterStore();
        var fc1 = Lif("fc1", store: store);
        var fc2 = Lif("fc2", store: store);
        var other = new LifState(fc2, 2);
        var batch3 = new LifState(fc1, 3);
        using var tape = new Tape();
        var current = Tensor.Zeros(new Shape(4, 4)); // T = 2, B = 2
        AssertMessage(() => LifNeuron.Scan(tape, current, 2, fc1, other), "LIF layer 'fc1'", "layer 'fc2' [B = 2, F = 4]", "another layer");
        AssertMessage(() => LifNeuron.Scan(tape, current, 2, fc1, batch3), "layer 'fc1' [B = 3, F = 4]", "layer 'fc1' [B = 2, F = 4]");
        var spikes = new float[8];
        AssertMessage(() => LifNeuron.Step(fc1, new float[8], other, spikes), "LIF layer 'fc1'", "layer 'fc2'");
        AssertMessage(() => LifNeuron.Step(fc1, new float[7], batch3, spikes), "LIF layer 'fc1'", "[7]", "[3·4 = 12]");
    }

    [Theory]
    [InlineData(float.NaN, 0.5f, "rho = NaN")]
    [InlineData(-0.1f, 0.5f, "rho = -0.1")]
    [InlineData(1.5f, 0.5f, "rho = 1.5")]
    [InlineData(0.9f, -1f, "kappa = -1")]
    [InlineData(0.9f, float.NaN, "kappa = NaN")]
    [InlineData(0.9f, float.PositiveInfinity, "kappa = Infinity")]
    public void AlifCreate_BadRhoOrKappa_NamesLayerAndValue(float rho, float kappa, string fragment) =>
        AssertMessage(() => AlifParams.Create(new ParameterStore(), "rec1", 8, 1, 0.9f, 1f, rho, kappa, true, true, LifReset.Soft, false,
            SurrogateSpec.Default(SurrogateKind.ATan)), "ALIF layer 'rec1'", fragment);

    [Fact]
    public void Alif_BadBetaShapeOrState_NamesLayerAndShapes()
    {
        var store = new ParameterStore();
        AssertMessage(() => AlifParams.Create(store, "rec1", 8, 1, 0f, 1f, 0.9f, 0.5f, true, true, LifReset.Soft, false,
            SurrogateSpec.Default(SurrogateKind.ATan)), "ALIF layer 'rec1'", "beta = 0");
        var p = AlifParams.Create(store, "rec2", 4, 1, 0.9f, 1f, 0.9f, 0.5f, true, true, LifReset.Soft, false, SurrogateSpec.Default(SurrogateKind.ATan));
        Assert.False(store.TryGet("rec2.rho", out _)); // ρ and κ are constants
        using var tape = new Tape();
        AssertMessage(() => AlifNeuron.Scan(tape, Tensor.Zeros(new Shape(5, 4)), 3, p), "ALIF layer 'rec2'", "[5, 4]", "T = 3");
        var batch2 = new AlifState(p, 2);
        AssertMessage(() => AlifNeuron.Scan(tape, Tensor.Zeros(new Shape(3, 4)), 1, p, batch2), "layer 'rec2' [B = 2, F = 4]", "[B = 3, F = 4]");
        AssertMessage(() => AlifNeuron.Step(p, new float[4], batch2, new float[8]), "ALIF layer 'rec2'", "[4]", "[2·4 = 8]");
    }

    [Fact]
    public void Spike_BadSurrogateParameter_Throws() =>
        AssertMessage(() => SpikeOps.Spike(new Tape(), Tensor.Zeros(new Shape(2)), new SurrogateSpec(SurrogateKind.Gaussian, float.NaN)),
            "SpikeOps.Spike", "surrogate parameter");
}
