using NeuroCore.Autodiff;

namespace NeuroCore.Nn;

/// <summary>
/// A layer or a stack of layers: a thin object over <see cref="Ops"/> whose parameters live in a
/// <see cref="ParameterStore"/> passed to its constructor (explicit lists, no reflection).
/// </summary>
public interface IModule
{
    /// <summary>The module's name; parameters are named "<c>{Name}.weight</c>" and so on.</summary>
    string Name { get; }

    /// <summary>Training mode (batch statistics, dropout on) or evaluation mode.</summary>
    bool Training { get; set; }

    /// <summary>Runs the module on <paramref name="x"/>, recording on <paramref name="tape"/> when it records.</summary>
    Tensor Forward(Tape tape, Tensor x);
}
