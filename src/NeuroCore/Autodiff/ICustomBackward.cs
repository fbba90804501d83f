namespace NeuroCore.Autodiff;

/// <summary>
/// The backward of an op that lives outside NeuroCore's closed <see cref="OpCode"/> set (a library above this
/// one, such as a fused spiking-neuron scan). Recorded with <see cref="OpCode.Custom"/>; implement it on a
/// stateless class and store one shared instance in <see cref="TapeEntry.Custom"/>, so recording allocates nothing.
/// </summary>
public interface ICustomBackward
{
    /// <summary>
    /// Propagates the gradient of <paramref name="entry"/>'s output to its inputs, using
    /// <see cref="Tape.GradOf"/>, <see cref="Tape.NeedsGrad"/>, <see cref="Tape.BeginGrad"/> and
    /// <see cref="Tape.GradAccumulator"/>.
    /// </summary>
    void Backward(Tape tape, in TapeEntry entry);
}
