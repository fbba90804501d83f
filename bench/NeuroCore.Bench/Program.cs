using BenchmarkDotNet.Running;

// Runs the benchmarks chosen on the command line, e.g. `--filter *Gemm*`, or `--list flat`.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
