namespace NeuroCore.Data;

/// <summary>Progress of building (or loading) an event-camera data set.</summary>
/// <param name="Split">"train" or "test".</param>
/// <param name="Done">Samples converted so far.</param>
/// <param name="Total">Samples to convert.</param>
/// <param name="Note">A message (cache hit, why the cache is rebuilt), or null.</param>
public readonly record struct DvsBuildProgress(string Split, int Done, int Total, string? Note);
