namespace NeuroCore.Data;

/// <summary>How <see cref="BatchIterator"/> shapes a batch of images.</summary>
public enum BatchLayout
{
    /// <summary>[B, 1, H, W], for convolutional models.</summary>
    Image,

    /// <summary>[B, H·W], for fully connected models.</summary>
    Flat,
}
