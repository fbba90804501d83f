using NeuroCore.Checkpoints;

namespace NeuroCore.Nn;

/// <summary>A module that can describe itself as a <see cref="LayerDescription"/>, so a model can be rebuilt from JSON.</summary>
public interface IDescribedModule : IModule
{
    /// <summary>This layer's description (type, name and hyper-parameters).</summary>
    LayerDescription Describe();
}
