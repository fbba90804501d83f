using ScottPlot;

namespace NeuroCore.Cli.Plots;

/// <summary>Writing figures: the directory is created and the PNG written to a temporary sibling, then renamed.</summary>
internal static class PlotFiles
{
    public static void SavePng(Multiplot figure, string path, int width, int height)
    {
        string full = Path.GetFullPath(path);
        if (Path.GetDirectoryName(full) is { Length: > 0 } dir) Directory.CreateDirectory(dir);
        string tmp = full + ".tmp.png";
        figure.SavePng(tmp, width, height);
        File.Move(tmp, full, overwrite: true);
    }
}
