using NeuroCore.Kernels;

namespace NeuroCore.Data;

/// <summary>
/// The synthetic delayed-recall task that measures memory capacity: a cue is shown, a delay of distractor noise
/// follows, then a "go" signal asks for the cue. See the NeuroCore.Data README for the exact definition.
/// </summary>
/// <remarks>
/// F = 2·<see cref="Cues"/> + 1 input channels: 0..K−1 cue, K..2K−1 distractor, 2K go (K = <see cref="Cues"/> = 8).
/// T = <see cref="CueSteps"/> + D + <see cref="GoSteps"/>.
/// <list type="bullet">
/// <item>steps 0..4 (cue): channel c (the label, uniform in 0..K−1) is 1, every other channel 0;</item>
/// <item>steps 5..4+D (delay): each of channels 0..2K−1 (cue and distractor alike) is 1 with probability
/// <see cref="NoiseRate"/> = 5 %, independently; the go channel is 0;</item>
/// <item>the last 5 steps (go): the go channel is 1, every other channel 0.</item>
/// </list>
/// The label is the cue; chance is 1/K = 12.5 %. Sample i of a set draws everything from
/// <c>PhiloxGenerator(seed, stream + i)</c> with stream 1 for training and 1 + 2³² for test, so the sets are
/// disjoint streams and the same on every machine.
/// </remarks>
public static class DelayedRecall
{
    /// <summary>K, the number of cue symbols (= classes).</summary>
    public const int Cues = 8;

    /// <summary>Steps the cue is shown.</summary>
    public const int CueSteps = 5;

    /// <summary>Steps of the go signal at the end.</summary>
    public const int GoSteps = 5;

    /// <summary>The smallest delay accepted.</summary>
    public const int MinDelay = 25;

    /// <summary>The largest delay accepted.</summary>
    public const int MaxDelay = 400;

    /// <summary>Probability of a distractor spike per channel and delay step.</summary>
    public const float NoiseRate = 0.05f;

    /// <summary>F, the input channels per step (K cue + K distractor + 1 go).</summary>
    public const int Features = (2 * Cues) + 1;

    /// <summary>T for delay <paramref name="delay"/>: cue + delay + go steps.</summary>
    public static int StepsFor(int delay) => CueSteps + delay + GoSteps;

    /// <summary>
    /// Generates <paramref name="trainCount"/> training and <paramref name="testCount"/> test sequences with delay
    /// <paramref name="delay"/> ∈ [<see cref="MinDelay"/>, <see cref="MaxDelay"/>].
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The delay is out of range, or a count is not positive.</exception>
    public static (SequenceSet Train, SequenceSet Test) Generate(int trainCount, int testCount, int delay, ulong seed)
    {
        CheckDelay(delay);
        if (trainCount < 1 || testCount < 1)
            throw new ArgumentOutOfRangeException(trainCount < 1 ? nameof(trainCount) : nameof(testCount), trainCount < 1 ? trainCount : testCount,
                "DelayedRecall.Generate: the training and test sets need at least one sequence each; raise --limit-train / --limit-test.");
        return (Build("recall/train", trainCount, delay, seed, 1UL), Build("recall/test", testCount, delay, seed, 1UL + (1UL << 32)));
    }

    /// <summary>Throws when <paramref name="delay"/> is outside [<see cref="MinDelay"/>, <see cref="MaxDelay"/>].</summary>
    /// <exception cref="ArgumentOutOfRangeException">The delay is out of range; the message gives the range and the option.</exception>
    public static void CheckDelay(int delay)
    {
        if (delay is < MinDelay or > MaxDelay)
            throw new ArgumentOutOfRangeException(nameof(delay), delay,
                $"Delayed recall: the delay D = {delay} is out of range; pass --delay D with {MinDelay} ≤ D ≤ {MaxDelay} " +
                $"(the sequence is {CueSteps} cue + D delay + {GoSteps} go steps).");
    }

    static SequenceSet Build(string name, int count, int delay, ulong seed, ulong stream)
    {
        int steps = StepsFor(delay);
        var pixels = new float[(long)count * steps * Features];
        var labels = new byte[count];
        for (int n = 0; n < count; n++)
        {
            var rng = new PhiloxGenerator(seed, stream + (ulong)n);
            int cue = rng.NextInt(Cues);
            labels[n] = (byte)cue;
            var sample = pixels.AsSpan(n * steps * Features, steps * Features);
            for (int t = 0; t < CueSteps; t++) sample[(t * Features) + cue] = 1f;
            for (int t = CueSteps; t < CueSteps + delay; t++)
                for (int c = 0; c < 2 * Cues; c++)
                    if (rng.NextFloat() < NoiseRate) sample[(t * Features) + c] = 1f;
            for (int t = CueSteps + delay; t < steps; t++) sample[(t * Features) + (2 * Cues)] = 1f;
        }
        var names = Enumerable.Range(0, Cues).Select(c => "cue " + c).ToArray();
        var set = new LabeledImageSet($"{name}(D={delay})", steps, Features, Cues, pixels, labels, names);
        return new SequenceSet("recall", set, 1.0 / Cues, delay: delay);
    }
}
