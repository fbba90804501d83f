namespace NeuroCore.Data;

/// <summary>
/// An IDX file (raw or gzip) is malformed: the message names the file, the byte offset (in the decompressed
/// IDX data) and what was expected there.
/// </summary>
public sealed class IdxFormatException : FormatException
{
    /// <summary>Creates an exception with a plain message (no file or offset known).</summary>
    public IdxFormatException() : this("The IDX data is malformed.") { }

    /// <summary>Creates an exception with a plain message (no file or offset known).</summary>
    public IdxFormatException(string message) : base(message)
    {
        FileName = "";
        Offset = -1;
    }

    /// <summary>Creates an exception with a plain message and the error that caused it.</summary>
    public IdxFormatException(string message, Exception innerException) : base(message, innerException)
    {
        FileName = "";
        Offset = -1;
    }

    /// <summary>Creates an exception for <paramref name="fileName"/> at byte <paramref name="offset"/>.</summary>
    public IdxFormatException(string fileName, long offset, string problem, Exception? innerException = null)
        : base($"IDX file '{fileName}', byte offset {offset}: {problem}", innerException)
    {
        FileName = fileName;
        Offset = offset;
    }

    /// <summary>The file (or stream name) that failed to parse.</summary>
    public string FileName { get; }

    /// <summary>The byte offset in the decompressed IDX data where the problem was found, or -1.</summary>
    public long Offset { get; }
}
