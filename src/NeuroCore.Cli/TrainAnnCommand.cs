using NeuroCore.Nn;
using NeuroCore.Training;

namespace NeuroCore.Cli;

/// <summary><c>neurocore train ann</c>: an ordinary network trained by backpropagation.</summary>
internal static class TrainAnnCommand
{
    public static int Run(TrainAnnSettings s, CliConsole console) =>
        TrainCommand.Run("train ann", s, console, data =>
        {
            var store = new ParameterStore();
            var (model, description) = AnnFactory.Build(s.Model, store, data.Train, s.Seed);
            return (new TrainingRun("ann", s.Model, model, store, description, s.Recipe, s.TrainerOptions, data.Train.Count), "");
        });
}
