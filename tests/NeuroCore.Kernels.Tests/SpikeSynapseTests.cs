using FsCheck.Xunit;
using Xunit;
using Xunit.Abstractions;

namespace NeuroCore.Kernels.Tests;

/// <summary>
/// The spike-driven synapse against its scalar twins (bitwise: same summation order) and against the dense products it
/// replaces. Each run exercises the widest width the process accelerates; the suite is run again with the ISA knobs
/// off (kernel README), and the first test logs the widths actually in use.
/// </summary>
public class SpikeSynapseTests(ITestOutputHelper output)
{
    /// <summary>Random 0/1 spikes [rows, cols] at the given density, with −0 (not an event) sprinkled in the zeros.</summary>
    static float[] Spikes(Random rng, int rows, int cols, double density)
    {
        var x = new float[rows * cols];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextDouble() < density ? 1f : rng.Next(8) == 0 ? -0f : 0f;
        return x;
    }

    /// <summary>A random, valid CSR event list over [0, inFeatures): any order, repeats allowed, rowStart[0] may be &gt; 0.</summary>
    static (int[] RowStart, int[] Indices) Events(Random rng, int rows, int inFeatures, int maxPerRow)
    {
        var rowStart = new int[rows + 1];
        var indices = new List<int>();
        int lead = rng.Next(3);
        for (int i = 0; i < lead; i++) indices.Add(-1); // entries before rowStart[0] are never read
        rowStart[0] = lead;
        for (int r = 0; r < rows; r++)
        {
            int count = inFeatures == 0 ? 0 : rng.Next(maxPerRow + 1);
            for (int k = 0; k < count; k++) indices.Add(rng.Next(inFeatures));
            rowStart[r + 1] = indices.Count;
        }
        indices.Add(-7); // nor entries after rowStart[rows]
        return (rowStart, indices.ToArray());
    }

    /// <summary>Output widths: every tail 0..257 at every vector width and block, plus a few multi-block ones.</summary>
    static IEnumerable<int> OutWidths()
    {
        for (int n = 0; n <= 257; n++) yield return n;
        yield return 512;
        yield return 1031;
    }

    [Fact]
    public void Isa_LogsWidthsInUse()
    {
        output.WriteLine($"ISA: {IsaInfo.Describe()}");
        Assert.Equal(3, SpikeSynapse.CountEvents([1f, 0f, -0f, float.NaN, 2f]));
    }

    [Property(MaxTest = 4)]
    public void CountEvents_EveryLength_MatchesReference(int seed)
    {
        var rng = new Random(seed);
        foreach (int n in TestData.Lengths())
        {
            float[] x = Spikes(rng, 1, n, rng.NextDouble());
            if (n > 0 && rng.Next(2) == 0) x[rng.Next(n)] = float.NaN;
            Assert.Equal(Reference.SpikeSynapseCountEvents(x), SpikeSynapse.CountEvents(x));
        }
    }

    [Property(MaxTest = 4)]
    public void Compact_EveryShape_MatchesReference(int seed)
    {
        var rng = new Random(seed);
        foreach (int cols in TestData.Lengths())
        {
            if (cols > 1100) continue;
            int rows = rng.Next(0, 5);
            float[] x = Spikes(rng, rows, cols, rng.NextDouble());
            int nnz = Reference.SpikeSynapseCountEvents(x);
            var rsE = new int[rows + 1];
            var ixE = new int[nnz];
            var rsA = new int[rows + 1];
            // Exactly nnz half the time (the row-by-row capacity check), roomy otherwise.
            var ixA = new int[rng.Next(2) == 0 ? nnz : rows * cols + 3];
            Assert.Equal(nnz, Reference.SpikeSynapseCompact(x, rows, cols, rsE, ixE));
            Assert.Equal(nnz, SpikeSynapse.Compact(x, rows, cols, rsA, ixA));
            Assert.Equal(rsE, rsA);
            Assert.Equal(ixE, ixA.AsSpan(0, nnz).ToArray());
        }
    }

    [Fact]
    public void Compact_IndicesTooShort_ThrowsNamingTheEventCount()
    {
        float[] x = [1, 0, 1, 1, /**/ 0, 0, 0, 0, /**/ 1, 1, 1, 1];
        var ex = Assert.Throws<ArgumentException>(() => SpikeSynapse.Compact(x, 3, 4, new int[4], new int[6]));
        Assert.Contains("SpikeSynapse.Compact", ex.Message, StringComparison.Ordinal);
        Assert.Contains("holds 6", ex.Message, StringComparison.Ordinal);
        Assert.Contains("have 7 events", ex.Message, StringComparison.Ordinal);
        Assert.Contains("CountEvents", ex.Message, StringComparison.Ordinal);
        Assert.Equal(7, SpikeSynapse.Compact(x, 3, 4, new int[4], new int[7]));
    }

