using NeuroCore.Autodiff;
using NeuroCore.Checkpoints;
using NeuroCore.Nn;

namespace NeuroCore.Training.Methods.Kdsnn;

/// <summary>
/// A trained ordinary network (a <see cref="Sequential"/> from <c>neurocore train ann</c>) used as a frozen teacher:
/// evaluation mode (batch norm on running statistics, dropout off) on a tape of its own that never records, so no
/// gradient reaches it and its parameters never change. Any layer's output can serve as the distillation feature.
/// </summary>
public sealed class FrozenAnnTeacher : ITeacher, IDisposable
{
    readonly Sequential _model;
    readonly Tape _tape;
    readonly string[] _layers;
    readonly int[][] _shapes;

    /// <summary>Wraps <paramref name="model"/> (set to evaluation mode) for samples of <paramref name="inputShape"/>.</summary>
    /// <param name="model">The trained network.</param>
    /// <param name="inputShape">One sample's shape, e.g. [1, 28, 28].</param>
    /// <param name="classes">Its output classes.</param>
    /// <param name="name">A description for reports.</param>
    /// <param name="threads">Worker threads of its kernels.</param>
    /// <exception cref="ArgumentException">The network does not map <paramref name="inputShape"/> to [B, classes].</exception>
    public FrozenAnnTeacher(Sequential model, IReadOnlyList<int> inputShape, int classes, string name, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputShape);
        _model = model;
        _model.Training = false;
        Name = name;
        Classes = classes;
        InputShape = [.. inputShape];
        _tape = new Tape(recording: false, threads: threads);
        _layers = [.. model.Layers.Select(l => l.Name)];
        _shapes = new int[_layers.Length][];
        // One zero sample through every layer gives each feature's shape.
        using (var probe = Tensor.Zeros(new Shape([1, .. InputShape])))
        {
            Tensor x = probe;
            for (int i = 0; i < _layers.Length; i++)
            {
                x = model.Layers[i].Forward(_tape, x);
                _shapes[i] = [.. x.Shape.Dims[1..]];
            }
            if (x.Shape.Rank != 2 || x.Shape[1] != classes)
                throw new ArgumentException(
                    $"FrozenAnnTeacher '{name}': the network maps [1, {string.Join(", ", InputShape)}] to {x.Shape}, not [1, {classes}] logits.", nameof(model));
        }
        _tape.Reset();
    }

    /// <summary>
    /// Loads a teacher from a <c>neurocore train ann --out DIR</c> directory (its <c>model.json</c> and latest
    /// checkpoint).
    /// </summary>
    /// <exception cref="ArgumentException">The directory holds a spiking model, or its checkpoint does not match its description.</exception>
    /// <exception cref="FileNotFoundException">The directory lacks the description or a checkpoint.</exception>
    public static FrozenAnnTeacher Load(string directory, int threads = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        TrainedModel loaded;
        try
        {
            loaded = TrainedModel.Load(directory);
        }
        catch (InvalidOperationException e)
        {
            throw new ArgumentException(
                $"Teacher '{directory}': its checkpoint does not match its model.json ({e.Message}); retrain it with `neurocore train ann --out DIR` " +
                "or point --teacher at the directory the checkpoint came from.", nameof(directory), e);
        }
        var d = loaded.Description;
        if (loaded.Model is not Sequential sequential || TrainedModel.IsSpiking(d))
            throw new ArgumentException(
                $"Teacher '{directory}' holds a {d.Architecture} model; a teacher must be an ordinary network from `neurocore train ann --out DIR`.", nameof(directory));
        string name = $"{d.Architecture} from {Path.GetFileName(Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar))} (epoch {loaded.State.Epoch})";
        return new FrozenAnnTeacher(sequential, d.InputShape, d.Classes, name, threads);
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public int Classes { get; }

    /// <inheritdoc/>
    public IReadOnlyList<int> InputShape { get; }

    /// <inheritdoc/>
    public IReadOnlyList<string> FeatureLayers => _layers;

    /// <summary>The layer types, parallel to <see cref="FeatureLayers"/> (e.g. relu, maxpool2d).</summary>
    public IReadOnlyList<string> LayerTypes => [.. _model.Layers.Select(l => l is IDescribedModule d ? d.Describe().Type : l.GetType().Name)];

    /// <inheritdoc/>
    public IReadOnlyList<int> FeatureShape(string layer) => _shapes[IndexOf(layer)];

    /// <inheritdoc/>
    public TeacherOutput Run(Tensor images, string? featureLayer)
    {
        ArgumentNullException.ThrowIfNull(images);
        int wanted = featureLayer is null ? -1 : IndexOf(featureLayer);
        bool ok = images.Shape.Rank == InputShape.Count + 1;
        for (int i = 0; ok && i < InputShape.Count; i++) ok = images.Shape[i + 1] == InputShape[i];
        if (!ok)
            throw new ArgumentException($"FrozenAnnTeacher '{Name}': input {images.Shape} does not match the teacher's [B, {string.Join(", ", InputShape)}].", nameof(images));
        _tape.Reset();
        Tensor x = images;
        Tensor? feature = null;
        for (int i = 0; i < _layers.Length; i++)
        {
            x = _model.Layers[i].Forward(_tape, x);
            if (i == wanted) feature = x;
        }
        return new TeacherOutput(x, feature);
    }

    int IndexOf(string layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        int i = Array.IndexOf(_layers, layer);
        return i >= 0 ? i : throw new ArgumentException(
            $"Teacher '{Name}' has no layer '{layer}'; its layers are {string.Join(", ", _layers.Select((n, k) => $"{n} [{string.Join("×", _shapes[k])}]"))}.",
            nameof(layer));
    }

    /// <summary>Releases the teacher's tape.</summary>
    public void Dispose() => _tape.Dispose();
}
