using FsCheck.Xunit;
using Xunit;

namespace NeuroCore.Kernels.Tests;

/// <summary>
/// The sparse (CSR/CSC) synapse kernels against their scalar twins (bitwise: same summation order) and against a dense
/// masked reference in float64 (W ⊙ M as a dense matrix). Each run exercises the widest width the process accelerates;
/// CI reruns the suite with the ISA knobs off.
/// </summary>
public class CsrTests
{
    /// <summary>
    /// A random pattern [rows, cols] with slots not in row-major order (an ER draw, then a few slots moved), and
    /// random values by slot.
    /// </summary>
    internal static (CsrPattern P, float[] V) RandomPattern(Random rng, int rows, int cols)
    {
        double density = rng.Next(4) switch { 0 => 0.05, 1 => 0.2, 2 => 0.6, _ => 1.0 };
        var p = CsrPattern.ErdosRenyi(rows, cols, density, (ulong)rng.Next());
        int free = rows * cols - p.Nnz;
        int moves = Math.Min(free, rng.Next(4));
        if (moves > 0)
        {
            var slots = new List<int>();
            var rr = new List<int>();
            var cc = new List<int>();
            var taken = new HashSet<int>();
            for (int q = 0; q < rows * cols && slots.Count < moves; q += 1 + rng.Next(3))
            {
                if (p.Contains(q / cols, q % cols) || !taken.Add(q)) continue;
                int s = rng.Next(p.Nnz);
                if (slots.Contains(s)) continue;
                slots.Add(s);
                rr.Add(q / cols);
                cc.Add(q % cols);
            }
            p.Reassign(slots.ToArray(), rr.ToArray(), cc.ToArray());
        }
        return (p, TestData.Random(rng, p.Nnz, 2f));
    }

    /// <summary>Dense W ⊙ M [rows, cols] in float64.</summary>
    internal static double[] Dense(CsrPattern p, float[] v)
    {
        var w = new double[p.Rows * p.Columns];
        for (int s = 0; s < p.Nnz; s++) w[p.SlotRow[s] * p.Columns + p.SlotColumn[s]] = v[s];
        return w;
    }

