using Xunit;

namespace NeuroCore.Kernels.Tests;

/// <summary>Kernels run in the training step's inner loop, so none may allocate, validation included.</summary>
public class AllocationTests
{
    [Fact]
    public void EveryKernel_SteadyState_AllocatesNothing()
    {
        var x = new float[6 * 50];
        var y = new float[6 * 50];
        var z = new float[6 * 50];
        var m = new float[6 * 50];
        var ints = new int[300];
        var bits = new uint[300];
        Philox.Normal(1, 0, 0, x);
        Philox.Uniform(1, 1, 0, z);
        var gen = new PhiloxGenerator(1, 2);
        Action run = () =>
        {
            Elementwise.Map<TanhOp>(x, y);
            Elementwise.Zip<MulOp>(x, z, y);
            _ = Reduce.Sum(x) + Reduce.Max(x);
            Reduce.SumRows(x, 6, 50, y);
            Reduce.SumColumns(x, 6, 50, y);
            Reduce.ArgMaxRows(x, 6, 50, ints);
            Softmax.Forward(x, 6, 50, y);
            Softmax.Backward(y, z, 6, 50, m);
            Softmax.LogForward(x, 6, 50, y);
            Softmax.LogBackward(y, z, 6, 50, m);
            Conv.Im2Col(x, 3, 10, 10, 3, 3, 1, 1, 1, 1, stackalloc float[2700]);
            Conv.Col2Im(stackalloc float[2700], 3, 10, 10, 3, 3, 1, 1, 1, 1, y);
            Conv.Col2ImDestructive(stackalloc float[2700], 3, 10, 10, 3, 3, 1, 1, 1, 1, y);
            Pool.MaxForward(x, 3, 10, 10, 2, 2, 2, 2, 0, 0, m, ints);
            Pool.MaxBackward(m, ints, 3, 5, 5, 10, 10, y);
            Pool.AvgForward(x, 3, 10, 10, 3, 3, 1, 1, 1, 1, m);
            Pool.AvgBackward(m, 3, 10, 10, 3, 3, 1, 1, 1, 1, y);
            Optim.SgdMomentum(y, z, m, 0.1f, 0.9f, 0f, 1e-4f, true, false);
            Optim.Adam(y, z, m, x, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, 3);
            Optim.AdamW(y, z, m, x, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, 3);
            Philox.Bits(3, 4, 5, bits);
            Philox.Uniform(3, 4, 5, y);
            Philox.Normal(3, 4, 5, y);
            Philox.Bernoulli(3, 4, 5, z, y);
            _ = gen.NextUInt() + gen.NextFloat() + gen.NextNormal() + gen.NextInt(10);
        };
        LifTests.AssertSteadyStateAllocatesNothing(run, "kernels"); // the first round does the JIT and first-call work
    }
}
