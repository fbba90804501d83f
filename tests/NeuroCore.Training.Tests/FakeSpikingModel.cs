using NeuroCore.Autodiff;
using NeuroCore.Nn;
using NeuroCore.Snn;

namespace NeuroCore.Training.Tests;

/// <summary>
/// A stand-in <see cref="ISpikingModel"/> for trainer tests: a linear classifier over the flattened image that counts
/// the samples it saw (as spike statistics) and, when asked, regularises with Σ W² so its gradient is known exactly.
/// </summary>
internal sealed class FakeSpikingModel(ParameterStore store, bool regularize) : ISpikingModel
{
    public const double Rate = 0.25;
    public const double SynOps = 100;

    long _samples;

    public Linear Fc { get; } = new(store, "fc", 784, 10, seed: 5);
    public string Name => "fake";
    public bool Training { get; set; } = true;
    public int Steps => 3;

    public IReadOnlyList<LayerSpikeStatistics> Statistics => [new("fc", 10, Rate, SynOps, _samples)];

    public Tensor Forward(Tape tape, Tensor x)
    {
        _samples += x.Shape[0];
        return Fc.Forward(tape, Ops.Flatten(tape, x));
    }

    public void ResetStatistics() => _samples = 0;

    public Tensor? RegularizationLoss(Tape tape) => regularize ? Ops.Sum(tape, Ops.Mul(tape, Fc.Weight, Fc.Weight)) : null;

    public IReadOnlyList<SpikeRecord> RecordSpikes(ReadOnlySpan<float> sample) => [];
}
