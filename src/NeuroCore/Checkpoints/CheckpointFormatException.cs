namespace NeuroCore.Checkpoints;

/// <summary>
/// A checkpoint or model description file is malformed: it names the file, the byte offset where reading went
/// wrong and what was expected there. Readers throw only this type for bad bytes, whatever the damage.
/// </summary>
public sealed class CheckpointFormatException : Exception
{
    /// <summary>Creates the exception for <paramref name="fileName"/> at byte <paramref name="offset"/>.</summary>
    public CheckpointFormatException(string fileName, long offset, string problem, Exception? inner = null)
        : base($"Corrupt checkpoint file '{fileName}' at byte {offset}: {problem}", inner)
    {
        FileName = fileName;
        Offset = offset;
        Problem = problem;
    }

    /// <summary>The file that failed to load.</summary>
    public string FileName { get; }

    /// <summary>The byte offset within the file where the problem was found.</summary>
    public long Offset { get; }

    /// <summary>What was wrong and what was expected.</summary>
    public string Problem { get; }
}
