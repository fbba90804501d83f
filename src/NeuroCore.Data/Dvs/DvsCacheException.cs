namespace NeuroCore.Data;

/// <summary>A DVS data-set cache file that cannot be read: not such a file, truncated or corrupt.</summary>
public sealed class DvsCacheException : Exception
{
    /// <summary>Creates the exception for <paramref name="path"/>; the message says what is wrong and how to fix it.</summary>
    public DvsCacheException(string path, string problem)
        : base($"DVS cache '{path}': {problem} Delete the file (it is rebuilt from the images) or pass another --cache-dir.")
    {
        Path = path;
    }

    /// <summary>Creates the exception with a plain message.</summary>
    public DvsCacheException() { Path = ""; }

    /// <summary>Creates the exception with a plain message.</summary>
    public DvsCacheException(string message) : base(message) { Path = ""; }

    /// <summary>Creates the exception with a plain message and an inner exception.</summary>
    public DvsCacheException(string message, Exception inner) : base(message, inner) { Path = ""; }

    /// <summary>The cache file.</summary>
    public string Path { get; }
}