    static void AssertNear(double[] expected, float[] actual, double tol, string context)
    {
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * (1 + Math.Abs(expected[i])), $"{context}: [{i}] = {actual[i]:R}, expected {expected[i]:R}");
    }

    internal static float[] Spikes(Random rng, int n, double density)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = rng.NextDouble() < density ? 1f : rng.Next(8) == 0 ? -0f : 0f;
        return x;
    }

    /// <summary>The vector dimension of each kernel: every tail 0..257 plus multi-block sizes.</summary>
    static IEnumerable<int> Widths()
    {
        for (int n = 0; n <= 257; n++) yield return n;
        yield return 512;
        yield return 1031;
    }

    [Property(MaxTest = 3)]
    public void Multiply_EveryWidth_MatchesReferenceBitwise_AndDenseMasked(int seed)
    {
        var rng = new Random(seed);
        foreach (int n in Widths())
        {
            int rows = rng.Next(1, 7), cols = rng.Next(1, 10);
            var (p, v) = RandomPattern(rng, rows, cols);
            var w = Dense(p, v);
            foreach (bool transposed in new[] { false, true })
            {
                int inner = transposed ? rows : cols, outer = transposed ? cols : rows;
                float[] x = TestData.Random(rng, inner * n + rng.Next(3));
                float[] b = transposed || rng.Next(2) == 0 ? [] : TestData.Random(rng, outer, 1f);
                float[] yE = TestData.Random(rng, outer * n), yA = TestData.Random(rng, outer * n);
                Reference.CsrMultiply(p, v, transposed, x, n, b, yE);
                Csr.Multiply(p, v, transposed, x, n, b, yA, rng.Next(1, 4), 0);
                TestData.AssertBitwise(yE, yA, $"n={n} [{rows},{cols}] nnz={p.Nnz} T={transposed} seed={seed}");
                var d = new double[outer * n];
                for (int o = 0; o < outer; o++)
                    for (int j = 0; j < n; j++)
                    {
                        double acc = b.Length > 0 ? b[o] : 0;
                        for (int i = 0; i < inner; i++) acc += (transposed ? w[i * cols + o] : w[o * cols + i]) * x[i * n + j];
                        d[o * n + j] = acc;
                    }
                AssertNear(d, yA, 1e-5, $"dense masked n={n} T={transposed}");
            }
        }
    }

    [Property(MaxTest = 3)]
    public void ForwardEvents_EveryInputWidth_ListFloatPacked_MatchReferenceBitwise(int seed)
    {
        var rng = new Random(seed);
        foreach (int inF in Widths())
        {
            if (inF == 0) continue; // a pattern has at least one column
            int rows = rng.Next(0, 4), outF = rng.Next(1, 20);
            var (p, v) = RandomPattern(rng, outF, inF);
            float[] x = Spikes(rng, rows * inF, rng.NextDouble() * 0.5);
            float[] b = rng.Next(2) == 0 ? [] : TestData.Random(rng, outF, 1f);
            var start = new int[rows + 1];
            var index = new int[rows * inF];
            int events = SpikeSynapse.Compact(x, rows, inF, start, index);
            float[] yE = TestData.Random(rng, rows * outF), yL = TestData.Random(rng, rows * outF);
            float[] yF = TestData.Random(rng, rows * outF), yP = TestData.Random(rng, rows * outF);
            Reference.CsrForwardEvents(p, v, start, index, rows, b, yE);
            int threads = rng.Next(1, 4);
            Csr.ForwardEvents(p, v, start, index.AsSpan(0, events), rows, b, yL, threads);
            Csr.ForwardEvents(p, v, x, rows, b, yF, threads);
            var bits = new ulong[rows * SpikeSynapse.PackedWords(inF)];
            SpikeSynapse.Pack(x, rows, inF, bits);
            int words = SpikeSynapse.PackedWords(inF);
            ulong padding = (inF & 63) == 0 ? 0 : ~((1UL << (inF & 63)) - 1);
            for (int r = 0; r < rows; r++) bits[r * words + words - 1] |= padding; // padding bits set: must be ignored
            Csr.ForwardEvents(p, v, bits, rows, b, yP, threads);
            string ctx = $"in={inF} rows={rows} out={outF} seed={seed}";
            TestData.AssertBitwise(yE, yL, "list " + ctx);
            TestData.AssertBitwise(yE, yF, "float " + ctx);
            TestData.AssertBitwise(yE, yP, "packed " + ctx);
            var w = Dense(p, v);
            var d = new double[rows * outF];
            for (int r = 0; r < rows; r++)
                for (int o = 0; o < outF; o++)
                {
                    double acc = b.Length > 0 ? b[o] : 0;
                    for (int i = 0; i < inF; i++) acc += w[o * inF + i] * (x[r * inF + i] != 0 ? 1 : 0);
                    d[r * outF + o] = acc;
                }
            AssertNear(d, yL, 1e-5, "dense masked " + ctx);
        }
    }

    [Property(MaxTest = 3)]
    public void WeightGrad_EveryWidth_MatchesReferenceBitwise_AndDenseMasked(int seed)
    {
        var rng = new Random(seed);
        foreach (int n in Widths())
        {
            // Up to 40 columns, so a row holds 8+ connections (the grouped 512-bit path) as well as a few (one at a time).
            int rows = rng.Next(1, 6), cols = rng.Next(1, 41);
            var (p, _) = RandomPattern(rng, rows, cols);
            float[] g = TestData.Random(rng, rows * n), x = TestData.Random(rng, cols * n);
            float[] gvE = TestData.Random(rng, p.Nnz), gvA = (float[])gvE.Clone(), start = (float[])gvE.Clone();
            Reference.CsrWeightGrad(p, g, x, n, gvE);
            Csr.WeightGrad(p, g, x, n, gvA, rng.Next(1, 4), 0);
            TestData.AssertBitwise(gvE, gvA, $"n={n} [{rows},{cols}] seed={seed}");
            var d = new double[p.Nnz];
            for (int s = 0; s < p.Nnz; s++)
            {
                double acc = start[s];
                for (int j = 0; j < n; j++) acc += (double)g[p.SlotRow[s] * n + j] * x[p.SlotColumn[s] * n + j];
                d[s] = acc;
            }
            AssertNear(d, gvA, 1e-4, $"dense masked n={n}");
        }
    }

    [Property(MaxTest = 3)]
    public void WeightGradEvents_MatchesReferenceBitwise_AndDenseMasked(int seed)
    {
        var rng = new Random(seed);
        foreach (int inF in Widths())
        {
            if (inF == 0 || inF > 300) continue;
            int rows = rng.Next(0, 6), outF = rng.Next(1, 12);
            var (p, _) = RandomPattern(rng, outF, inF);
            float[] x = Spikes(rng, rows * inF, rng.NextDouble() * 0.5);
            var start = new int[rows + 1];
            var index = new int[rows * inF];
            int events = SpikeSynapse.Compact(x, rows, inF, start, index);
            float[] g = TestData.Random(rng, rows * outF);
            float[] gvE = TestData.Random(rng, p.Nnz), gvA = (float[])gvE.Clone(), init = (float[])gvE.Clone();
            Reference.CsrWeightGradEvents(p, start, index, rows, g, gvE);
            var scratch = new int[Csr.WeightGradEventsScratch(p, events) + rng.Next(3)];
            Csr.WeightGradEvents(p, start, index.AsSpan(0, events), rows, g, gvA, scratch, rng.Next(1, 4));
            TestData.AssertBitwise(gvE, gvA, $"in={inF} rows={rows} seed={seed}");
            var d = new double[p.Nnz];
            for (int s = 0; s < p.Nnz; s++)
            {
                double acc = init[s];
                for (int r = 0; r < rows; r++) acc += x[r * inF + p.SlotColumn[s]] != 0 ? g[r * outF + p.SlotRow[s]] : 0;
                d[s] = acc;
            }
            AssertNear(d, gvA, 1e-5, $"dense masked in={inF}");
        }
    }

    [Fact]
    public void Threads_OneToFour_BitwiseEqual_OnLargeShapes()
    {
        var rng = new Random(11);
        var p = CsrPattern.ErdosRenyi(300, 260, 0.1, 5);
        float[] v = TestData.Random(rng, p.Nnz);
        float[] b = TestData.Random(rng, 300);
        const int n = 200;
        float[] xT = TestData.Random(rng, 260 * n), gT = TestData.Random(rng, 300 * n), g = TestData.Random(rng, n * 300);
        float[] spikes = Spikes(rng, n * 260, 0.1);
        var start = new int[n + 1];
        var index = new int[n * 260];
        int events = SpikeSynapse.Compact(spikes, n, 260, start, index);
        var scratch = new int[Csr.WeightGradEventsScratch(p, events)];
        float[][] Run(int threads)
        {
            var y = new float[300 * n];
            var dx = new float[260 * n];
            var ye = new float[n * 300];
            var gv = new float[p.Nnz];
            var gve = new float[p.Nnz];
            Csr.Multiply(p, v, false, xT, n, b, y, threads);
            Csr.Multiply(p, v, true, gT, n, default, dx, threads);
            Csr.ForwardEvents(p, v, spikes, n, b, ye, threads);
            Csr.WeightGrad(p, gT, xT, n, gv, threads);
            Csr.WeightGradEvents(p, start, index, n, g, gve, scratch, threads);
            return [y, dx, ye, gv, gve];
        }
        var one = Run(1);
        for (int t = 2; t <= 4; t++)
        {
            var many = Run(t);
            for (int k = 0; k < one.Length; k++) TestData.AssertBitwise(one[k], many[k], $"output {k}, threads {t}");
        }
    }

    [Fact]
    public void Kernels_SteadyState_AllocateNothing()
    {
        var rng = new Random(12);
        var p = CsrPattern.ErdosRenyi(256, 256, 0.1, 6);
        float[] v = TestData.Random(rng, p.Nnz), b = TestData.Random(rng, 256);
        const int n = 128;
        float[] xT = TestData.Random(rng, 256 * n), y = new float[256 * n], x = new float[n * 256], gv = new float[p.Nnz];
        float[] spikes = Spikes(rng, n * 256, 0.1);
        var bits = new ulong[n * 4];
        SpikeSynapse.Pack(spikes, n, 256, bits);
        var start = new int[n + 1];
        var index = new int[n * 256];
        int events = SpikeSynapse.Compact(spikes, n, 256, start, index);
        var scratch = new int[Csr.WeightGradEventsScratch(p, events)];
        void Run()
        {
            Csr.Transpose(xT, 256, n, x);
            Csr.UnpackTransposed(bits, n, 256, x);
            Csr.Multiply(p, v, false, xT, n, b, y, 2);
            Csr.Multiply(p, v, true, xT, n, default, y, 2);
            Csr.ForwardEvents(p, v, spikes, n, b, y, 2);
            Csr.ForwardEvents(p, v, bits, n, b, y, 2);
            Csr.ForwardEvents(p, v, start, index, n, b, y, 2);
            Csr.WeightGrad(p, xT, xT, n, gv, 2);
            Csr.WeightGradEvents(p, start, index, n, y, gv, scratch, 2);
        }
        LifTests.AssertSteadyStateAllocatesNothing(Run, "Csr kernels");
    }

    [Fact]
    public void Transpose_EveryShape_IsExact()
    {
        var rng = new Random(13);
        for (int rows = 0; rows <= 41; rows += 1 + rng.Next(3))
            foreach (int cols in new[] { 0, 1, 7, 8, 9, 31, 32, 33, 65, 257 })
            {
                float[] a = TestData.Random(rng, rows * cols, specials: true);
                var t = new float[rows * cols];
                Csr.Transpose(a, rows, cols, t);
                for (int r = 0; r < rows; r++)
                    for (int c = 0; c < cols; c++)
                        Assert.Equal(BitConverter.SingleToInt32Bits(a[r * cols + c]), BitConverter.SingleToInt32Bits(t[c * rows + r]));
            }
    }

    [Fact]
    public void UnpackTransposed_EqualsUnpackThenTranspose()
    {
        var rng = new Random(15);
        foreach (int cols in new[] { 1, 63, 64, 65, 130, 257 })
        {
            int rows = rng.Next(0, 9);
            float[] x = Spikes(rng, rows * cols, 0.3);
            var bits = new ulong[rows * SpikeSynapse.PackedWords(cols)];
            SpikeSynapse.Pack(x, rows, cols, bits);
            for (int r = 0; r < rows; r++) bits[r * SpikeSynapse.PackedWords(cols) + SpikeSynapse.PackedWords(cols) - 1] |= (cols & 63) == 0 ? 0 : ~((1UL << (cols & 63)) - 1);
            var unpacked = new float[rows * cols];
            SpikeSynapse.Unpack(bits, rows, cols, unpacked);
            var expected = new float[rows * cols];
            Csr.Transpose(unpacked, rows, cols, expected);
            float[] actual = TestData.Random(rng, rows * cols);
            Csr.UnpackTransposed(bits, rows, cols, actual);
            TestData.AssertBitwise(expected, actual, $"cols={cols} rows={rows}");
        }
    }

    [Fact]
    public void Pattern_CompressedFormsAgree_AndReassignKeepsOtherSlots()
    {
        var rng = new Random(14);
        var (p, _) = RandomPattern(rng, 40, 70);
        var before = (p.SlotRow.ToArray(), p.SlotColumn.ToArray());
        int version = p.Version;
        (int r, int c) = (-1, -1);
        for (int q = 0; q < 40 * 70 && r < 0; q++)
            if (!p.Contains(q / 70, q % 70)) (r, c) = (q / 70, q % 70);
        p.Reassign([5], [r], [c]);
        for (int s = 0; s < p.Nnz; s++)
        {
            if (s == 5) continue;
            Assert.Equal(before.Item1[s], p.SlotRow[s]);
            Assert.Equal(before.Item2[s], p.SlotColumn[s]);
        }
        Assert.Equal(5, p.SlotAt(r, c));
        Assert.Equal(-1, p.SlotAt(before.Item1[5], before.Item2[5]));
        // CSR sorted by (row, column), CSC by (column, row), both listing every slot once at its position.
        var seen = new bool[p.Nnz];
        for (int o = 0; o < p.Rows; o++)
            for (int k = p.RowStart[o]; k < p.RowStart[o + 1]; k++)
            {
                Assert.True(k == p.RowStart[o] || p.RowColumns[k] > p.RowColumns[k - 1]);
                int s = p.RowSlots[k];
                Assert.False(seen[s]);
                seen[s] = true;
                Assert.Equal((o, p.RowColumns[k]), (p.SlotRow[s], p.SlotColumn[s]));
            }
        Array.Clear(seen);
        for (int i = 0; i < p.Columns; i++)
            for (int k = p.ColumnStart[i]; k < p.ColumnStart[i + 1]; k++)
            {
                Assert.True(k == p.ColumnStart[i] || p.ColumnRows[k] > p.ColumnRows[k - 1]);
                int s = p.ColumnSlots[k];
                Assert.False(seen[s]);
                seen[s] = true;
                Assert.Equal((p.ColumnRows[k], i), (p.SlotRow[s], p.SlotColumn[s]));
            }
        Assert.Equal(version + 1, p.Version);
    }

    [Fact]
    public void ErdosRenyi_ExactCount_Deterministic_RoughlyUniform()
    {
        var p = CsrPattern.ErdosRenyi(1024, 1024, 0.1, 401);
        Assert.Equal(104_858, p.Nnz); // round(0.1 · 1024²)
        Assert.Equal(p.RowColumns.ToArray(), CsrPattern.ErdosRenyi(1024, 1024, 0.1, 401).RowColumns.ToArray());
        // Each row holds about 102.4 ± a binomial spread; none is empty or full.
        int min = int.MaxValue, max = 0;
        for (int o = 0; o < 1024; o++)
        {
            int count = p.RowStart[o + 1] - p.RowStart[o];
            min = Math.Min(min, count);
            max = Math.Max(max, count);
        }
        Assert.InRange(min, 60, 102);
        Assert.InRange(max, 103, 150);
        Assert.Equal(1, CsrPattern.ErdosRenyi(3, 3, 1e-9, 1).Nnz);
        Assert.Equal(9, CsrPattern.ErdosRenyi(3, 3, 1, 1).Nnz);
    }

    [Fact]
    public void BadArguments_Throw_NamingTheKernelAndShapes()
    {
        var p = CsrPattern.ErdosRenyi(4, 6, 0.5, 1);
        var v = new float[p.Nnz];
        var ex = Assert.Throws<ArgumentException>(() => Csr.Multiply(p, v, false, new float[6 * 3 - 1], 3, default, new float[12]));
        Assert.Contains("Csr.Multiply", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[6, n = 3]", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Csr.Multiply(p, new float[p.Nnz - 1], false, new float[18], 3, default, new float[12]));
        Assert.Throws<ArgumentException>(() => Csr.Multiply(p, v, true, new float[12], 3, new float[6], new float[18]));
        var buffer = new float[40];
        Assert.Throws<ArgumentException>(() => Csr.Multiply(p, v, false, buffer.AsSpan(0, 18), 3, default, buffer.AsSpan(10, 12)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Csr.Multiply(p, v, false, new float[18], 3, default, new float[12], 0));
        var events = Assert.Throws<ArgumentException>(() => Csr.ForwardEvents(p, v, [0, 1], [6], 1, default, new float[4]));
        Assert.Contains("outside the 6 input features", events.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Csr.ForwardEvents(p, v, new float[11], 2, default, new float[8]));
        Assert.Throws<ArgumentException>(() => Csr.ForwardEvents(p, v, new ulong[1], 2, default, new float[8]));
        Assert.Throws<ArgumentException>(() => Csr.WeightGradEvents(p, [0, 1], [2], 1, new float[4], new float[p.Nnz], new int[6]));
        Assert.Throws<ArgumentException>(() => Csr.WeightGrad(p, new float[4 * 2], new float[6 * 2 - 1], 2, new float[p.Nnz]));
        Assert.Throws<ArgumentException>(() => Csr.Transpose(new float[5], 2, 3, new float[6]));
        Assert.Throws<ArgumentException>(() => CsrPattern.FromSlots(2, 2, [0, 0], [1, 1]));
        Assert.Throws<ArgumentException>(() => CsrPattern.FromSlots(2, 2, [0, 2], [1, 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => CsrPattern.ErdosRenyi(2, 2, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => CsrPattern.ErdosRenyi(2, 2, 1.01, 1));
    }
}
