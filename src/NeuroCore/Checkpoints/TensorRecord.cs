namespace NeuroCore.Checkpoints;

/// <summary>A named float32 tensor as stored in a safetensors file.</summary>
/// <param name="Name">The tensor's key in the header (for parameters, their store name such as "fc1.weight").</param>
/// <param name="Shape">The dimensions.</param>
/// <param name="Data">The elements, row-major; its length equals <c>Shape.Size</c>.</param>
public readonly record struct TensorRecord(string Name, Shape Shape, ReadOnlyMemory<float> Data);
