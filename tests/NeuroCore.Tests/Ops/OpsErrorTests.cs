using NeuroCore.Autodiff;
using Xunit;

namespace NeuroCore.Tests.Ops;

/// <summary>Bad input fails with a message naming the op, the shapes involved and what was expected.</summary>
public class OpsErrorTests
{
    static Tensor Z(params int[] dims) => Tensor.Zeros(new Shape(dims));

    [Fact]
    public void Add_IncompatibleShapes_NamesOpAndBothShapes()
    {
        using var tape = new Tape();
        var ex = Assert.Throws<ArgumentException>(() => NeuroCore.Ops.Add(tape, Z(2, 3), Z(4, 3)));
        Assert.Contains("Ops.Add", ex.Message);
        Assert.Contains("[2, 3]", ex.Message);
        Assert.Contains("[4, 3]", ex.Message);
    }

    [Fact]
    public void MatMul_InnerDimensionMismatch_NamesBothShapes()
    {
        using var tape = new Tape();
        var ex = Assert.Throws<ArgumentException>(() => NeuroCore.Ops.MatMul(tape, Z(2, 3), Z(4, 5)));
        Assert.Contains("Ops.MatMul", ex.Message);
        Assert.Contains("[2, 3]", ex.Message);
        Assert.Contains("[4, 5]", ex.Message);
    }

    [Fact]
    public void Linear_WeightMismatch_NamesInputAndWeight()
    {
        using var tape = new Tape();
        var ex = Assert.Throws<ArgumentException>(() => NeuroCore.Ops.Linear(tape, Z(8, 784), Z(10, 512)));
        Assert.Contains("Ops.Linear", ex.Message);
        Assert.Contains("[8, 784]", ex.Message);
        Assert.Contains("[10, 512]", ex.Message);
        var bias = Assert.Throws<ArgumentException>(() => NeuroCore.Ops.Linear(tape, Z(8, 4), Z(10, 4), Z(9)));
        Assert.Contains("[9]", bias.Message);
    }

    [Fact]
    public void CrossEntropy_LabelOutOfRange_NamesIndexAndClassCount()
    {
        using var tape = new Tape();
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => NeuroCore.Ops.CrossEntropy(tape, Z(3, 10), [1, 10, 2]));
        Assert.Contains("label 10 at index 1", ex.Message);
        Assert.Contains("10 classes", ex.Message);
        var count = Assert.Throws<ArgumentException>(() => NeuroCore.Ops.CrossEntropy(tape, Z(3, 10), [1, 2]));
        Assert.Contains("[3, 10]", count.Message);
    }

    [Fact]
    public void ShapeOps_BadArguments_Explain()
    {
        using var tape = new Tape();
        Assert.Contains("[2, 3]", Assert.Throws<ArgumentException>(() => NeuroCore.Ops.Mse(tape, Z(2, 3), Z(3, 2))).Message);
        Assert.Contains("7 elements", Assert.Throws<ArgumentException>(() => NeuroCore.Ops.Reshape(tape, Z(2, 3), new Shape(7))).Message);
        Assert.Contains("axis 1 (size 3)", Assert.Throws<ArgumentOutOfRangeException>(() => NeuroCore.Ops.Slice(tape, Z(2, 3), 1, 2, 2)).Message);
        Assert.Contains("[2, 4]", Assert.Throws<ArgumentException>(() => NeuroCore.Ops.Concat(tape, [Z(2, 3), Z(2, 4)], 0)).Message);
        Assert.Contains("[2, 3]", Assert.Throws<ArgumentException>(() => NeuroCore.Ops.KlDivergence(tape, Z(2, 3), Z(2, 4), 1f)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => NeuroCore.Ops.KlDivergence(tape, Z(2, 3), Z(2, 3), 0f));
    }
}
