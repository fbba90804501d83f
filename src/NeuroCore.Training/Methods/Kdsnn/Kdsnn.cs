// KDSNN: knowledge distillation from a trained ANN teacher into an SNN student (our reading of arXiv 2304.05627,
// methods-2 §3; the README beside this file says which parts are the paper's and which are ours).
//   student: LIF conv SNN, direct input over T steps, non-spiking readout; z_S = (1/T) Σ_t U_t (mean membrane)
//   response KD: L = (1 − α)·CE(z_S, y) + α·τ²·KL(softmax(z_T/τ) ‖ softmax(z_S/τ))
//   feature KD:  L = CE + β·‖F_T^(l) − align(r(F̄_S^(l')))‖² / numel,  F̄_S = (1/T) Σ_t S_t (rate map),
//                r a learned 1×1 conv (maps) or linear map (vectors), align = k×k average pooling of the larger map
//   both:        L = (1 − α)·CE + α·τ²·KL + β·L_feat;  β defaults to CE/L_feat at the first step.
// The teacher is frozen (evaluation mode, its own non-recording tape); BPTT with the surrogate updates the student
// and, with the student's learning rate, the regressor.
using NeuroCore.Checkpoints;
using NeuroCore.Data;
using NeuroCore.Nn;
using NeuroCore.Snn;

namespace NeuroCore.Training.Methods.Kdsnn;

/// <summary>
/// The KDSNN method: builds the spiking student, a <see cref="KdObjective"/> over a frozen <see cref="ITeacher"/>, and
/// runs the shared <see cref="Trainer"/>; the report adds the distillation settings to the usual training report.
/// </summary>
public static class Kdsnn
{
    /// <summary>The method name written to reports.</summary>
    public const string MethodName = "kdsnn";

    /// <summary>How the student's logits are read out (spec §8 item 4), written to every report.</summary>
    public const string StudentReadoutNote = "z_S = mean over T of the membrane of a non-spiking readout (mean-membrane)";

    /// <summary>
    /// The student options of an architecture at <paramref name="steps"/> time steps: "conv" is the spec's C16-C32-FC10
    /// (two LIF conv blocks with 16 and 32 channels, the readout on their flattened spikes), "mlp" the spiking MLP
    /// 784-512-10; both direct-encoded with the mean-membrane readout.
    /// </summary>
    /// <exception cref="ArgumentException">The architecture is neither mlp nor conv, or T &lt; 1.</exception>
    public static SnnModelOptions StudentOptions(string architecture, int steps = 4)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        var o = SnnModels.DefaultOptions(architecture) with { Steps = steps, Readout = ReadoutKind.MeanMembrane };
        return o.Architecture == "conv" ? o with { Channels = [16, 32], Hidden = [] } : o;
    }

    /// <summary>The rate-map shape per sample of the student's spiking layer <paramref name="layer"/>: [C, H, W] or [F].</summary>
    /// <exception cref="ArgumentException">No spiking layer has that name.</exception>
    public static IReadOnlyList<int> StudentFeatureShape(SpikingClassifier student, string layer)
    {
        ArgumentNullException.ThrowIfNull(student);
        foreach (var c in student.ConvLayers)
            if (c.Name == layer) return [c.OutChannels, c.OutHeight, c.OutWidth];
        foreach (var l in student.LinearLayers)
            if (l.Name == layer) return [l.OutFeatures];
        throw new ArgumentException($"KDSNN: the student {student.Name} has no spiking layer '{layer}'; its layers are {string.Join(", ", student.SpikingLayerNames)}.", nameof(layer));
    }

    /// <summary>
    /// The default teacher layer for a student feature of rank <paramref name="rank"/> ([C, H, W] is 3, [F] is 1): the
    /// last post-ReLU layer (a ReLU, or a pooling right after one) whose output has that rank, else the last post-ReLU
    /// vector layer (a linear regressor takes any student feature), else the last layer of that rank before the logits.
    /// </summary>
    /// <exception cref="ArgumentException">The teacher has no usable layer (the message lists its layers and shapes).</exception>
    public static string DefaultTeacherLayer(ITeacher teacher, int rank)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        return Find(teacher, rank, postRelu: true) ?? Find(teacher, 1, postRelu: true) ?? Find(teacher, rank, postRelu: false)
            ?? throw new ArgumentException(
                $"KDSNN: the teacher '{teacher.Name}' has no layer whose feature the student's rank-{rank} feature can be regressed onto; its layers are " +
                $"{string.Join(", ", teacher.FeatureLayers.Select(n => $"{n} [{string.Join("×", teacher.FeatureShape(n))}]"))}. Choose --feature-layer and --student-layer.",
                nameof(teacher));

        static string? Find(ITeacher teacher, int rank, bool postRelu)
        {
            var names = teacher.FeatureLayers;
            var types = (teacher as FrozenAnnTeacher)?.LayerTypes;
            for (int i = names.Count - 2; i >= 0; i--)
            {
                if (teacher.FeatureShape(names[i]).Count != rank) continue;
                if (!postRelu) return names[i];
                if (types is not null && (types[i] == "relu" || (types[i] is "maxpool2d" or "avgpool2d" && i > 0 && types[i - 1] == "relu"))) return names[i];
            }
            return null;
        }
    }

    /// <summary>
    /// Builds the student of <paramref name="student"/> for images like <paramref name="train"/>'s, the objective over
    /// <paramref name="teacher"/>, and the run.
    /// </summary>
    /// <exception cref="ArgumentException">An option, the teacher or a feature layer does not fit (the message says the fix).</exception>
    public static KdRun CreateRun(ITeacher teacher, SnnModelOptions student, KdOptions kd, TrainingRecipe recipe, TrainerOptions trainer, LabeledImageSet train)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(kd);
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(train);
        kd.Validate();
        if (kd.UsesFeature && trainer.Resume)
            throw new ArgumentException("KDSNN: --resume is not supported with feature KD: the regressor is not checkpointed (the student is); start a fresh run.");
        if (student.Readout != ReadoutKind.MeanMembrane && kd.UsesResponse)
            throw new ArgumentException($"KDSNN: response KD reads the student's mean-membrane readout; the student uses {student.Readout}. Use the mean-membrane readout.");
        var description = SnnModels.Describe(student, [1, train.Height, train.Width], train.Classes);
        description.ClassNames = [.. train.ClassNames];
        description.Metadata["kd.mode"] = kd.Mode.ToString().ToLowerInvariant();
        var store = new ParameterStore();
        var model = (SpikingClassifier)SnnModels.Build(store, description, trainer.Seed);
        var objective = new KdObjective(model, teacher, kd, trainer.Seed);
        var run = new TrainingRun(MethodName, description.Architecture, model, store, description, recipe, trainer, train.Count, objective);
        return new KdRun(run, model, teacher, kd, objective);
    }
}

