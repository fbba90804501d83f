using NeuroCore.Autodiff;
using NeuroCore.Nn;

namespace NeuroCore.Snn.Tests.Models;

public sealed class SnnModelsTests
{
    static readonly int[] Mnist = [1, 28, 28];

    [Fact]
    public void Describe_OptionsOf_RoundTripsEveryOption()
    {
        var o = new SnnModelOptions
        {
            Architecture = "mlp", Neuron = NeuronKind.Alif, Rho = 0.875f, Kappa = 0.5f, Surrogate = SurrogateSpec.Parse("atan:3.5"), Steps = 7,
            Encoding = SpikeEncoding.Latency, Beta = 0.8125f, Threshold = 0.75f, SoftReset = false, DetachReset = true,
            LearnBeta = true, LearnThreshold = true, Readout = ReadoutKind.MaxMembrane, Hidden = [64, 32],
            RateRegularization = 0.25f, TargetRate = 0.05f,
        };
        var d = SnnModels.Describe(o, Mnist, 10);
        Assert.Equal(SnnModels.MlpArchitecture, d.Architecture);
        var back = SnnModels.OptionsOf(d);
        Assert.Equal(o with { Hidden = [], Channels = [] }, back with { Hidden = [], Channels = [] });
        Assert.Equal(o.Hidden, back.Hidden);
        Assert.Equal(["spiking-linear", "spiking-linear", "readout"], d.Layers.Select(l => l.Type));
        Assert.Equal([784, 64, 32], d.Layers.Select(l => l.In!.Value));
    }

    [Fact]
    public void Conv_WithChannelsAndNoHiddenLayer_ReadsOutTheFlattenedSpikes_AndRoundTrips()
    {
        var o = SnnModels.DefaultOptions("conv") with { Channels = [16, 32], Hidden = [], Steps = 2 };
        var d = SnnModels.Describe(o, Mnist, 10);
        Assert.Equal(["spiking-conv2d", "batchnorm2d", "maxpool2d", "spiking-conv2d", "batchnorm2d", "maxpool2d", "flatten", "readout"], d.Layers.Select(l => l.Type));
        Assert.Equal((32 * 7 * 7, 10), (d.Layers[^1].In!.Value, d.Layers[^1].Out!.Value));
        Assert.Equal("16,32", d.Metadata["snn.channels"]);
        var back = SnnModels.OptionsOf(d);
        Assert.Equal([16, 32], back.Channels);
        Assert.Empty(back.Hidden);
        var model = (SpikingClassifier)SnnModels.Build(new ParameterStore(), d, 1);
        using var tape = new NeuroCore.Autodiff.Tape(recording: false);
        using var x = Tensor.Zeros(new Shape(3, 1, 28, 28));
        Assert.Equal(new Shape(3, 10), model.Forward(tape, x).Shape);
        Assert.Equal(["conv1", "conv2"], model.SpikingLayerNames);
        Assert.Equal(new Shape(2 * 3, 32, 7, 7), model.LayerSpikes("conv2").Shape);
        Assert.Contains("conv1, conv2", Assert.Throws<ArgumentException>(() => model.LayerSpikes("fc1")).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => SnnModels.Describe(o with { Channels = [16] }, Mnist, 10));
        Assert.Throws<ArgumentException>(() => SnnModels.Describe(SnnModels.DefaultOptions("mlp") with { Hidden = [] }, [784], 10));
    }

    [Fact]
    public void Describe_ThroughJson_BuildsTheSameModel()
    {
        var d = SnnModels.Describe(SnnModels.DefaultOptions("conv"), Mnist, 10);
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "model.json");
        NeuroCore.Checkpoints.Checkpoint.SaveDescription(path, d);
        var loaded = NeuroCore.Checkpoints.Checkpoint.LoadDescription(path);
        Assert.Equal(SnnModels.OptionsOf(d) with { Hidden = [], Channels = [] }, SnnModels.OptionsOf(loaded) with { Hidden = [], Channels = [] });
        Assert.Equal([32, 64], SnnModels.OptionsOf(loaded).Channels);
        var a = new ParameterStore();
        var b = new ParameterStore();
        SnnModels.Build(a, d, 3);
        SnnModels.Build(b, loaded, 3);
        Assert.Equal(a.Count, b.Count);
        Assert.True(a.Values.SequenceEqual(b.Values));
        Assert.Equal(["conv1.weight", "conv1.bias", "conv1.bn.weight", "conv1.bn.bias"], a.Parameters.Take(4).Select(p => p.Name));
    }

    [Fact]
    public void Build_ForeignOrTamperedDescription_Throws()
    {
        var d = SnnModels.Describe(new SnnModelOptions { Hidden = [16] }, Mnist, 10);
        d.Layers[0].Out = 17;
        var ex = Assert.Throws<ArgumentException>(() => SnnModels.Build(new ParameterStore(), d, 1));
        Assert.Contains("fc1", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => SnnModels.OptionsOf(AnnModels.MlpDescription()));
        d = SnnModels.Describe(new SnnModelOptions { Hidden = [16] }, Mnist, 10);
        d.Metadata["snn.beta"] = "lots";
        Assert.Contains("snn.beta", Assert.Throws<ArgumentException>(() => SnnModels.OptionsOf(d)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => SnnModels.Describe(new SnnModelOptions { Beta = 1.5f }, Mnist, 10));
        Assert.Throws<ArgumentException>(() => SnnModels.Describe(new SnnModelOptions { Architecture = "conv" }, [1, 30, 30], 10));
    }

    [Fact]
    public void Forward_WrongInputShape_NamesModelAndBothShapes()
    {
        var model = SnnModels.Build(new ParameterStore(), SnnModels.Describe(new SnnModelOptions { Hidden = [8], Steps = 2 }, Mnist, 10), 1);
        using var tape = new Tape();
        using var x = Tensor.Zeros(new Shape(2, 1, 27, 28));
        var ex = Assert.Throws<ArgumentException>(() => model.Forward(tape, x));
        Assert.Contains("snn-mlp", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 1, 27, 28]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[B, 1, 28, 28]", ex.Message, StringComparison.Ordinal);
    }

    sealed class TempDir : IDisposable
    {
        public TempDir() => Directory.CreateDirectory(Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "snn-" + Guid.NewGuid().ToString("N")));

        public string Path { get; }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}

