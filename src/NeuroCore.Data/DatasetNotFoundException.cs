namespace NeuroCore.Data;

/// <summary>A data set's files are not where they were looked for; the message says where and how to get them.</summary>
public sealed class DatasetNotFoundException : FileNotFoundException
{
    /// <summary>Creates an exception with a default message.</summary>
    public DatasetNotFoundException() : this("The data set was not found.") { }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    public DatasetNotFoundException(string message) : base(message)
    {
        Directory = "";
        MissingFiles = [];
    }

    /// <summary>Creates an exception with <paramref name="message"/> and the error that caused it.</summary>
    public DatasetNotFoundException(string message, Exception innerException) : base(message, innerException)
    {
        Directory = "";
        MissingFiles = [];
    }

    /// <summary>Creates an exception for files missing from <paramref name="directory"/>.</summary>
    public DatasetNotFoundException(string message, string directory, IReadOnlyList<string> missingFiles) : base(message)
    {
        Directory = directory;
        MissingFiles = missingFiles;
    }

    /// <summary>The directory that was searched.</summary>
    public string Directory { get; }

    /// <summary>The files that were looked for and not found there.</summary>
    public IReadOnlyList<string> MissingFiles { get; }
}
