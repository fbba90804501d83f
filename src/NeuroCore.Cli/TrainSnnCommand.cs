using NeuroCore.Training.Methods.SurrogateBptt;

namespace NeuroCore.Cli;

/// <summary><c>neurocore train snn</c>: a spiking network trained by surrogate-gradient BPTT.</summary>
internal static class TrainSnnCommand
{
    public static int Run(TrainSnnSettings s, CliConsole console) =>
        TrainCommand.Run("train snn", s, console, data =>
        {
            var options = s.ModelOptions;
            return (SurrogateBptt.CreateRun(options, s.Recipe, s.TrainerOptions, data.Train), TrainSnnSettings.Describe(options));
        });
}