public sealed class SpikingClassifierTests
{
    [Theory]
    [InlineData("mlp", SpikeEncoding.Rate)]
    [InlineData("mlp", SpikeEncoding.Latency)]
    [InlineData("conv", SpikeEncoding.Direct)]
    public void Forward_CountsStatistics_RecordSpikesLeavesThemAlone(string arch, SpikeEncoding encoding)
    {
        var o = SnnModels.DefaultOptions(arch) with { Steps = 3, Hidden = [12], Encoding = encoding, Threshold = 0.2f };
        var model = SnnModels.Build(new ParameterStore(), SnnModels.Describe(o, [1, 8, 8], 4), 2);
        var rng = new Random(1);
        var data = new float[5 * 64];
        for (int i = 0; i < data.Length; i++) data[i] = (float)rng.NextDouble();
        using var tape = new Tape(recording: false);
        var logits = model.Forward(tape, Tensor.From(data, new Shape(5, 1, 8, 8)));
        Assert.Equal(new Shape(5, 4), logits.Shape);
        var stats = model.Statistics;
        Assert.Equal(arch == "conv" ? ["conv1", "conv2", "fc1"] : ["fc1"], stats.Select(s => s.Layer));
        Assert.All(stats, s => Assert.Equal(5, s.Samples));
        Assert.All(stats, s => Assert.InRange(s.SpikeRate, 1e-6, 1));
        Assert.All(stats, s => Assert.True(s.SynOpsPerSample > 0));

        var records = model.RecordSpikes(data.AsSpan(0, 64));
        Assert.Equal(stats.Select(s => s.Layer), records.Select(r => r.Layer));
        Assert.All(records, r => Assert.Equal(r.Steps * r.Neurons, r.Spikes.Length));
        Assert.Equal(stats.Select(s => s.Neurons), records.Select(r => r.Neurons));
        Assert.Equal(stats, model.Statistics); // inspection runs are not counted
        model.ResetStatistics();
        Assert.All(model.Statistics, s => Assert.Equal(0, s.Samples));
    }

    [Fact]
    public void RegularizationLoss_OffIsNull_OnNeedsTheSameTape()
    {
        var off = SnnModels.Build(new ParameterStore(), SnnModels.Describe(new SnnModelOptions { Hidden = [4], Steps = 2 }, [4], 2), 1);
        using var tape = new Tape();
        Assert.Null(off.RegularizationLoss(tape));
        var on = SnnModels.Build(new ParameterStore(), SnnModels.Describe(new SnnModelOptions { Hidden = [4], Steps = 2, RateRegularization = 1f }, [4], 2), 1);
        Assert.Throws<InvalidOperationException>(() => on.RegularizationLoss(tape));
        on.Forward(tape, Tensor.Full(new Shape(3, 4), 0.5f));
        var reg = on.RegularizationLoss(tape)!;
        Assert.True(reg.Item() >= 0);
        using var other = new Tape();
        Assert.Throws<InvalidOperationException>(() => on.RegularizationLoss(other));
    }

    [Fact]
    public void DirectMlp_StaticFirstLayer_EqualsRepeatedInput()
    {
        var o = new SnnModelOptions { Encoding = SpikeEncoding.Direct, Steps = 4, Hidden = [10], Threshold = 0.3f };
        var store = new ParameterStore();
        var model = (SpikingClassifier)SnnModels.Build(store, SnnModels.Describe(o, [6], 3), 1);
        var x = new float[2 * 6];
        for (int i = 0; i < x.Length; i++) x[i] = i / 12f;
        using var tape = new Tape(recording: false);
        var logits = model.Forward(tape, Tensor.From(x, new Shape(2, 6))).ToArray();
        var fc1 = model.LinearLayers[0];
        var spikes = fc1.Forward(tape, DirectEncoder.Encode(tape, Tensor.From(x, new Shape(2, 6)), 4), 4);
        var expected = model.Readout.Forward(tape, spikes, 4).ToArray();
        Assert.Equal(expected, logits);
    }
}
