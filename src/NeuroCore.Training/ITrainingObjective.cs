using NeuroCore.Autodiff;

namespace NeuroCore.Training;

/// <summary>
/// A training objective that replaces the <see cref="Trainer"/>'s plain cross-entropy (e.g. knowledge distillation).
/// The trainer still computes the batch's mean cross-entropy, reports it as the training loss and adds the spiking
/// model's regulariser; the objective turns it into the scalar that is back-propagated, and may own parameters of its
/// own (a regressor) that it updates in <see cref="AfterStep"/>.
/// </summary>
public interface ITrainingObjective
{
    /// <summary>
    /// Returns the scalar to minimise for one training batch, recorded on <paramref name="tape"/>. Called after the
    /// model's forward (so the model's intermediate tensors of this batch are on the tape) and before backward.
    /// </summary>
    /// <param name="tape">The trainer's recording tape.</param>
    /// <param name="images">The batch's inputs [B, ...].</param>
    /// <param name="logits">The model's output [B, classes].</param>
    /// <param name="labels">The batch's labels.</param>
    /// <param name="crossEntropy">The mean cross-entropy of <paramref name="logits"/> (already on the tape).</param>
    Tensor Loss(Tape tape, Tensor images, Tensor logits, ReadOnlySpan<int> labels, Tensor crossEntropy);

    /// <summary>
    /// Called after the model's optimizer step with the learning rate that step used; updates the objective's own
    /// parameters (if any) from the gradients the backward pass left in them.
    /// </summary>
    void AfterStep(float learningRate);
}
