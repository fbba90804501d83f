using NeuroCore.Checkpoints;
using NeuroCore.Data;
using NeuroCore.Training;

namespace NeuroCore.Cli;

/// <summary>Which exceptions are the user's to fix (print the message, exit 1) rather than bugs (stack trace).</summary>
internal static class CliErrors
{
    public static bool IsUserFacing(Exception e) => e is DatasetNotFoundException or IdxFormatException
        or CheckpointFormatException or TrainingDivergedException or ArgumentException or IOException
        or UnauthorizedAccessException or System.Text.Json.JsonException or FormatException
        // A model option this build cannot run (the layers throw it naming the layer and the option).
        or NotSupportedException
        // Checkpoint.Load's "this file belongs to a different model/optimizer" (e.g. --resume with another --model).
        or InvalidOperationException;
}
