using NeuroCore.Autodiff;
using NeuroCore.Checkpoints;

namespace NeuroCore.Nn;

/// <summary>Runs modules in order (PyTorch <c>nn.Sequential</c>); setting <see cref="Training"/> sets it on every child.</summary>
public sealed class Sequential : IModule
{
    readonly IModule[] _layers;
    bool _training = true;

    /// <summary>Creates the stack from <paramref name="layers"/>, in forward order.</summary>
    public Sequential(string name, params IModule[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (Array.IndexOf(layers, null) >= 0) throw new ArgumentException("Sequential: a layer is null.", nameof(layers));
        Name = name;
        _layers = (IModule[])layers.Clone();
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>The layers in forward order.</summary>
    public IReadOnlyList<IModule> Layers => _layers;

    /// <summary>The model description this stack was built from (set by <see cref="AnnModels"/>), or null.</summary>
    public ModelDescription? Description { get; init; }

    /// <inheritdoc/>
    public bool Training
    {
        get => _training;
        set
        {
            _training = value;
            foreach (var layer in _layers) layer.Training = value;
        }
    }

    /// <inheritdoc/>
    public Tensor Forward(Tape tape, Tensor x)
    {
        foreach (var layer in _layers) x = layer.Forward(tape, x);
        return x;
    }

    /// <summary>The layers' descriptions in order; every layer must be an <see cref="IDescribedModule"/>.</summary>
    public List<LayerDescription> DescribeLayers()
    {
        var list = new List<LayerDescription>(_layers.Length);
        foreach (var layer in _layers)
        {
            if (layer is not IDescribedModule d)
                throw new InvalidOperationException($"Sequential '{Name}': layer '{layer.Name}' ({layer.GetType().Name}) cannot describe itself, so the model cannot be saved as a description.");
            list.Add(d.Describe());
        }
        return list;
    }
}