    [Property(MaxTest = 3)]
    public void Forward_EveryOutWidth_MatchesReferenceBitwise(int seed)
    {
        var rng = new Random(seed);
        foreach (int outF in OutWidths())
        {
            int rows = rng.Next(0, 5), inF = rng.Next(0, 30);
            (int[] rs, int[] ix) = Events(rng, rows, inF, 12);
            float[] w = TestData.Random(rng, inF * outF + rng.Next(3), 2f, specials: rng.Next(4) == 0);
            float[] b = rng.Next(2) == 0 ? [] : TestData.Random(rng, outF, 1f);
            float[] yE = TestData.Random(rng, rows * outF), yA = TestData.Random(rng, rows * outF); // overwritten
            Reference.SpikeSynapseForward(rs, ix, rows, w, outF, b, yE);
            SpikeSynapse.Forward(rs, ix, rows, w, outF, b, yA);
            TestData.AssertBitwise(yE, yA, $"out={outF} rows={rows} in={inF} bias={b.Length > 0} seed={seed}");
        }
    }

    [Property(MaxTest = 3)]
    public void WeightGrad_EveryOutWidth_MatchesReferenceBitwise(int seed)
    {
        var rng = new Random(seed);
        foreach (int outF in OutWidths())
        {
            int rows = rng.Next(0, 5), inF = rng.Next(0, 30);
            (int[] rs, int[] ix) = Events(rng, rows, inF, 12);
            float[] g = TestData.Random(rng, rows * outF, 2f, specials: rng.Next(4) == 0);
            float[] gwE = TestData.Random(rng, inF * outF + rng.Next(3), 1f), gwA = (float[])gwE.Clone(); // added to
            Reference.SpikeSynapseWeightGrad(rs, ix, rows, g, outF, gwE);
            SpikeSynapse.WeightGrad(rs, ix, rows, g, outF, gwA);
            TestData.AssertBitwise(gwE, gwA, $"out={outF} rows={rows} in={inF} seed={seed}");
        }
    }

    /// <summary>A 0/1 input compacted by <see cref="SpikeSynapse.Compact"/>, with its dense form for the GEMM oracle.</summary>
    sealed class Layer
    {
        public int Rows, In, Out;
        public float[] X = [], W = [], Bias = [], G = [];
        public int[] RowStart = [], Indices = [];

        public static Layer Create(Random rng, int rows, int inF, int outF, double density)
        {
            var l = new Layer { Rows = rows, In = inF, Out = outF, X = Spikes(rng, rows, inF, density) };
            l.W = TestData.Random(rng, inF * outF, 1f);
            l.Bias = TestData.Random(rng, outF, 1f);
            l.G = TestData.Random(rng, rows * outF, 1f);
            l.RowStart = new int[rows + 1];
            l.Indices = new int[SpikeSynapse.CountEvents(l.X)];
            SpikeSynapse.Compact(l.X, rows, inF, l.RowStart, l.Indices);
            return l;
        }

        public float[] Forward(int threads, long parallelThreshold = 0)
        {
            var y = new float[Rows * Out];
            SpikeSynapse.Forward(RowStart, Indices, Rows, W, Out, Bias, y, threads, parallelThreshold);
            return y;
        }

        public float[] WeightGrad(float[] initial, int threads, long parallelThreshold = 0)
        {
            var gw = (float[])initial.Clone();
            SpikeSynapse.WeightGrad(RowStart, Indices, Rows, G, Out, gw, threads, parallelThreshold);
            return gw;
        }
    }

    [Property(MaxTest = 6)]
    public void Forward_RandomSpikes_MatchesDenseGemm(int seed)
    {
        var rng = new Random(seed);
        var l = Layer.Create(rng, rng.Next(1, 70), rng.Next(1, 300), rng.Next(1, 200), rng.NextDouble());
        var dense = new float[l.Rows * l.Out];
        for (int r = 0; r < l.Rows; r++) l.Bias.CopyTo(dense, r * l.Out);
        Gemm.Sgemm(false, false, l.Rows, l.Out, l.In, 1f, l.X, l.In, l.W, l.Out, 1f, dense, l.Out);
        TestData.AssertClose(dense, l.Forward(1), 1e-5, 1e-4, $"[{l.Rows}, {l.In}] -> {l.Out} seed={seed}");
    }

    [Property(MaxTest = 6)]
    public void WeightGrad_RandomSpikes_MatchesDenseXtG(int seed)
    {
        var rng = new Random(seed);
        var l = Layer.Create(rng, rng.Next(1, 70), rng.Next(1, 300), rng.Next(1, 200), rng.NextDouble());
        float[] initial = TestData.Random(rng, l.In * l.Out, 1f);
        var dense = (float[])initial.Clone();
        Gemm.Sgemm(true, false, l.In, l.Out, l.Rows, 1f, l.X, l.In, l.G, l.Out, 1f, dense, l.Out);
        TestData.AssertClose(dense, l.WeightGrad(initial, 1), 1e-5, 1e-4, $"[{l.Rows}, {l.In}] -> {l.Out} seed={seed}");
    }

