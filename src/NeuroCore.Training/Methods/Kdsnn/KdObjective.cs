using NeuroCore.Autodiff;
using NeuroCore.Snn;

namespace NeuroCore.Training.Methods.Kdsnn;

/// <summary>
/// The KDSNN training objective for a <see cref="SpikingClassifier"/> student: per batch the frozen teacher runs on the
/// same images, then (by <see cref="KdOptions.Mode"/>) the response term compares the student's time-averaged readout
/// (its logits) with the teacher's logits, and the feature term compares the regressed firing-rate map of a student
/// layer with the teacher's feature at a named layer.
/// </summary>
public sealed class KdObjective : ITrainingObjective, IDisposable
{
    readonly SpikingClassifier _student;
    readonly ITeacher _teacher;
    readonly KdOptions _options;
    readonly FeatureRegressor? _regressor;
    float? _beta;

    /// <summary>Prepares the objective; checks that teacher and student agree and that the feature layers exist and can be regressed.</summary>
    /// <exception cref="ArgumentException">They do not (the message names the layers and shapes).</exception>
    public KdObjective(SpikingClassifier student, ITeacher teacher, KdOptions options, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (teacher.Classes != student.Classes)
            throw new ArgumentException($"KDSNN: the teacher '{teacher.Name}' has {teacher.Classes} classes, the student {student.Classes}; train the teacher on the same data.", nameof(teacher));
        if (!teacher.InputShape.SequenceEqual(student.InputShape))
            throw new ArgumentException(
                $"KDSNN: the teacher '{teacher.Name}' takes [{string.Join(", ", teacher.InputShape)}] but the student takes [{string.Join(", ", student.InputShape)}]; train the teacher on the same data.",
                nameof(teacher));
        _student = student;
        _teacher = teacher;
        _options = options;
        _beta = options.Beta;
        if (!options.UsesFeature) return;
        StudentLayer = options.StudentLayer ?? student.SpikingLayerNames[^1];
        if (!student.SpikingLayerNames.Contains(StudentLayer))
            throw new ArgumentException(
                $"KDSNN: the student {student.Name} has no spiking layer '{StudentLayer}'; its layers are {string.Join(", ", student.SpikingLayerNames)}.", nameof(options));
        StudentShape = Kdsnn.StudentFeatureShape(student, StudentLayer);
        TeacherLayer = options.TeacherLayer ?? Kdsnn.DefaultTeacherLayer(teacher, StudentShape.Count);
        var teacherShape = teacher.FeatureShape(TeacherLayer);   // throws naming the layers when it does not exist
        _regressor = new FeatureRegressor(StudentLayer, StudentShape, TeacherLayer, teacherShape, seed ^ 0x4B44_5245_4752UL);
    }

    /// <summary>The student layer whose rate map is regressed (feature KD only).</summary>
    public string? StudentLayer { get; }

    /// <summary>Its rate-map shape per sample (feature KD only).</summary>
    public IReadOnlyList<int>? StudentShape { get; }

    /// <summary>The teacher layer whose output is the target (feature KD only).</summary>
    public string? TeacherLayer { get; }

    /// <summary>The regressor (feature KD only).</summary>
    public FeatureRegressor? Regressor => _regressor;

    /// <summary>The feature weight β in force (set at the first step when not given), or null before it or without feature KD.</summary>
    public float? Beta => _options.UsesFeature ? _beta : null;

    /// <summary>The last batch's response term τ²·KL (before α), or NaN.</summary>
    public float LastResponseLoss { get; private set; } = float.NaN;

    /// <summary>The last batch's feature term L_feat (before β), or NaN.</summary>
    public float LastFeatureLoss { get; private set; } = float.NaN;

    /// <inheritdoc/>
    public Tensor Loss(Tape tape, Tensor images, Tensor logits, ReadOnlySpan<int> labels, Tensor crossEntropy)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(crossEntropy);
        if (_options.Mode == KdMode.None) return crossEntropy;
        var teacher = _teacher.Run(images, _options.UsesFeature ? TeacherLayer : null);
        Tensor total = crossEntropy;
        if (_options.UsesResponse)
        {
            var kl = Ops.KlDivergence(tape, logits, teacher.Logits, _options.Temperature);
            LastResponseLoss = kl.Item();
            total = Ops.WeightedSum(tape, crossEntropy, 1f - _options.Alpha, kl, _options.Alpha);
        }
        if (_regressor is not null)
        {
            _regressor.ZeroGrad();
            var rates = Ops.TimeMean(tape, _student.LayerSpikes(StudentLayer!), _student.Steps);
            var feature = Ops.FeatureDistillation(tape, _regressor.Forward(tape, rates), teacher.Feature!);
            float value = feature.Item();
            LastFeatureLoss = value;
            // Spec §3: β such that β·L_feat ≈ CE at step 0.
            _beta ??= value > 0f && float.IsFinite(value) ? crossEntropy.Item() / value : 1f;
            total = Ops.WeightedSum(tape, total, 1f, feature, _beta.Value);
        }
        return total;
    }

    /// <inheritdoc/>
    public void AfterStep(float learningRate) => _regressor?.Step(learningRate);

    /// <summary>Releases the regressor.</summary>
    public void Dispose() => _regressor?.Dispose();
}
