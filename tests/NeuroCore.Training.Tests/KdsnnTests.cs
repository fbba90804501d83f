using NeuroCore.Autodiff;
using NeuroCore.Data;
using NeuroCore.Snn;
using NeuroCore.Training.Methods.Kdsnn;

namespace NeuroCore.Training.Tests;

/// <summary>
/// KDSNN end to end: a tiny ANN teacher from <c>train ann</c>, a spiking student distilled from it by <c>train kd</c>
/// (heterogeneous: an MLP teacher, a conv student, through a linear regressor), its report, <c>eval --noise</c> on
/// both directories, and the bad inputs of the issue.
/// </summary>
public sealed class KdsnnTests
{
    static (int Code, string Output, string Error) Run(params string[] args) => CliRunner.Run(args);

    static readonly Lazy<string> s_teacher = new(() =>
    {
        string dir = Path.Combine(TestData.NewDirectory(), "teacher");
        var r = Run("train", "ann", "--model", "mlp", "--data", "fmnist", "--epochs", "1", "--limit-train", "1024", "--limit-test", "128",
            "--threads", "2", "--out", dir);
        Assert.True(r.Code == 0, r.Error);
        return dir;
    });

    [Fact]
    public void TrainKd_Both_TinyRun_LearnsAboveChance_ReportsTheSettings_AndEvalNoiseReadsIt()
    {
        string dir = TestData.NewDirectory();
        string student = Path.Combine(dir, "student"), reportPath = Path.Combine(dir, "kd.json");
        var (code, output, error) = Run("train", "kd", "--teacher", s_teacher.Value, "--student", "conv", "--steps", "2", "--kd", "both",
            "--data", "fmnist", "--epochs", "2", "--limit-train", "512", "--limit-test", "128", "--batch-size", "32", "--threads", "2",
            "--seed", "3", "--lr", "0.003", "--out", student, "--report", reportPath);
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("train kd: student snn-conv", output, StringComparison.Ordinal);
        Assert.Contains("mean-membrane", output, StringComparison.Ordinal);

        var r = KdReport.FromJson(File.ReadAllText(reportPath));
        Assert.Equal(("both", 4f, 0.9f, true), (r.Mode, r.Temperature, r.Alpha, r.BetaFromFirstStep));
        Assert.True(r.Beta > 0f, $"β {r.Beta}");
        Assert.Equal(("relu1", "conv2", "linear", 2), (r.TeacherLayer, r.StudentLayer, r.Regressor, r.Steps));
        Assert.Equal([512], r.TeacherFeatureShape!);
        Assert.Equal([32, 7, 7], r.StudentFeatureShape!);
        Assert.Equal((32 * 7 * 7 * 512) + 512, r.RegressorParameters);
        Assert.Equal(Kdsnn.StudentReadoutNote, r.StudentReadout);
        Assert.InRange(r.TeacherTestAccuracy, 0.5, 1.0);
        Assert.InRange(r.TestAccuracy, 0.4, 1.0);   // chance is 0.10; this run reaches about 0.57
        Assert.Equal(("kdsnn", "snn-conv", 2), (r.Training.Method, r.Training.Model, r.Training.Steps));
        // C16-C32-FC10: conv 1→16 and 16→32 (3×3, with bias and batch norm), readout 32·7·7 → 10.
        Assert.Equal((16 * 9) + 16 + 32 + (32 * 16 * 9) + 32 + 64 + (32 * 49 * 10) + 10, r.Training.Parameters);
        Assert.Equal("16,32", r.Training.ModelOptions!["snn.channels"]);

        // The student directory is an ordinary spiking model directory: eval reproduces the accuracy and runs the noise conditions.
        string noisePath = Path.Combine(dir, "noise.json");
        var eval = Run("eval", "--model-dir", student, "--data", "fmnist", "--limit-test", "128", "--threads", "1",
            "--noise", "gaussian:0,0.3", "salt-pepper:0.1", "jitter", "--report", noisePath);
        Assert.True(eval.Code == 0, eval.Error);
        Assert.Contains($"({(int)Math.Round(r.TestAccuracy * 128)}/128)", eval.Output, StringComparison.Ordinal);
        Assert.Contains("salt-pepper:0.1", eval.Output, StringComparison.Ordinal);
        var n = NoiseReport.FromJson(File.ReadAllText(noisePath));
        Assert.Equal(["gaussian:0", "gaussian:0.3", "salt-pepper:0.1", "jitter:0.2", "jitter:0.4"], n.Conditions.Select(c => c.Condition));
        Assert.Equal(r.TestAccuracy, n.CleanAccuracy, 9);
        Assert.Equal(n.CleanAccuracy, n.Conditions[0].Accuracy, 9);   // σ = 0 changes nothing
        Assert.All(n.Conditions, c => Assert.Equal(n.CleanAccuracy - c.Accuracy, c.Drop, 9));
        Assert.Equal(n.Conditions.Average(c => c.Drop), n.MeanDrop, 9);
        Assert.Equal(("snn-conv", 128), (n.Model, n.TestSamples));
    }

