using System.Globalization;
using NeuroCore.Kernels;
using NeuroCore.Training.Methods.CeLif;

namespace NeuroCore.Cli;

/// <summary>
/// <c>neurocore train celif</c>: a feedforward spiking network (LIF, ALIF or CE-LIF) on a sequence task, at equal
/// parameter count, with the gradient-flow diagnostic in its report.
/// </summary>
internal static class TrainCelifCommand
{
    public static int Run(TrainCelifSettings s, CliConsole console)
    {
        try
        {
            var (train, test, dataset, note) = s.LoadSequences();
            if (note is not null) console.Line(note);
            bool equal = !s.NoEqualParameters;
            var options = CeLifMethod.Options(train, s.NeuronKind, s.EmbeddingKind, s.EffectiveHidden, equal, s.DecayBound);
            var trainer = s.TrainerOptions;
            var recipe = s.Recipe;
            // Disposed when the command ends: the run owns its optimizer (Adam's moments are pooled).
            using var run = CeLifMethod.CreateRun(options, recipe, trainer, train, test, equal ? s.EffectiveHidden : null);
            var c = CultureInfo.InvariantCulture;
            console.Line(string.Create(c,
                $"train celif: {CeLifMethod.NeuronName(options)} {options.Features}-{options.Hidden}-{options.Hidden}-{options.Classes} " +
                $"({run.Run.Store.Count:N0} parameters{(equal ? $", matched to LIF at hidden {s.EffectiveHidden}" : "")}), T = {options.Steps}, " +
                $"readout over the last {options.EffectiveReadoutSteps} steps, on {dataset} ({train.Count} train / {test.Count} test, chance " +
                $"{100 * train.ChanceAccuracy:F1} %), {trainer.Epochs} epochs, batch {trainer.BatchSize}, {recipe.Optimizer} lr {recipe.LearningRate:G4} " +
                $"{recipe.Schedule}{(trainer.ClipGradNorm is { } clip ? $", gradient norm clipped at {clip:G4}" : "")}, seed {trainer.Seed}, {trainer.Threads} threads; {IsaInfo.Describe()}"));

            var report = TrainCommand.WithProgress(console, progress => run.Execute(progress));
            if (report is null)
            {
                console.Line($"Nothing to do: the checkpoint in {trainer.CheckpointDirectory} already has {trainer.Epochs} epochs. Raise --epochs to train further.");
                return 0;
            }
            ResultsTable.Write(console, run.Outcome!.Result);
            console.Line(string.Create(c,
                $"epochs to 90 % of the final accuracy: {report.EpochsTo90PercentOfFinal}; gradient flow ‖∂L/∂I_0‖/‖∂L/∂I_last‖: " +
                $"{report.GradientFlowInitial.FirstToLastRatio:G3} at initialisation, {report.GradientFlowFinal.FirstToLastRatio:G3} after training"));
            if (s.ReportPath is { } path)
            {
                report.Save(path);
                console.Line($"report written to {path}");
            }
            return 0;
        }
        catch (Exception e) when (CliErrors.IsUserFacing(e))
        {
            console.Fail(e.Message);
            return 1;
        }
    }
}
