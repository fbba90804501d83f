namespace NeuroCore.Data;

/// <summary>
/// One event of an emulated event camera: pixel (<paramref name="X"/>, <paramref name="Y"/>), time
/// <paramref name="T"/> in sub-step ticks (tick j·n_sub + s is sub-step s ∈ 1..n_sub of the interval after frame j),
/// and polarity <paramref name="Polarity"/> (+1 brighter, −1 darker).
/// </summary>
/// <param name="X">Column.</param>
/// <param name="Y">Row.</param>
/// <param name="T">Time in sub-step ticks, 1 .. (frames − 1)·n_sub.</param>
/// <param name="Polarity">+1 (ON) or −1 (OFF).</param>
public readonly record struct DvsEvent(int X, int Y, int T, int Polarity);
