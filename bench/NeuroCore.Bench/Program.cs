using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using NeuroCore.Bench.Kernels;

// Runs the benchmarks chosen on the command line, e.g. `--filter *Gemm*`, or `--list flat`.
// `--ci-dry` (CI): every benchmark of every class once, BenchmarkDotNet's Dry job in this process (no build per
// benchmark), each class's own jobs and columns ignored; exit code 1 if any benchmark failed or did not validate.
if (args is ["--ci-dry", .. var rest])
{
    GflopsConfig.CiDry = true;
    var config = DefaultConfig.Instance
        .AddJob(Job.Dry.WithToolchain(InProcessEmitToolchain.Instance))
        .WithUnionRule(ConfigUnionRule.AlwaysUseGlobal)
        .WithOptions(ConfigOptions.DisableLogFile);
    var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(["--filter", "*", .. rest], config);
    int cases = summaries.Sum(s => s.BenchmarksCases.Length);
    int failed = summaries.Sum(s => s.Reports.Count(r => !r.Success) + (s.HasCriticalValidationErrors ? 1 : 0));
    Console.WriteLine($"benchmark dry run: {cases} benchmarks, {failed} failed");
    return failed == 0 && cases > 0 ? 0 : 1;
}
if (args is ["--esl-step", .. var timerArgs]) return NeuroCore.Bench.Training.EslStepTimer.Run(timerArgs);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
