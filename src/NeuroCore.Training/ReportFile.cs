namespace NeuroCore.Training;

/// <summary>Writing JSON reports: the directory is created and the text written to a temporary sibling, then renamed.</summary>
internal static class ReportFile
{
    /// <summary>Writes <paramref name="json"/> and a final newline to <paramref name="path"/> so readers never see half a file.</summary>
    public static void Write(string path, string json)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string? dir = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        string tmp = full + ".tmp";
        File.WriteAllText(tmp, json + "\n");
        File.Move(tmp, full, overwrite: true);
    }
}
