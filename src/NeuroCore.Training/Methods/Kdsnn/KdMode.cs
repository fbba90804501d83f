namespace NeuroCore.Training.Methods.Kdsnn;

/// <summary>Which distillation terms join the student's cross-entropy.</summary>
public enum KdMode
{
    /// <summary>Cross-entropy alone (the student trained without a teacher, the study's baseline).</summary>
    None,

    /// <summary>Response KD: <c>(1 − α)·CE + α·τ²·KL(softmax(z_T/τ) ‖ softmax(z_S/τ))</c>.</summary>
    Response,

    /// <summary>Feature KD: <c>CE + β·‖F_T − r(F̄_S)‖²/numel</c>.</summary>
    Feature,

    /// <summary>Both: <c>(1 − α)·CE + α·τ²·KL + β·‖F_T − r(F̄_S)‖²/numel</c>.</summary>
    Both,
}

/// <summary>The distillation settings of a run.</summary>
public sealed record KdOptions
{
    /// <summary>Which terms are used.</summary>
    public KdMode Mode { get; init; } = KdMode.Both;

    /// <summary>Temperature τ of the response term (default 4, spec §3, our choice).</summary>
    public float Temperature { get; init; } = 4f;

    /// <summary>Weight α of the response term (default 0.9).</summary>
    public float Alpha { get; init; } = 0.9f;

    /// <summary>
    /// Weight β of the feature term, or null to set it at the first step so that β·L_feat equals the cross-entropy
    /// (spec §3's rule).
    /// </summary>
    public float? Beta { get; init; }

    /// <summary>The teacher layer whose output is the feature target, or null for the default (see <see cref="Kdsnn.DefaultTeacherLayer"/>).</summary>
    public string? TeacherLayer { get; init; }

    /// <summary>The student's spiking layer whose rate map is regressed, or null for its last spiking layer.</summary>
    public string? StudentLayer { get; init; }

    /// <summary>True when the response term is used.</summary>
    public bool UsesResponse => Mode is KdMode.Response or KdMode.Both;

    /// <summary>True when the feature term is used.</summary>
    public bool UsesFeature => Mode is KdMode.Feature or KdMode.Both;

    /// <summary>Checks the ranges.</summary>
    /// <exception cref="ArgumentException">A value is out of range (the message names it).</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(Mode)) throw new ArgumentException($"KdOptions: mode {Mode} is unknown.", nameof(Mode));
        if (!(Temperature > 0f) || !float.IsFinite(Temperature)) throw new ArgumentException($"KdOptions: τ = {Temperature} must be finite and > 0.", nameof(Temperature));
        if (!(Alpha >= 0f && Alpha <= 1f)) throw new ArgumentException($"KdOptions: α = {Alpha} must lie in [0, 1].", nameof(Alpha));
        if (Beta is { } b && (!(b >= 0f) || !float.IsFinite(b))) throw new ArgumentException($"KdOptions: β = {b} must be finite and ≥ 0.", nameof(Beta));
    }
}
