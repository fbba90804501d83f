using NeuroCore.Autodiff;
using NeuroCore.Kernels;
using NeuroCore.Nn;

namespace NeuroCore.Snn;

/// <summary>
/// Poisson rate coding (snnTorch <c>spikegen.rate</c>, SpikingJelly <c>PoissonEncoder</c>): at every step each input
/// value x ∈ [0, 1] spikes with probability x. Effectively computes
/// <c>spike[t, b, i] = U(seed, stream, t·B·F + b·F + i) &lt; x[b, i]</c> with U the Philox uniform, so the spikes depend
/// only on (seed, stream) and never on the thread count or the SIMD width.
/// </summary>
/// <remarks>
/// In training mode every <see cref="Encode"/> call uses a fresh stream: a call counter kept as the
/// <see cref="ParameterStore"/> buffer "{name}.calls" (two floats holding 24 bits each) advances per call, so a run
/// resumed from a checkpoint draws the same spikes as an uninterrupted one. In evaluation mode the stream is fixed,
/// so evaluating the same batch twice gives the same spikes and the same logits.
/// </remarks>
public sealed class RateEncoder
{
    const float Radix = 16777216f; // 2^24: each float of the call counter holds 24 exact bits
    readonly Tensor _calls;
    readonly ulong _stream;

    /// <summary>Creates the encoder and adds its call counter "{name}.calls" to <paramref name="store"/>.</summary>
    /// <param name="store">The model's store (the counter is a buffer, saved with checkpoints).</param>
    /// <param name="name">The encoder's name (the Philox stream derives from it).</param>
    /// <param name="steps">T, the time steps per sample (≥ 1).</param>
    /// <param name="seed">The Philox key.</param>
    public RateEncoder(ParameterStore store, string name, int steps, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, $"RateEncoder '{name}': T must be ≥ 1.");
        Name = name;
        Steps = steps;
        Seed = seed;
        _stream = Init.StreamOf(name);
        _calls = store.AddBuffer(name + ".calls", new Shape(2));
    }

    /// <summary>The encoder's name.</summary>
    public string Name { get; }

    /// <summary>T.</summary>
    public int Steps { get; }

    /// <summary>The Philox key.</summary>
    public ulong Seed { get; }

    /// <summary>Training mode (a new stream per call) or evaluation mode (the fixed evaluation stream).</summary>
    public bool Training { get; set; } = true;

    /// <summary>Training calls so far (the counter buffer).</summary>
    public ulong Calls
    {
        get
        {
            var c = _calls.Span;
            return (ulong)c[0] + ((ulong)c[1] << 24);
        }
    }

    /// <summary>
    /// Encodes a batch [B, ...] of values in [0, 1] into spikes [T·B, ...] (time-major) on <paramref name="tape"/>;
    /// in training mode advances the call counter.
    /// </summary>
    /// <exception cref="ArgumentException">A value lies outside [0, 1] or is NaN.</exception>
    public Tensor Encode(Tape tape, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        if (x.Shape.Rank < 1) throw new ArgumentException($"RateEncoder '{Name}': input {x.Shape} needs a batch axis [B, ...].", nameof(x));
        var y = tape.Allocate(x.Shape.With(0, Steps * x.Shape[0]));
        ulong stream = _stream;
        if (Training)
        {
            ulong calls = Calls;
            stream += 1 + calls; // the evaluation stream is _stream itself
            calls++;
            var c = _calls.Span;
            c[0] = calls & 0xFFFFFF;
            c[1] = calls >> 24;
        }
        Encode(Name, x.Span, Steps, Seed, stream, y.Span);
        return y;
    }

    /// <summary>
    /// The stateless kernel: <c>dst[t·n + j] = U(seed, stream, t·n + j) &lt; x[j]</c> for t &lt; <paramref name="steps"/>,
    /// n = x.Length.
    /// </summary>
    /// <exception cref="ArgumentException">A value lies outside [0, 1] or is NaN, or dst is not T·n long.</exception>
    public static void Encode(string name, ReadOnlySpan<float> x, int steps, ulong seed, ulong stream, Span<float> dst)
    {
        EncoderChecks.UnitInterval("RateEncoder", name, x);
        if (dst.Length != (long)steps * x.Length)
            throw new ArgumentException($"RateEncoder '{name}': the destination holds {dst.Length} values; expected T·n = {steps}·{x.Length}.", nameof(dst));
        int n = x.Length;
        for (int t = 0; t < steps; t++)
            Philox.Bernoulli(seed, stream, (ulong)t * (ulong)n, x, dst.Slice(t * n, n));
    }
}