    [Property(MaxTest = 4)]
    public void Threads_OneTwoThree_BitwiseEqual(int seed)
    {
        var rng = new Random(seed);
        var l = Layer.Create(rng, rng.Next(1, 40), rng.Next(1, 100), rng.Next(1, 300), 0.3);
        float[] initial = TestData.Random(rng, l.In * l.Out, 1f);
        float[] y1 = l.Forward(1), g1 = l.WeightGrad(initial, 1);
        foreach (int threads in new[] { 2, 3 })
        {
            TestData.AssertBitwise(y1, l.Forward(threads), $"Forward threads={threads} seed={seed}");
            TestData.AssertBitwise(g1, l.WeightGrad(initial, threads), $"WeightGrad threads={threads} seed={seed}");
        }
        // The public overloads (default work threshold) agree too.
        var y = new float[l.Rows * l.Out];
        SpikeSynapse.Forward(l.RowStart, l.Indices, l.Rows, l.W, l.Out, l.Bias, y, threads: 2);
        TestData.AssertBitwise(y1, y, $"Forward public threads=2 seed={seed}");
    }

    [Fact]
    public void AllKernels_SteadyState_AllocateNothing()
    {
        var rng = new Random(5);
        var l = Layer.Create(rng, 64, 200, 130, 0.2);
        var y = new float[l.Rows * l.Out];
        var gw = new float[l.In * l.Out];
        void Run()
        {
            _ = SpikeSynapse.CountEvents(l.X);
            SpikeSynapse.Compact(l.X, l.Rows, l.In, l.RowStart, l.Indices);
            SpikeSynapse.Forward(l.RowStart, l.Indices, l.Rows, l.W, l.Out, l.Bias, y, 1, 0);
            SpikeSynapse.Forward(l.RowStart, l.Indices, l.Rows, l.W, l.Out, l.Bias, y, 2, 0);
            SpikeSynapse.WeightGrad(l.RowStart, l.Indices, l.Rows, l.G, l.Out, gw, 1, 0);
            SpikeSynapse.WeightGrad(l.RowStart, l.Indices, l.Rows, l.G, l.Out, gw, 2, 0);
        }
        LifTests.AssertSteadyStateAllocatesNothing(Run, "SpikeSynapse kernels"); // the first round JITs and starts the workers
    }

    static void AssertMessage(Action call, params string[] parts)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(call);
        foreach (string part in parts) Assert.Contains(part, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadInput_ThrowsNamingTheKernelAndShapes()
    {
        float[] w = new float[4 * 3], y = new float[2 * 3], b = new float[3];
        int[] rs = [0, 2, 3], ix = [0, 3, 1];
        SpikeSynapse.Forward(rs, ix, 2, w, 3, b, y); // valid
        SpikeSynapse.WeightGrad(rs, ix, 2, y, 3, w); // valid

        AssertMessage(() => SpikeSynapse.Compact(new float[5], 2, 3, new int[3], new int[6]), "SpikeSynapse.Compact", "[2, 3]", "5");
        AssertMessage(() => SpikeSynapse.Compact(new float[6], 2, 3, new int[2], new int[6]), "rowStart", "rows + 1 = 3");
        AssertMessage(() => SpikeSynapse.Compact(new float[6], -1, 3, new int[2], new int[6]), "non-negative", "[-1, 3]");

        AssertMessage(() => SpikeSynapse.Forward(rs, ix, 2, w, 3, b, new float[5]), "SpikeSynapse.Forward", "[rows, out] = [2, 3]");
        AssertMessage(() => SpikeSynapse.Forward(rs, ix, 2, w, 3, new float[2], y), "bias holds 2", "3 features");
        AssertMessage(() => SpikeSynapse.Forward([0, 2], ix, 2, w, 3, b, y), "rowStart holds 2", "rows + 1 = 3");
        AssertMessage(() => SpikeSynapse.Forward([0, 2, 1], ix, 2, w, 3, b, y), "decreases at row 1");
        AssertMessage(() => SpikeSynapse.Forward([0, 2, 4], ix, 2, w, 3, b, y), "4 events", "indices holds 3");
        AssertMessage(() => SpikeSynapse.Forward(rs, [0, 4, 1], 2, w, 3, b, y), "event index 4", "4 input features");
        AssertMessage(() => SpikeSynapse.Forward(rs, [0, -1, 1], 2, w, 3, b, y), "event index -1");
        AssertMessage(() => SpikeSynapse.Forward(rs, ix, 2, w, 3, b, y, threads: 0), "threads", "got 0");
        AssertMessage(() => SpikeSynapse.Forward(rs, ix, 2, w, 3, b, w.AsSpan(1, 6)), "overlaps");
        AssertMessage(() => SpikeSynapse.Forward(rs, ix, -2, w, 3, b, y), "rows = -2");

        AssertMessage(() => SpikeSynapse.WeightGrad(rs, ix, 2, new float[5], 3, w), "SpikeSynapse.WeightGrad", "[rows, out] = [2, 3]");
        AssertMessage(() => SpikeSynapse.WeightGrad(rs, ix, 2, y, 3, new float[9]), "event index 3", "3 input features");
        AssertMessage(() => SpikeSynapse.WeightGrad(rs, ix, 2, w.AsSpan(0, 6), 3, w), "overlaps");
        AssertMessage(() => SpikeSynapse.WeightGrad(rs, ix, 2, y, 3, w, threads: 1000), "threads", "got 1000");
    }
}
