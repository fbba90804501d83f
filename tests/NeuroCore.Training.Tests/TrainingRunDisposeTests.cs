using NeuroCore.Checkpoints;
using NeuroCore.Data;
using NeuroCore.Nn;
using NeuroCore.Training.Methods.CeLif;

namespace NeuroCore.Training.Tests;

/// <summary>A run owns the optimizer it builds: disposing the run (as the CLI commands do) disposes the optimizer.</summary>
public sealed class TrainingRunDisposeTests
{
    static TrainingRun AnnRun(string optimizer)
    {
        var store = new ParameterStore();
        var model = AnnModels.Mlp(store, 784, 16, 10, seed: 1);
        var description = new ModelDescription { Architecture = "mlp", Classes = 10, InputShape = [1, 28, 28] };
        return new TrainingRun("ann", "mlp", model, store, description, new TrainingRecipe { Optimizer = optimizer },
            new TrainerOptions { Epochs = 1, BatchSize = 16 }, trainSamples: 32);
    }

    [Theory]
    [InlineData("adam")]
    [InlineData("adamw")]
    public void Dispose_AdamRun_DisposesItsOptimizer(string optimizer)
    {
        var run = AnnRun(optimizer);
        run.Optimizer.Step();
        run.Dispose();
        Assert.Throws<ObjectDisposedException>(() => run.Optimizer.Step());
        run.Dispose();
    }

    [Fact]
    public void Dispose_SgdRun_LeavesTheStatelessOptimizerUsable()
    {
        var run = AnnRun("sgd");
        run.Dispose();
        run.Optimizer.Step();
    }

    [Fact]
    public void Dispose_SequenceRun_DisposesItsRunsOptimizer()
    {
        var (train, test) = DelayedRecall.Generate(32, 16, 25, seed: 2);
        var options = CeLifMethod.Options(train, SequenceNeuron.Lif, null, 8);
        var trainer = new TrainerOptions { Epochs = 1, BatchSize = 16, Seed = 1, Threads = 1 };
        var run = CeLifMethod.CreateRun(options, new TrainingRecipe { Optimizer = "adam" }, trainer, train, test, 8);
        run.Dispose();
        Assert.Throws<ObjectDisposedException>(() => run.Run.Optimizer.Step());
    }
}