/// <summary>A prepared KDSNN run: the student, the teacher, the objective and the shared <see cref="TrainingRun"/>.</summary>
public sealed class KdRun : IDisposable
{
    internal KdRun(TrainingRun run, SpikingClassifier student, ITeacher teacher, KdOptions options, KdObjective objective)
    {
        Run = run;
        Student = student;
        Teacher = teacher;
        Options = options;
        Objective = objective;
    }

    /// <summary>The shared run (trainer, optimizer, options).</summary>
    public TrainingRun Run { get; }

    /// <summary>The spiking student.</summary>
    public SpikingClassifier Student { get; }

    /// <summary>The frozen teacher.</summary>
    public ITeacher Teacher { get; }

    /// <summary>The distillation settings.</summary>
    public KdOptions Options { get; }

    /// <summary>The training objective.</summary>
    public KdObjective Objective { get; }

    /// <summary>What the shared runner returned on the last <see cref="Execute"/>, else null.</summary>
    public TrainingOutcome? Outcome { get; private set; }

    /// <summary>Trains the student and returns the report (null when a resumed run had no epoch left).</summary>
    public KdReport? Execute(LabeledImageSet train, LabeledImageSet test, string dataset, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(test);
        var outcome = Run.Execute(train, test, dataset, progress, cancellationToken);
        Outcome = outcome;
        if (outcome.Report is not { } training) return null;
        var teacherEval = Trainer.Evaluate(TeacherModule.Of(Teacher), test, 256, Run.Options.Threads);
        var o = Options;
        return new KdReport
        {
            Mode = o.Mode.ToString().ToLowerInvariant(),
            Temperature = o.UsesResponse ? o.Temperature : null,
            Alpha = o.UsesResponse ? o.Alpha : null,
            Beta = Objective.Beta,
            BetaFromFirstStep = o.UsesFeature && o.Beta is null,
            Teacher = Teacher.Name,
            TeacherTestAccuracy = teacherEval.Accuracy,
            TeacherLayer = Objective.TeacherLayer,
            TeacherFeatureShape = Objective.TeacherLayer is { } tl ? Teacher.FeatureShape(tl) : null,
            StudentLayer = Objective.StudentLayer,
            StudentFeatureShape = Objective.StudentShape,
            Regressor = Objective.Regressor?.Kind,
            RegressorParameters = Objective.Regressor?.Parameters,
            StudentReadout = Kdsnn.StudentReadoutNote,
            Steps = Student.Steps,
            TestAccuracy = training.TestAccuracy,
            Training = training,
        };
    }

    /// <summary>Releases the objective's regressor.</summary>
    public void Dispose() => Objective.Dispose();
}

/// <summary>An <see cref="ITeacher"/> seen as a module, so the trainer's evaluation reports its test accuracy.</summary>
internal sealed class TeacherModule(ITeacher teacher) : IModule
{
    public static IModule Of(ITeacher teacher) => new TeacherModule(teacher);

    public string Name => teacher.Name;

    public bool Training { get => false; set { } }

    public Tensor Forward(Autodiff.Tape tape, Tensor x)
    {
        var logits = teacher.Run(x, null).Logits;
        var y = tape.Allocate(logits.Shape);
        logits.Span.CopyTo(y.Span);
        return y;
    }
}
