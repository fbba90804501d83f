namespace NeuroCore.Checkpoints;

/// <summary>One layer of a <see cref="ModelDescription"/>; fields a layer type does not use stay null.</summary>
public sealed class LayerDescription
{
    /// <summary>The layer type: "linear", "conv2d", "batchnorm1d", "batchnorm2d", "maxpool2d", "avgpool2d", "relu", "flatten", "dropout".</summary>
    public string Type { get; set; } = "";

    /// <summary>The parameter name prefix ("fc1" gives "fc1.weight"), for layers that own parameters or buffers.</summary>
    public string? Name { get; set; }

    /// <summary>Input features or channels.</summary>
    public int? In { get; set; }

    /// <summary>Output features or channels.</summary>
    public int? Out { get; set; }

    /// <summary>Square kernel size (convolution, pooling).</summary>
    public int? Kernel { get; set; }

    /// <summary>Stride (convolution, pooling).</summary>
    public int? Stride { get; set; }

    /// <summary>Zero padding on each side (convolution, pooling).</summary>
    public int? Padding { get; set; }

    /// <summary>Whether the layer has a bias (linear, convolution).</summary>
    public bool? Bias { get; set; }

    /// <summary>Drop probability (dropout).</summary>
    public float? P { get; set; }

    /// <summary>Running-statistics momentum (batch norm).</summary>
    public float? Momentum { get; set; }

    /// <summary>Variance epsilon (batch norm).</summary>
    public float? Eps { get; set; }
}
