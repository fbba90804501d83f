using BenchmarkDotNet.Attributes;
using NeuroCore.Autodiff;
using NeuroCore.Nn;
using NeuroCore.Training.Methods.Esl;

namespace NeuroCore.Bench.Training;

/// <summary>
/// One training step of the ESL conv network (dvs-fmnist: 2×32×32 event frames, T = 8, conv1 2→16, conv2 16→32, 3×3,
/// BN, LIF, 2×2 pools, readout 2048→10), B = 32, Adam through the <see cref="SparseOptimizer"/> (static pattern), as the
/// trainer runs it: zero the gradients, forward, cross-entropy, backward, optimizer step. Arms: <c>dense</c> (density
/// 1), <c>masked</c> (10 %, the dense-mask mirror: dense compute) and <c>csr</c> (10 %, CSR convolutions). The input is
/// random 0/1 frames at 10 % density (seed 7). After the setup's warm-up step the console shows the tape's arena and
/// the store's size (the step's memory); the memory diagnoser the bytes allocated per step.
/// Run: <c>--filter *EslConvStepBench* --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class EslConvStepBench : IDisposable
{
    const int Batch = 32, Steps = 8, Size = 32, Classes = 10;
    ParameterStore _store = null!;
    EslNetwork _network = null!;
    SparseOptimizer _optimizer = null!;
    Tape _tape = null!;
    Tensor _x = null!;
    int[] _labels = [];

    /// <summary>dense, masked (10 %) or csr (10 %).</summary>
    [Params("dense", "masked", "csr")]
    public string Arm { get; set; } = "csr";

    /// <summary>Threads of the tape.</summary>
    [Params(1)]
    public int Threads { get; set; } = 1;

    /// <summary>The tape's arena (activations, saved tensors, gradients) at the end of the last step, in bytes.</summary>
    public long ArenaBytes { get; private set; }

    /// <summary>Builds the network, the optimizer and the batch, and runs one step.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _store = new ParameterStore();
        var options = EslModelOptions.Conv(Arm == "dense" ? 1.0 : 0.1, Steps, Size) with { CsrConv = Arm == "csr" };
        _network = new EslNetwork(_store, options, 1);
        _optimizer = new SparseOptimizer(new Adam(_store, 1e-3f), _store, _network.SparseLayers, null);
        _tape = new Tape(recording: true, threads: Threads);
        var rng = new Random(7);
        var x = new float[Batch * Steps * 2 * Size * Size];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextDouble() < 0.1 ? 1f : 0f;
        _x = Tensor.From(x, new Shape(Batch, Steps * 2 * Size, Size));
        _labels = [.. Enumerable.Range(0, Batch).Select(i => i % Classes)];
        Step();
        Console.WriteLine($"// {Arm}: tape arena {ArenaBytes / 1048576.0:F1} MiB at the end of a step, store {_store.Count * 4 / 1048576.0:F2} MiB of parameters " +
                          $"(×4 with gradients and Adam's two moments), {_store.BufferCount * 4 / 1048576.0:F2} MiB of buffers");
    }

    /// <summary>One training step.</summary>
    [Benchmark]
    public float Step()
    {
        _store.ZeroGrad();
        var logits = _network.Forward(_tape, _x);
        var loss = Ops.CrossEntropy(_tape, logits, _labels);
        float value = loss.Item();
        _tape.Backward(loss);
        _optimizer.Step();
        ArenaBytes = _tape.ArenaLength * sizeof(float);
        _tape.Reset();
        return value;
    }

    /// <summary>Releases the tape, the optimizer and the batch.</summary>
    [GlobalCleanup]
    public void Dispose()
    {
        _tape?.Dispose();
        _optimizer?.Dispose();
        _x?.Dispose();
        GC.SuppressFinalize(this);
    }
}
