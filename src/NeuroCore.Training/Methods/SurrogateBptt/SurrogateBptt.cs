// Surrogate-gradient learning in spiking neural networks, trained by backpropagation through time.
//   E. O. Neftci, H. Mostafa, F. Zenke, "Surrogate Gradient Learning in Spiking Neural Networks", IEEE Signal
//   Processing Magazine 36(6), 2019. F. Zenke, S. Ganguli, "SuperSpike: Supervised learning in multilayer spiking
//   neural networks", Neural Computation 30(6), 2018.
//
// Per hidden layer l and step t (time-first, one fused Scan per layer on the tape):
//   I_t = W x_t + b          (x_t: encoded image, or the layer below's spikes S_t)
//   H_t = β V_{t-1} + I_t,   S_t = Θ(H_t − θ_t),   V_t = H_t − S_t θ_t (soft) | H_t (1 − S_t) (hard)
//   LIF: θ_t = θ;  ALIF: θ_t = θ0 + κ A_{t-1},  A_t = ρ A_{t-1} + (1 − ρ) S_t
// Backward replaces dS/dH = δ(H − θ) by the surrogate g(H − θ), e.g. SuperSpike's fast sigmoid 1/(1 + k|x|)².
// Readout: a non-spiking leaky integrator U_t = β U_{t-1} + W S_t + b; logits = mean_t U_t (or max_t, or spike counts).
// Loss: mean cross-entropy of the logits + λ Σ_l (mean rate_l − r*)² when --rate-reg λ > 0.
// The README beside this file has the derivation, the defaults and the measured results.
using NeuroCore.Data;
using NeuroCore.Nn;
using NeuroCore.Snn;

namespace NeuroCore.Training.Methods.SurrogateBptt;

/// <summary>
/// The surrogate-gradient BPTT method: builds a spiking classifier from <see cref="SnnModelOptions"/> (through
/// <c>SnnModels</c>), an optimizer and schedule from a <see cref="TrainingRecipe"/>, and runs the shared
/// <see cref="Trainer"/>; the report carries the per-layer spike rates and synaptic operations per test sample.
/// </summary>
public static class SurrogateBptt
{
    /// <summary>The method name written to reports.</summary>
    public const string MethodName = "surrogate-bptt";

    /// <summary>
    /// The default model options of <paramref name="architecture"/> ("mlp" or "conv"), as <c>NeuroCore.Snn</c> defines
    /// them in <see cref="SnnModels.DefaultOptions"/>: both direct-encoded (the image as a constant input current, so the
    /// first layer's product runs once per sample and nothing is sampled); mlp 784-512-10 over T = 25 steps with β = 0.9
    /// (snnTorch's tutorial neuron), conv over T = 4 with β = 0.5 (SpikingJelly's Fashion-MNIST recipe).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="architecture"/> is neither mlp nor conv.</exception>
    public static SnnModelOptions DefaultOptions(string architecture) => SnnModels.DefaultOptions(architecture);

    /// <summary>
    /// The learning-rate schedule a spiking architecture trains with by default: cosine annealing for both. Measured on
    /// Fashion-MNIST (SNN MLP, T = 25, 10 epochs, seed 1): 88.90 % with cosine against 87.32 % with a constant rate;
    /// the Poisson input keeps the gradient noisy, and the annealed rate lets the last epochs settle.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="architecture"/> is neither mlp nor conv.</exception>
    public static string DefaultSchedule(string architecture) => architecture is "mlp" or "conv"
        ? "cosine"
        : throw new ArgumentException($"Unknown spiking architecture '{architecture}': expected mlp or conv.", nameof(architecture));

    /// <summary>
    /// Builds the spiking model described by <paramref name="options"/> for images like <paramref name="train"/>'s
    /// (initialised from <see cref="TrainerOptions.Seed"/>) and prepares its run; <see cref="TrainingRun.Execute"/>
    /// then trains it and returns the report with spike statistics.
    /// </summary>
    /// <exception cref="ArgumentException">An option is invalid for this data (the message names it).</exception>
    public static TrainingRun CreateRun(SnnModelOptions options, TrainingRecipe recipe, TrainerOptions trainer, LabeledImageSet train)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(train);
        var description = SnnModels.Describe(options, [1, train.Height, train.Width], train.Classes);
        description.ClassNames = [.. train.ClassNames];
        var store = new ParameterStore();
        var model = SnnModels.Build(store, description, trainer.Seed);
        return new TrainingRun(MethodName, description.Architecture, model, store, description, recipe, trainer, train.Count);
    }

    /// <summary>
    /// Trains the spiking model of <paramref name="options"/> on <paramref name="train"/>, evaluating on
    /// <paramref name="test"/> after every epoch, and returns the result and its report (per-epoch and final spike
    /// rates and synops per sample included).
    /// </summary>
    public static TrainingOutcome Train(SnnModelOptions options, TrainingRecipe recipe, TrainerOptions trainer, LabeledImageSet train,
        LabeledImageSet test, string dataset, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        using var run = CreateRun(options, recipe, trainer, train);
        return run.Execute(train, test, dataset, progress, cancellationToken);
    }
}
