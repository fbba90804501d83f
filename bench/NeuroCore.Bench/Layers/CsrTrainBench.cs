using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using NeuroCore.Autodiff;
using NeuroCore.Nn;
using NeuroCore.Snn;

namespace NeuroCore.Bench.Layers;

/// <summary>
/// Does sparsity pay in training? One whole training step of ESL's hidden layer fc1 (784 → 512 LIF, B = 128, T = 4,
/// one thread) as a user runs it: <c>tape.Reset()</c>, <c>ZeroGrad</c>, the layer's forward, the backward from a fixed
/// upstream gradient ∂L/∂S [T·B, 512] (what the readout would send), and an Adam step over the layer's parameters.
/// <c>Dense</c> (baseline) is <see cref="SpikingLinear"/> (W [512, 784] stored dense, GEMMs); <c>Csr</c> is
/// <see cref="SparseSpikingLinear"/> at the given connection density (values by slot, CSR kernels).
/// <list type="bullet">
/// <item><c>Static</c>: the image x [B, 784] fed at every step (direct encoding, ESL's MLP): the product runs once on B
/// rows and is repeated over T; the input needs no gradient.</item>
/// <item><c>TimeMajor</c>: a different real-valued input at each step, x [T·B, 784] (a hidden layer's view: n = 512
/// rows), with the input gradient also formed, as for a layer that is not the first.</item>
/// </list>
/// Run: <c>--filter *CsrTrainBench* --job short</c>. The layers' parameter and optimizer memory is in
/// <see cref="StateBytes"/> (printed by the setup).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class CsrTrainBench : IDisposable
{
    const int Batch = 128, In = 784, Out = 512, Steps = 4;
    ParameterStore _denseStore = null!, _csrStore = null!;
    SpikingLinear _dense = null!;
    SparseSpikingLinear _csr = null!;
    Adam _denseAdam = null!, _csrAdam = null!;
    readonly Tape _tape = new(recording: true, threads: 1);
    Tensor _image = null!, _framesGrad = null!;
    float[] _upstream = [];

    /// <summary>Fraction of fc1's 784·512 connections kept by the CSR layer.</summary>
    [Params(0.05, 0.1, 0.2)]
    public double Density { get; set; }

    /// <summary>Builds both layers (seed 7), Adam over each, the inputs and the upstream gradient (seed 1).</summary>
    [GlobalSetup]
    public void Setup()
    {
        var options = new SnnModelOptions { Steps = Steps };
        _denseStore = new ParameterStore();
        _dense = new SpikingLinear(_denseStore, "fc1", In, Out, options, 7);
        _denseAdam = new Adam(_denseStore);
        _csrStore = new ParameterStore();
        _csr = new SparseSpikingLinear(_csrStore, "fc1", In, Out, Density, options, 7);
        _csrAdam = new Adam(_csrStore);
        var rng = new Random(1);
        var image = new float[Batch * In];
        for (int i = 0; i < image.Length; i++) image[i] = (float)rng.NextDouble();
        _image = Tensor.From(image, new Shape(Batch, In));
        var frames = new float[Steps * Batch * In];
        for (int i = 0; i < frames.Length; i++) frames[i] = (float)rng.NextDouble();
        _framesGrad = Tensor.From(frames, new Shape(Steps * Batch, In)).RequireGrad();
        _upstream = new float[Steps * Batch * Out];
        for (int i = 0; i < _upstream.Length; i++) _upstream[i] = (float)(rng.NextDouble() - 0.5) * 0.01f;
        Console.WriteLine($"// state bytes: dense {StateBytes(_dense)}, csr d={Density} {StateBytes(_csr)} (nnz {_csr.Nnz})");
    }

    /// <summary>Frees the optimizers' pooled moments and the tape.</summary>
    [GlobalCleanup]
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees the optimizers and the tape when <paramref name="disposing"/>.</summary>
    /// <param name="disposing">True from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        _denseAdam?.Dispose();
        _csrAdam?.Dispose();
        _tape.Dispose();
    }

    /// <summary>Parameters, their gradients and Adam's two moments (4 floats per parameter) of the dense layer.</summary>
    public static long StateBytes(SpikingLinear layer) => 16L * (layer.Weight.Size + (layer.Bias?.Size ?? 0));

    /// <summary>The same for the CSR layer, plus its pattern's index arrays.</summary>
    public static long StateBytes(SparseSpikingLinear layer) =>
        16L * (layer.Nnz + (layer.Synapse.Bias?.Size ?? 0)) + IndexBytes(layer.Synapse.Pattern);

    /// <summary>The pattern's int arrays: slot row and column, CSR (start, column, slot) and CSC (start, row, slot).</summary>
    static long IndexBytes(NeuroCore.Kernels.CsrPattern p) =>
        4L * (p.SlotRow.Length + p.SlotColumn.Length + p.RowStart.Length + p.RowColumns.Length + p.RowSlots.Length
              + p.ColumnStart.Length + p.ColumnRows.Length + p.ColumnSlots.Length);

    void Begin(ParameterStore store)
    {
        _tape.Reset();
        store.ZeroGrad();
    }

    void End(Tensor spikes, Adam adam)
    {
        _tape.Backward(spikes, _upstream);
        adam.Step();
    }

    /// <summary>Dense fc1, static image input.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("Static")]
    public void DenseStatic()
    {
        Begin(_denseStore);
        End(_dense.Forward(_tape, _image, Steps, staticInput: true), _denseAdam);
    }

    /// <summary>CSR fc1, static image input.</summary>
    [Benchmark, BenchmarkCategory("Static")]
    public void CsrStatic()
    {
        Begin(_csrStore);
        End(_csr.Forward(_tape, _image, Steps, staticInput: true), _csrAdam);
    }

    /// <summary>Dense fc1, a new input per step, input gradient formed.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("TimeMajor")]
    public void DenseTimeMajor()
    {
        Begin(_denseStore);
        _framesGrad.Grad?.Span.Clear();
        End(_dense.Forward(_tape, _framesGrad, Steps), _denseAdam);
    }

    /// <summary>CSR fc1, a new input per step, input gradient formed.</summary>
    [Benchmark, BenchmarkCategory("TimeMajor")]
    public void CsrTimeMajor()
    {
        Begin(_csrStore);
        _framesGrad.Grad?.Span.Clear();
        End(_csr.Forward(_tape, _framesGrad, Steps), _csrAdam);
    }
}
