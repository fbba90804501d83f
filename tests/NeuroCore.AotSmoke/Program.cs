// NativeAOT smoke test: loads a model directory written by `neurocore train ann|snn --out DIR`, classifies the
// Fashion-MNIST test set with it, and prints the accuracy and the vector widths this native binary really uses.
// Usage: NeuroCore.AotSmoke MODEL_DIR [--data-dir D] [--min-accuracy F]
// Exit codes: 0 pass, 1 accuracy below the floor, 2 bad usage or input (missing files, corrupt checkpoint).
using System.Diagnostics;
using System.Globalization;
using NeuroCore.Checkpoints;
using NeuroCore.Data;
using NeuroCore.Kernels;
using NeuroCore.Training;

Console.WriteLine($"ISA: {IsaInfo.Describe()}");
if (args.Length == 0 || args[0].StartsWith('-'))
{
    Console.Error.WriteLine("usage: NeuroCore.AotSmoke MODEL_DIR [--data-dir D] [--min-accuracy F]");
    Console.Error.WriteLine("  MODEL_DIR comes from: neurocore train ann --model mlp --epochs 1 --limit-train 10000 --out MODEL_DIR");
    return 2;
}

string modelDir = args[0];
string? dataDir = null;
double minAccuracy = 0.70;   // one MLP epoch on 10000 samples reaches about 0.78-0.80; chance is 0.10
for (int i = 1; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--data-dir" when i + 1 < args.Length:
            dataDir = args[++i];
            break;
        case "--min-accuracy" when i + 1 < args.Length
            && double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out double f) && f is >= 0 and <= 1:
            minAccuracy = f;
            i++;
            break;
        default:
            Console.Error.WriteLine($"error: unknown or incomplete argument '{args[i]}'");
            return 2;
    }
}

try
{
    var loaded = TrainedModel.Load(modelDir);
    var (_, test) = FashionMnist.Load(dataDir);
    var clock = Stopwatch.StartNew();
    var result = Trainer.Evaluate(loaded.Model, test, batchSize: 500, threads: Environment.ProcessorCount);
    double seconds = clock.Elapsed.TotalSeconds;
    Console.WriteLine($"model: {loaded.Description.Architecture} ({loaded.Store.Count} parameters), " +
                      $"{Path.GetFileName(loaded.CheckpointPath)} (epoch {loaded.State.Epoch})");
    Console.WriteLine($"accuracy: {result.Accuracy:F4} ({result.Correct}/{result.Count}) on {test.Name}, " +
                      $"loss {result.Loss:F4}, {seconds:F2} s");
    if (result.Accuracy < minAccuracy)
    {
        Console.Error.WriteLine($"FAIL: accuracy {result.Accuracy:F4} is below the floor {minAccuracy:F2}");
        return 1;
    }
    Console.WriteLine("PASS");
    return 0;
}
catch (Exception e) when (e is DatasetNotFoundException or IdxFormatException or CheckpointFormatException
                              or FileNotFoundException or DirectoryNotFoundException or InvalidOperationException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