    [Fact]
    public void EvalNoise_OnAnAnnDirectory_ReportsEveryCondition_AndRejectsBadSpecs()
    {
        var eval = Run("eval", "--model-dir", s_teacher.Value, "--data", "fmnist", "--limit-test", "64", "--threads", "1",
            "--noise", "gaussian:0.1,0.2");
        Assert.True(eval.Code == 0, eval.Error);
        Assert.Contains("gaussian:0.2", eval.Output, StringComparison.Ordinal);
        Assert.Contains("mean drop", eval.Output, StringComparison.Ordinal);
        var bad = Run("eval", "--model-dir", s_teacher.Value, "--noise", "blur:0.1");
        Assert.NotEqual(0, bad.Code);
        Assert.Contains("blur", bad.Error, StringComparison.Ordinal);
        var noNoise = Run("eval", "--model-dir", s_teacher.Value, "--data", "fmnist", "--limit-test", "8", "--report", "x.json");
        Assert.Equal(1, noNoise.Code);
        Assert.Contains("--noise", noNoise.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainKd_BadInput_NamesTheLayersAndShapes()
    {
        string[] common = ["--data", "fmnist", "--epochs", "1", "--limit-train", "32", "--limit-test", "16", "--threads", "1"];

        var layer = Run(["train", "kd", "--teacher", s_teacher.Value, "--kd", "feature", "--feature-layer", "conv9", .. common]);
        Assert.Equal(1, layer.Code);
        Assert.Contains("no layer 'conv9'", layer.Error, StringComparison.Ordinal);
        Assert.Contains("relu1 [512]", layer.Error, StringComparison.Ordinal);

        var studentLayer = Run(["train", "kd", "--teacher", s_teacher.Value, "--kd", "feature", "--student-layer", "fc7", .. common]);
        Assert.Equal(1, studentLayer.Code);
        Assert.Contains("no spiking layer 'fc7'", studentLayer.Error, StringComparison.Ordinal);
        Assert.Contains("conv1, conv2", studentLayer.Error, StringComparison.Ordinal);

        // A teacher whose checkpoint does not match its description (model.json edited to another hidden width).
        string broken = Path.Combine(TestData.NewDirectory(), "broken");
        Directory.CreateDirectory(broken);
        foreach (var f in Directory.GetFiles(s_teacher.Value)) File.Copy(f, Path.Combine(broken, Path.GetFileName(f)));
        string json = Path.Combine(broken, "model.json");
        File.WriteAllText(json, File.ReadAllText(json).Replace("\"out\": 512", "\"out\": 256", StringComparison.Ordinal)
            .Replace("\"in\": 512", "\"in\": 256", StringComparison.Ordinal));
        var mismatch = Run(["train", "kd", "--teacher", broken, .. common]);
        Assert.Equal(1, mismatch.Code);
        Assert.Contains("does not match its model.json", mismatch.Error, StringComparison.Ordinal);
        Assert.Contains("fc1.weight", mismatch.Error, StringComparison.Ordinal);

        // A spiking directory is no teacher.
        string snn = Path.Combine(TestData.NewDirectory(), "snn");
        Assert.Equal(0, Run(["train", "snn", "--model", "mlp", "--hidden", "16", "--steps", "2", "--out", snn, .. common]).Code);
        var spiking = Run(["train", "kd", "--teacher", snn, .. common]);
        Assert.Equal(1, spiking.Code);
        Assert.Contains("snn-mlp", spiking.Error, StringComparison.Ordinal);

        var resume = Run(["train", "kd", "--teacher", s_teacher.Value, "--kd", "both", "--resume", "--out", snn + "-kd", .. common]);
        Assert.Equal(1, resume.Code);
        Assert.Contains("--resume", resume.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void FeatureRegressor_WithNoPossibleMap_NamesBothLayersAndShapes()
    {
        var vectorStudent = Assert.Throws<ArgumentException>(() => new FeatureRegressor("fc1", [512], "pool2", [64, 7, 7], 1));
        Assert.Contains("student layer 'fc1' [512]", vectorStudent.Message, StringComparison.Ordinal);
        Assert.Contains("teacher layer 'pool2' [64×7×7]", vectorStudent.Message, StringComparison.Ordinal);
        var sizes = Assert.Throws<ArgumentException>(() => new FeatureRegressor("conv2", [32, 7, 7], "pool1", [32, 3, 3], 1));
        Assert.Contains("conv2", sizes.Message, StringComparison.Ordinal);
        Assert.Contains("integer factor", sizes.Message, StringComparison.Ordinal);
        using var conv = new FeatureRegressor("conv1", [16, 14, 14], "pool2", [64, 7, 7], 1);   // 14 → 7: the student map is pooled
        Assert.Equal(("conv1x1", 16 * 64 + 64), (conv.Kind, conv.Parameters));
    }

    [Fact]
    public void KdObjective_None_IsCrossEntropy_Response_IsTheDistillationOp_AndTheTeacherStaysFrozen()
    {
        using var teacher = FrozenAnnTeacher.Load(s_teacher.Value);
        var store = new ParameterStore();
        var options = Kdsnn.StudentOptions("conv", steps: 2);
        var description = SnnModels.Describe(options, [1, 28, 28], 10);
        var student = (SpikingClassifier)SnnModels.Build(store, description, 5);
        var batch = TestData.Test.Subset(8);
        using var images = Tensor.From(batch.Pixels, new Shape(8, 1, 28, 28));
        int[] labels = [.. batch.Labels.Select(l => (int)l)];
        var before = teacher.Run(images, "fc1").Feature!.ToArray();

        foreach (var mode in new[] { KdMode.None, KdMode.Response })
        {
            using var objective = new KdObjective(student, teacher, new KdOptions { Mode = mode }, 5);
            using var tape = new Tape(recording: true);
            var logits = student.Forward(tape, images);
            var ce = Ops.CrossEntropy(tape, logits, labels);
            var loss = objective.Loss(tape, images, logits, labels, ce);
            using var check = new Tape(recording: false);
            float expected = mode == KdMode.None ? ce.Item() : Ops.ResponseDistillation(check, logits, teacher.Run(images, null).Logits, labels, 4f, 0.9f).Item();
            Assert.Equal(expected, loss.Item(), 1e-5);
            tape.Backward(loss);
        }
        Assert.Equal(before, teacher.Run(images, "fc1").Feature!.ToArray());
    }
}
