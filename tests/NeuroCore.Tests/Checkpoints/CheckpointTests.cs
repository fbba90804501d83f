using System.Text;
using FsCheck.Xunit;
using Xunit;
using NeuroCore.Checkpoints;
using NeuroCore.Nn;

namespace NeuroCore.Tests.Checkpoints;

public class CheckpointTests
{
    /// <summary>A minimal optimizer stand-in holding one buffer, to test state plumbing independently of real optimizers.</summary>
    sealed class FakeOptimizer(int size) : IOptimizer
    {
        public float[] Velocity { get; } = new float[size];
        public string Kind => "fake";
        public float LearningRate { get; set; } = 0.1f;
        public int StepCount { get; set; }
        public void Step() => StepCount++;

        public OptimizerState SaveState()
        {
            var s = new OptimizerState(Kind, StepCount, LearningRate);
            s.Buffers["velocity"] = (float[])Velocity.Clone();
            return s;
        }

        public void LoadState(OptimizerState state)
        {
            state.Require("velocity", Velocity.Length).CopyTo(Velocity, 0);
            StepCount = state.StepCount;
            LearningRate = state.LearningRate;
        }
    }

    static ParameterStore Store(int seed)
    {
        var store = new ParameterStore();
        store.Add("fc1.weight", new Shape(4, 3));
        store.Add("fc1.bias", new Shape(4));
        store.AddBuffer("bn.running_mean", new Shape(4));
        store.AddBuffer("bn.running_var", new Shape(4), 1f);
        var rng = new Random(seed);
        foreach (ref float v in store.Values) v = (float)rng.NextDouble();
        foreach (ref float v in store.BufferValues) v = (float)rng.NextDouble();
        return store;
    }

    [Fact]
    public void SaveLoad_StoreBuffersAndOptimizer_RoundTrip()
    {
        using var dir = new TempDirectory();
        string path = dir.File("ckpt.safetensors");
        var a = Store(1);
        var optA = new FakeOptimizer(a.Count) { StepCount = 17, LearningRate = 0.0123f };
        optA.Velocity.AsSpan().Fill(0.25f);
        Checkpoint.Save(path, a, optA, new Dictionary<string, string> { ["epoch"] = "3" });

        var b = Store(2);
        var optB = new FakeOptimizer(b.Count);
        var meta = Checkpoint.Load(path, b, optB);
        Assert.Equal(a.Values.ToArray(), b.Values.ToArray());
        Assert.Equal(a.BufferValues.ToArray(), b.BufferValues.ToArray());
        Assert.Equal(17, optB.StepCount);
        Assert.Equal(0.0123f, optB.LearningRate);
        Assert.All(optB.Velocity, v => Assert.Equal(0.25f, v));
        Assert.Equal("3", meta["epoch"]);
    }

    [Fact]
    public void Load_DifferentArchitecture_ThrowsNamingTheTensorAndLeavesModelUntouched()
    {
        using var dir = new TempDirectory();
        string path = dir.File("ckpt.safetensors");
        Checkpoint.Save(path, Store(1));
        var other = new ParameterStore();
        other.Add("fc1.weight", new Shape(3, 4));
        other.Add("fc1.bias", new Shape(4));
        other.AddBuffer("bn.running_mean", new Shape(4));
        other.AddBuffer("bn.running_var", new Shape(4));
        var before = other.Values.ToArray();
        var ex = Assert.Throws<InvalidOperationException>(() => Checkpoint.Load(path, other));
        Assert.Contains("fc1.weight", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[4, 3]", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, other.Values.ToArray());
    }

    [Fact]
    public void Load_OptimizerRequestedButAbsent_Throws()
    {
        using var dir = new TempDirectory();
        string path = dir.File("ckpt.safetensors");
        Checkpoint.Save(path, Store(1));
        var b = Store(2);
        var ex = Assert.Throws<InvalidOperationException>(() => Checkpoint.Load(path, b, new FakeOptimizer(b.Count)));
        Assert.Contains("no optimizer state", ex.Message, StringComparison.Ordinal);
    }

    static ModelDescription Description() => new()
    {
        Architecture = "small-cnn",
        InputShape = [1, 28, 28],
        Classes = 10,
        ClassNames = ["a", "b"],
        Layers =
        [
            new LayerDescription { Type = "conv2d", Name = "conv1", In = 1, Out = 32, Kernel = 3, Stride = 1, Padding = 1, Bias = true },
            new LayerDescription { Type = "batchnorm2d", Name = "bn1", In = 32, Momentum = 0.1f, Eps = 1e-5f },
            new LayerDescription { Type = "relu" },
            new LayerDescription { Type = "dropout", P = 0.25f },
        ],
        Metadata = { ["dataset"] = "fmnist" },
    };

    [Fact]
    public void Description_RoundTrips()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.json");
        Checkpoint.SaveDescription(path, Description());
        string text = File.ReadAllText(path);
        Assert.Contains("\"input_shape\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"p\": null", text, StringComparison.Ordinal);
        var d = Checkpoint.LoadDescription(path);
        Assert.Equal("small-cnn", d.Architecture);
        Assert.Equal([1, 28, 28], d.InputShape);
        Assert.Equal(4, d.Layers.Count);
        Assert.Equal(32, d.Layers[0].Out);
        Assert.Equal(0.25f, d.Layers[3].P);
        Assert.Null(d.Layers[2].Kernel);
        Assert.Equal("fmnist", d.Metadata["dataset"]);
    }

    [Theory]
    [InlineData("{\"format\":\"neurocore-model\",\"version\":2,\"architecture\":\"mlp\",\"input_shape\":[784],\"classes\":10,\"layers\":[]}", "version 2")]
    [InlineData("{\"format\":\"other\",\"version\":1}", "expected \"neurocore-model\"")]
    [InlineData("{\"format\":\"neurocore-model\",\"version\":1,\"input_shape\":[0],\"classes\":10,\"layers\":[]}", "input_shape")]
    [InlineData("{\"format\":\"neurocore-model\",\"version\":1,\"input_shape\":[4],\"classes\":10,\"layers\":[],\"bogus\":1}", "not a valid model description")]
    [InlineData("{\"format\":\"neurocore-model\",\n\"version\":\"x\"}", "not a valid model description")]
    [InlineData("null", "JSON null")]
    public void ParseDescription_Bad_ThrowsFormatException(string json, string fragment)
    {
        var ex = Assert.Throws<CheckpointFormatException>(() => Checkpoint.ParseDescription(Encoding.UTF8.GetBytes(json), "model.json"));
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
        Assert.InRange(ex.Offset, 0, json.Length);
    }

    [Property(MaxTest = 1000)]
    public bool ParseDescription_Mutated_OnlyFormatErrors(int seed)
    {
        var rng = new Random(seed);
        byte[] bytes = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(Description(), CheckpointJsonContext.Default.ModelDescription);
        for (int m = 1 + rng.Next(3); m > 0; m--)
        {
            int at = rng.Next(bytes.Length);
            if (rng.Next(3) == 0) bytes = bytes[..at];
            else if (bytes.Length > 0) bytes[at] = (byte)rng.Next(256);
        }
        try
        {
            Checkpoint.ParseDescription(bytes, "model.json");
            return true;
        }
        catch (CheckpointFormatException ex)
        {
            return ex.Offset >= 0 && ex.Offset <= bytes.Length;
        }
    }
}
