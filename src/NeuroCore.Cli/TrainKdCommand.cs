using System.Globalization;
using NeuroCore.Kernels;
using NeuroCore.Training.Methods.Kdsnn;

namespace NeuroCore.Cli;

/// <summary><c>neurocore train kd</c>: a spiking student distilled from a trained ANN teacher (KDSNN).</summary>
internal static class TrainKdCommand
{
    public static int Run(TrainKdSettings s, CliConsole console)
    {
        try
        {
            var data = DataSelection.Load(s.Data, s.DataDir, s.LimitTrain, s.LimitTest);
            if (data.Note is not null) console.Line(data.Note);
            var trainer = s.TrainerOptions;
            var recipe = s.Recipe;
            using var teacher = FrozenAnnTeacher.Load(s.Teacher, s.Threads);
            var student = Kdsnn.StudentOptions(s.Student, s.Steps ?? 4);
            var kd = s.KdOptions;
            using var run = Kdsnn.CreateRun(teacher, student, kd, recipe, trainer, data.Train);
            var o = run.Objective;
            var c = CultureInfo.InvariantCulture;
            string terms = kd.Mode switch
            {
                KdMode.None => "cross-entropy only",
                _ => string.Join(" + ", new[]
                {
                    kd.UsesResponse ? string.Create(c, $"response (τ = {kd.Temperature:G3}, α = {kd.Alpha:G3})") : null,
                    kd.UsesFeature ? string.Create(c,
                        $"feature ({o.StudentLayer} [{string.Join("×", o.StudentShape!)}] → {o.Regressor!.Kind} → teacher {o.TeacherLayer} " +
                        $"[{string.Join("×", o.Regressor.TeacherShape)}], β = {(kd.Beta is { } b ? b.ToString("G3", c) : "CE/L_feat at step 1")})") : null,
                }.Where(t => t is not null)),
            };
            console.Line(string.Create(c,
                $"train kd: student {run.Run.ModelName} ({run.Run.Store.Count:N0} parameters, T = {student.Steps}) from teacher {teacher.Name}; {terms}; " +
                $"{Kdsnn.StudentReadoutNote}; on {data.Dataset} ({data.Train.Count} train / {data.Test.Count} test), {trainer.Epochs} epochs, batch {trainer.BatchSize}, " +
                $"{recipe.Optimizer} lr {recipe.LearningRate:G4} {recipe.Schedule}, seed {trainer.Seed}, {trainer.Threads} threads; {IsaInfo.Describe()}"));

            var report = TrainCommand.WithProgress(console, progress => run.Execute(data.Train, data.Test, data.Dataset, progress));
            if (report is null)
            {
                console.Line($"Nothing to do: the checkpoint in {trainer.CheckpointDirectory} already has {trainer.Epochs} epochs. Raise --epochs to train further.");
                return 0;
            }
            ResultsTable.Write(console, run.Outcome!.Result);
            string beta = report.Beta is { } b2 ? string.Create(c, $"; β = {b2:G4}") : "";
            console.Line(string.Create(c, $"teacher test accuracy {report.TeacherTestAccuracy:P2}; student {report.TestAccuracy:P2}{beta}"));
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
