using NeuroCore.Autodiff;
using Xunit;

namespace NeuroCore.Tests.Tensors;

/// <summary>The tape's step arena and tensor recycling, and <see cref="Tensor.RequireGrad"/>.</summary>
public class TapeStorageTests
{
    [Fact]
    public void Arena_ReleaseAll_ReusesArraysBySizeClass()
    {
        var arena = new Arena<float>();
        var a = arena.Rent(100);
        var b = arena.Rent(1000);
        Assert.Equal(128, a.Length);
        Assert.Equal(1024, b.Length);
        Assert.Empty(arena.Rent(0));
        arena.ReleaseAll();
        Assert.Equal(0, arena.RentedLength);
        Assert.Same(b, arena.Rent(600));
        Assert.Same(a, arena.Rent(65));
        Assert.NotSame(a, arena.Rent(65)); // the one 128 array is in use: a second rent gets a new one
    }

    [Fact]
    public void Tape_Reset_RecyclesTensorObjectsAndStorage()
    {
        using var tape = new Tape();
        var first = tape.Allocate(new Shape(3, 4));
        var storage = first.Storage;
        tape.Reset();
        var second = tape.Allocate(new Shape(2, 6));
        Assert.Same(first, second);                 // the object is reused ...
        Assert.Same(storage, second.Storage);       // ... and so is the array of its size class
        Assert.Equal(new Shape(2, 6), second.Shape);
        Assert.Null(second.Grad);
        Assert.False(second.RequiresGrad);
    }

    [Fact]
    public void Tape_View_SharesStorageAndChecksSize()
    {
        using var tape = new Tape();
        using var x = Tensor.From([1f, 2, 3, 4, 5, 6], new Shape(2, 3));
        var v = tape.View(x, new Shape(3, 2));
        v.Span[0] = 9f;
        Assert.Equal(9f, x.Span[0]);
        Assert.Throws<ArgumentException>(() => tape.View(x, new Shape(4)));
    }

    [Fact]
    public void RequireGrad_AttachesZeroGradOnce()
    {
        using var x = Tensor.From([1f, 2f], new Shape(2));
        Assert.False(x.RequiresGrad);
        x.RequireGrad();
        var g = x.Grad;
        Assert.True(x.RequiresGrad);
        Assert.Equal([0f, 0f], g!.ToArray());
        x.RequireGrad();
        Assert.Same(g, x.Grad);
        x.Dispose();
        Assert.Throws<ObjectDisposedException>(() => g.Span.ToArray()); // the attached grad is released with it
    }

    [Fact]
    public void Linear_OneAndTwoThreads_BitwiseIdenticalGradients()
    {
        // Large enough (64·256·128 multiply-adds) that the GEMM really splits across threads.
        float[] Grads(int threads)
        {
            var store = new ParameterStore();
            var w = store.Add("w", new Shape(128, 256));
            var b = store.Add("b", new Shape(128));
            var r = new Random(5);
            foreach (ref float v in store.Values) v = (float)(r.NextDouble() - 0.5);
            using var x = Autodiff.GradCheck.Random(new Random(6), new Shape(64, 256));
            var labels = Enumerable.Range(0, 64).Select(i => i % 128).ToArray();
            using var tape = new Tape(threads: threads);
            tape.Backward(NeuroCore.Ops.CrossEntropy(tape, NeuroCore.Ops.Tanh(tape, NeuroCore.Ops.Linear(tape, x, w, b)), labels));
            return store.Grads.ToArray();
        }
        Assert.Equal(Grads(1), Grads(2));
    }
}
