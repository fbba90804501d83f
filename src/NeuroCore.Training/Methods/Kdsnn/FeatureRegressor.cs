using NeuroCore.Autodiff;
using NeuroCore.Nn;

namespace NeuroCore.Training.Methods.Kdsnn;

/// <summary>
/// The learned map r of FitNets from a student feature to the teacher's: a 1×1 convolution (student channels →
/// teacher channels) between two maps [B, C, H, W], or a linear layer (student features, flattened → teacher features)
/// when the teacher's feature is a vector. It keeps its own parameters and Adam optimizer, so the student's checkpoints
/// hold the student alone (and <c>neurocore eval</c> loads them as any spiking model).
/// </summary>
public sealed class FeatureRegressor : IDisposable
{
    readonly ParameterStore _store = new();
    readonly IModule _map;
    readonly Adam _optimizer;

    /// <summary>Builds the regressor for a student feature of <paramref name="student"/> and a teacher one of <paramref name="teacher"/> (per sample).</summary>
    /// <exception cref="ArgumentException">No regressor maps one to the other (the message names both shapes and the fix).</exception>
    public FeatureRegressor(string studentLayer, IReadOnlyList<int> student, string teacherLayer, IReadOnlyList<int> teacher, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(teacher);
        string what = $"student layer '{studentLayer}' [{string.Join("×", student)}] and teacher layer '{teacherLayer}' [{string.Join("×", teacher)}]";
        if (teacher.Count == 3 && student.Count == 3)
        {
            // Probe the spatial alignment now, so a mismatch fails before training.
            try
            {
                Ops.FeatureAlignment(new Shape(1, teacher[0], student[1], student[2]), new Shape(1, teacher[0], teacher[1], teacher[2]), out _);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"Feature KD: no regressor aligns {what}: {e.Message}", nameof(teacher), e);
            }
            Kind = "conv1x1";
            _map = new Conv2d(_store, "kd.regressor", student[0], teacher[0], kernel: 1, seed);
        }
        else if (teacher.Count == 1)
        {
            Kind = "linear";
            int inF = student.Aggregate(1, (a, d) => a * d);
            _map = new Linear(_store, "kd.regressor", inF, teacher[0], seed);
        }
        else
        {
            throw new ArgumentException(
                $"Feature KD: no regressor maps {what}: a conv map needs a conv map ([C, H, W], via a 1×1 convolution) and a vector " +
                "teacher feature takes any student feature (via a linear map); pick a teacher layer of rank 1 (e.g. relu3) or a conv student layer.",
                nameof(teacher));
        }
        TeacherShape = [.. teacher];
        _optimizer = new Adam(_store, 1e-3f);
    }

    /// <summary>"conv1x1" or "linear".</summary>
    public string Kind { get; }

    /// <summary>The teacher feature shape per sample.</summary>
    public IReadOnlyList<int> TeacherShape { get; }

    /// <summary>The regressor's parameter count.</summary>
    public int Parameters => _store.Count;

    /// <summary>Zeros the regressor's gradients (before the step's backward).</summary>
    public void ZeroGrad() => _store.ZeroGrad();

    /// <summary>Maps the student's rate map <paramref name="rates"/> [B, ...] (recorded) towards the teacher's feature space.</summary>
    public Tensor Forward(Tape tape, Tensor rates)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(rates);
        if (Kind == "linear" && rates.Shape.Rank != 2) rates = Ops.Reshape(tape, rates, new Shape(rates.Shape[0], rates.Size / rates.Shape[0]));
        return _map.Forward(tape, rates);
    }

    /// <summary>One Adam step at <paramref name="learningRate"/> (the student's rate for this step).</summary>
    public void Step(float learningRate)
    {
        _optimizer.LearningRate = learningRate;
        _optimizer.Step();
    }

    /// <summary>Releases the optimizer's pooled moments.</summary>
    public void Dispose() => _optimizer.Dispose();
}
