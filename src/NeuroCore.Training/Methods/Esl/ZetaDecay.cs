namespace NeuroCore.Training.Methods.Esl;

/// <summary>How the rewired fraction ζ changes over training.</summary>
public enum ZetaDecay
{
    /// <summary>ζ = ζ₀ at every rewiring step.</summary>
    Constant,

    /// <summary>ζ_i = ζ₀/2·(1 + cos(π·i/I_stop)) (RigL practice), i the iteration, I_stop the last rewiring iteration.</summary>
    Cosine,
}
