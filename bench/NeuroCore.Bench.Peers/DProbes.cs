using TorchSharp;
using static TorchSharp.torch;

namespace NeuroCore.Bench.Peers;

/// <summary>
/// D1-D3 of WORKLOADS.md: TorchSharp's fixed cost per op on 1-element tensors, where the arithmetic is nothing and
/// everything measured is dispatch (P/Invoke, ATen dispatcher, allocation of the result and its managed wrapper,
/// autograd bookkeeping). The rate is ops per second, so µs per op = 1e6 / rate.
/// <list type="bullet">
/// <item><c>d1_inplace_op</c>: <c>a.mul_(one)</c> with the Scalar created beforehand, per call.</item>
/// <item><c>d2_alloc_op</c>: <c>c = a + b</c> inside a DisposeScope (one scope per <see cref="Batch"/> ops, so the
/// disposal of the results is counted too), per op.</item>
/// <item><c>d3_autograd_op</c>: a chain of 100 recorded ops (<c>y = y*1 + 1</c>, 50 times) on a 1-element leaf, then
/// <c>backward()</c> and <c>grad.zero_()</c>, per op, forward and backward together.</item>
/// </list>
/// </summary>
internal static class DProbes
{
    /// <summary>Ops per timed call of D1 and D2 (the harness's calibration repeats the call as needed).</summary>
    const int Batch = 100;

    public static List<Figure> Run(int threads, int reps, Dictionary<string, string> checks)
    {
        using var a = torch.ones(1);
        using var b = torch.ones(1);
        using var one = 1f.ToScalar();
        using var leaf = torch.ones(1, requires_grad: true);

        void D1()
        {
            for (int i = 0; i < Batch; i++) a.mul_(one);
        }
        void D2()
        {
            using var scope = torch.NewDisposeScope();
            for (int i = 0; i < Batch; i++) _ = a + b;
        }
        void D3()
        {
            using var scope = torch.NewDisposeScope();
            var y = leaf;
            for (int i = 0; i < 50; i++) y = y.mul(one).add(one);
            y.backward();
            leaf.grad!.zero_();
        }

        // Result checks: a stays 1 under mul_(1); 1 + 1 = 2; the chain is y = x + 50 with dy/dx = 1.
        D1();
        using (var sum = a + b)
            if (a.item<float>() != 1f || sum.item<float>() != 2f)
                throw new InvalidOperationException($"D1/D2: a = {a.item<float>()}, a + b = {sum.item<float>()}; expected 1 and 2.");
        using (torch.NewDisposeScope())
        {
            var y = leaf;
            for (int i = 0; i < 50; i++) y = y.mul(one).add(one);
            y.backward();
            float value = y.item<float>(), grad = leaf.grad!.item<float>();
            leaf.grad!.zero_();
            if (value != 51f || grad != 1f)
                throw new InvalidOperationException($"D3: y = {value}, dy/dx = {grad}; expected 51 and 1.");
            checks[$"d t={threads}"] = $"D1 a = 1 after mul_(1); D2 1 + 1 = 2; D3 y = {value}, dy/dx = {grad} (100 recorded ops)";
        }

        var figures = new List<Figure>();
        figures.AddRange(Harness.Measure("d1_inplace_op", threads, Batch / 1e6, "Mop", [new("torchsharp", "mul_", D1)], reps, 0.05));
        figures.AddRange(Harness.Measure("d2_alloc_op", threads, Batch / 1e6, "Mop", [new("torchsharp", "add", D2)], reps, 0.05));
        figures.AddRange(Harness.Measure("d3_autograd_op", threads, 100 / 1e6, "Mop", [new("torchsharp", "chain100+backward", D3)], reps, 0.05));
        return figures;
    }
}
