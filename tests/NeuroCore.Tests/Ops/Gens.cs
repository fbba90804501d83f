using FsCheck;
using FsCheck.Fluent;

namespace NeuroCore.Tests.Ops;

/// <summary>A shape case for a property: the shapes and an RNG seed for the values (printed on failure, so replayable).</summary>
public sealed record ShapeCase(int[] A, int[] B, int Seed, int Extra = 0)
{
    /// <inheritdoc/>
    public override string ToString() => $"A [{string.Join(",", A)}], B [{string.Join(",", B)}], seed {Seed}, extra {Extra}";
}

/// <summary>FsCheck generators for op shapes (small, since each element costs two forwards in the gradient check).</summary>
internal static class Gens
{
    public static Gen<int> Seed => Gen.Choose(0, 1_000_000);

    public static Gen<int[]> Dims(int minRank, int maxRank, int maxDim) =>
        Gen.Choose(minRank, maxRank).SelectMany(r => Gen.ArrayOf(Gen.Choose(1, maxDim), r));

    /// <summary>Two shapes that broadcast: a common shape, each side with some axes set to 1 and some leading axes dropped (A may become a scalar).</summary>
    public static Arbitrary<ShapeCase> Broadcast =>
        (from dims in Dims(1, 4, 3)
         from maskA in Gen.ArrayOf(Gen.Choose(0, 3), dims.Length)
         from maskB in Gen.ArrayOf(Gen.Choose(0, 3), dims.Length)
         from dropA in Gen.Choose(0, dims.Length) // dropping every axis gives a rank-0 scalar
         from dropB in Gen.Choose(0, dims.Length - 1)
         from seed in Seed
         select new ShapeCase(Side(dims, maskA, dropA), Side(dims, maskB, dropB), seed)).ToArbitrary();

    static int[] Side(int[] dims, int[] mask, int drop) =>
        dims.Select((d, i) => mask[i] == 0 ? 1 : d).Skip(drop).ToArray();

    /// <summary>One shape (rank 1..4) and a seed; Extra is an axis in 0..rank−1.</summary>
    public static Arbitrary<ShapeCase> OneShape(int maxRank = 4, int maxDim = 4) =>
        (from dims in Dims(1, maxRank, maxDim)
         from axis in Gen.Choose(0, dims.Length - 1)
         from seed in Seed
         select new ShapeCase(dims, [], seed, axis)).ToArbitrary();

    /// <summary>Matrix product sizes m, k, n in A = [m, k] (Extra bits: transA, transB, batched) and B = [k, n].</summary>
    public static Arbitrary<ShapeCase> MatMul =>
        (from m in Gen.Choose(1, 5)
         from k in Gen.Choose(1, 5)
         from n in Gen.Choose(1, 5)
         from flags in Gen.Choose(0, 15)
         from seed in Seed
         select new ShapeCase([m, k], [k, n], seed, flags)).ToArbitrary();
}
