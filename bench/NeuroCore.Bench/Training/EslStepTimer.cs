using System.Diagnostics;
using System.Globalization;
using NeuroCore.Autodiff;
using NeuroCore.Nn;
using NeuroCore.Snn;

namespace NeuroCore.Bench.Training;

/// <summary>
/// A timed A/B harness for a shared machine: the ESL conv network's training step (<see cref="EslConvStepBench"/>'s
/// setup: dense, masked 10 %, CSR 10 %) and its conv2 layer alone (16→32, 3×3, padding 1, on [T·B = 256, 16, 16, 16]
/// spikes, forward + backward to the input and weights: <see cref="Ops.Conv2d"/> with the dense weight against
/// <see cref="SparseConv2d"/> at 10 %), the variants alternated round by round in one process. Each measurement is
/// the process CPU time of a few steps at one thread, so time taken by other processes does not count. Prints the
/// median CPU milliseconds per step of each variant and its ratio to dense; also the two convolutions' forward alone
/// and the im2col of the 256 images alone (which both pay), and the tape arena of a step.
/// Run: <c>dotnet bin/Release/net10.0/NeuroCore.Bench.dll --esl-step [rounds] [steps] [name filter]</c>.
/// </summary>
public static class EslStepTimer
{
    /// <summary>Runs the harness; returns the exit code.</summary>
    public static int Run(string[] args)
    {
        int rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        int steps = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        string only = args.Length > 2 ? args[2] : "";
        string[] arms = ["dense", "masked", "csr"];
        var nets = arms.Select(a => new EslConvStepBench { Arm = a }).ToArray();
        foreach (var n in nets) n.Setup();
        using var layers = new Conv2Pair();
        var times = new Dictionary<string, List<double>>();
        void Time(string name, Action step)
        {
            if (!name.Contains(only, StringComparison.Ordinal)) return;
            step();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            for (int i = 0; i < steps; i++) step();
            double ms = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / steps;
            (times.TryGetValue(name, out var l) ? l : times[name] = []).Add(ms);
        }
        for (int r = 0; r < rounds; r++)
        {
            for (int a = 0; a < arms.Length; a++)
            {
                var net = nets[a];
                Time("step " + arms[a], () => net.Step());
            }
            Time("conv2 dense", layers.Dense);
            Time("conv2 csr", layers.Sparse);
            Time("conv2 dense forward", layers.DenseForward);
            Time("conv2 csr forward", layers.SparseForward);
            Time("conv2 im2col", layers.Unfold);
        }
        double Median(string name)
        {
            var l = times[name].Order().ToList();
            return l[l.Count / 2];
        }
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"rounds {rounds} × {steps} steps, process CPU ms per step (median; min–max):"));
        foreach (var name in times.Keys)
        {
            string baseline = name.StartsWith("step", StringComparison.Ordinal) ? "step dense" : name.EndsWith("forward", StringComparison.Ordinal) ? "conv2 dense forward" : "conv2 dense";
            string ratio = times.ContainsKey(baseline) ? string.Create(c, $"  ratio to dense {Median(name) / Median(baseline):F2}") : "";
            Console.WriteLine(string.Create(c, $"  {name,-12} {Median(name),8:F1} ({times[name].Min(),6:F1}–{times[name].Max(),6:F1}){ratio}"));
        }
        foreach (var n in nets) n.Dispose();
        return 0;
    }

    /// <summary>conv2 of the ESL conv net alone: dense conv vs CSR conv at 10 %, forward and backward.</summary>
    sealed class Conv2Pair : IDisposable
    {
        const int Images = 256, In = 16, Out = 32, Size = 16;
        readonly ParameterStore _store = new();
        readonly SparseConv2d _sparse;
        readonly Tensor _weight, _bias, _x;
        readonly float[] _dy;
        readonly Tape _tape = new(recording: true, threads: 1);
        readonly Tape _eval = new(recording: false, threads: 1);
        readonly float[] _cols = new float[In * 9 * Size * Size];

        public Conv2Pair()
        {
            _sparse = new SparseConv2d(_store, "conv2", In, Out, 3, 0.1, 1, 1, 1);
            _weight = _store.Add("dense.weight", new Shape(Out, In, 3, 3));
            _sparse.ToDense().CopyTo(_weight.Span);
            _bias = _store.Add("dense.bias", new Shape(Out));
            var rng = new Random(5);
            var x = new float[Images * In * Size * Size];
            for (int i = 0; i < x.Length; i++) x[i] = rng.NextDouble() < 0.15 ? 1f : 0f;
            _x = Tensor.From(x, new Shape(Images, In, Size, Size)).RequireGrad();
            _dy = new float[Images * Out * Size * Size];
            for (int i = 0; i < _dy.Length; i++) _dy[i] = (float)(rng.NextDouble() - 0.5);
        }

        public void Dense()
        {
            var y = Ops.Conv2d(_tape, _x, _weight, _bias, 1, 1);
            _tape.Backward(y, _dy);
            _tape.Reset();
        }

        public void Sparse()
        {
            var y = _sparse.Forward(_tape, _x);
            _tape.Backward(y, _dy);
            _tape.Reset();
        }

        public void DenseForward()
        {
            _ = Ops.Conv2d(_eval, _x, _weight, _bias, 1, 1);
            _eval.Reset();
        }

        public void SparseForward()
        {
            _ = _sparse.Forward(_eval, _x);
            _eval.Reset();
        }

        /// <summary>Im2Col of every image alone: the lowering both convolutions pay.</summary>
        public void Unfold()
        {
            var xs = _x.Span;
            int image = In * Size * Size;
            for (int b = 0; b < Images; b++)
                NeuroCore.Kernels.Conv.Im2Col(xs.Slice(b * image, image), In, Size, Size, 3, 3, 1, 1, 1, 1, _cols);
        }

        public void Dispose()
        {
            _eval.Dispose();
            _tape.Dispose();
            _x.Dispose();
        }
    }
}
