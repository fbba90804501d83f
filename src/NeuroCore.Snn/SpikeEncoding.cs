namespace NeuroCore.Snn;

/// <summary>How a static input (an image) becomes T steps of network input.</summary>
public enum SpikeEncoding
{
    /// <summary>Poisson rate coding: at each step a pixel spikes with probability equal to its intensity.</summary>
    Rate,

    /// <summary>Direct current injection: the analogue input is fed unchanged at every step.</summary>
    Direct,

    /// <summary>Latency (time to first spike) coding: brighter pixels spike earlier, once.</summary>
    Latency,
}
