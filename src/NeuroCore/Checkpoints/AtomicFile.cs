namespace NeuroCore.Checkpoints;

/// <summary>
/// Writes a file through a temporary sibling that is flushed to disk and then renamed over the target, so a crash
/// leaves either the old file or the new one, never half of one (DESIGN.md decision 9).
/// </summary>
internal static class AtomicFile
{
    public static void Write<TState>(string path, TState state, Action<Stream, TState> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(directory);
        // Same directory, so the rename stays on one file system and is atomic.
        string temp = Path.Combine(directory, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream, state);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    static void TryDelete(string temp)
    {
        try { File.Delete(temp); }
        catch (IOException) { /* best effort: the original error matters more */ }
        catch (UnauthorizedAccessException) { /* likewise */ }
    }
}
