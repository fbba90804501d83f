namespace NeuroCore.Training.Methods.Esl;

/// <summary>
/// When an ESL run rewires and by how much: every <see cref="Every"/> iterations (T_iter), a fraction ζ of each sparse
/// layer's synapses, constant or cosine-decayed from <see cref="Zeta"/>, until <see cref="StopFraction"/> of the
/// <see cref="TotalIterations"/> have passed.
/// </summary>
public sealed record RewireSchedule
{
    /// <summary>T_iter: iterations (optimizer steps) between rewiring steps.</summary>
    public int Every { get; init; } = 200;

    /// <summary>ζ₀, the fraction rewired at the first step (SET's default 0.3).</summary>
    public float Zeta { get; init; } = 0.3f;

    /// <summary>Constant or cosine ζ.</summary>
    public ZetaDecay Decay { get; init; } = ZetaDecay.Cosine;

    /// <summary>Rewiring stops after this fraction of training (0.75).</summary>
    public double StopFraction { get; init; } = 0.75;

    /// <summary>I, the iterations of the whole run (epochs × batches per epoch).</summary>
    public int TotalIterations { get; init; } = 1;

    /// <summary>The last iteration that may rewire: floor(StopFraction·I).</summary>
    public int StopIteration => (int)Math.Floor(StopFraction * TotalIterations);

    /// <summary>Throws naming the setting and its range when one is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public void Validate()
    {
        if (Every < 1) throw new ArgumentOutOfRangeException(nameof(Every), Every, "ESL schedule: --rewire-every (T_iter) must be at least 1 iteration.");
        if (!(Zeta >= 0f && Zeta <= 1f)) throw new ArgumentOutOfRangeException(nameof(Zeta), Zeta, "ESL schedule: --zeta must be in [0, 1] (SET uses 0.3).");
        if (!(StopFraction >= 0 && StopFraction <= 1)) throw new ArgumentOutOfRangeException(nameof(StopFraction), StopFraction, "ESL schedule: --rewire-stop must be in [0, 1] (a fraction of training; 0.75 by default).");
        if (TotalIterations < 1) throw new ArgumentOutOfRangeException(nameof(TotalIterations), TotalIterations, "ESL schedule: the run must have at least 1 iteration.");
    }

    /// <summary>True when iteration <paramref name="iteration"/> (1-based, after its optimizer step) rewires: i mod T_iter = 0 and i &lt; StopFraction·I.</summary>
    public bool IsRewireStep(int iteration) => iteration >= 1 && iteration % Every == 0 && iteration < StopFraction * TotalIterations;

    /// <summary>ζ at iteration <paramref name="iteration"/>.</summary>
    public float ZetaAt(int iteration)
    {
        if (Decay == ZetaDecay.Constant) return Zeta;
        double stop = Math.Max(1.0, StopFraction * TotalIterations);
        double x = Math.Clamp(iteration / stop, 0, 1);
        return (float)(Zeta / 2 * (1 + Math.Cos(Math.PI * x)));
    }
}
