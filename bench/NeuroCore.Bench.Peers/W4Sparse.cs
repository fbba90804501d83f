using NeuroCore;
using NeuroCore.Kernels;
using NeuroCore.Snn;
using TorchSharp;
using static TorchSharp.torch;
using TTensor = TorchSharp.torch.Tensor;

namespace NeuroCore.Bench.Peers;

/// <summary>
/// W4: sparse synapses, Y[1024 out, 128] = W·Xᵀ with W [1024, 1024] at 10 % density (mask U() &lt; 0.1 seed 401, values
/// N() seed 402, nnz 104,836) on (a) dense input Xa = N() seed 403 and (b) spike input Xb = (U() &lt; 0.1) seed 404.
/// Work: 2·nnz(W)·128 = 26.84 MFLOP-equivalent per call for every variant.
/// </summary>
/// <remarks>
/// NeuroCore's CSR rows use a <see cref="CsrSynapse"/> whose pattern is W's mask, built once from W without timing (as
/// W's CSR/COO conversion is not timed on the TorchSharp side):
/// <list type="bullet">
/// <item><c>CsrSynapse.Step</c>: the layer's inference call on row-major X [128, 1024], giving Yᵀ [128, 1024]. With
/// Path = Auto both inputs take the feature-major product (X and Y transposed inside the call): at 10 % input density
/// it beats the event path (<see cref="CsrSynapse.EventDensityThreshold"/>).</item>
/// <item><c>CsrSynapse.Step events forced</c> (spike input): the event path (only active inputs do work, the events
/// found by vector compares, no list written).</item>
/// <item><c>CsrSynapse.Step packed</c> (spike input): the same on Xb already bit-packed [128, 16] ulong, the form the
/// packed LIF scan emits; the packing is not timed (it is the previous layer's output). At this density the layer takes
/// its packed product: the bits transposed to [1024 in, 2] words (16 KiB), the CSR-ordered values summed in groups of 4
/// connections (<see cref="Csr.MultiplyPackedInput(CsrPattern, ReadOnlySpan{float}, bool, ReadOnlySpan{ulong}, int, ReadOnlySpan{float}, Span{float}, int)"/>),
/// Yᵀ transposed into the current; all of it timed, including the layer's per-call check that its values copy is
/// current.</item>
/// <item><c>Csr.Multiply</c>: the kernel the layer calls, on Xᵀ [1024, 128] as TorchSharp gets it, giving
/// Y [1024, 128] as <c>torch.mm</c> does.</item>
/// <item><c>Csr.MultiplyPackedInput</c> (spike input): the packed kernel on its own, on the spikes given feature-major
/// as bits [1024 in, 2] words and the values in CSR order, giving Y [1024, 128] as <c>torch.mm</c> does: the packed
/// counterpart of <c>Csr.Multiply</c> on Xᵀ (the bit transpose, 16 KiB, and the values copy are made once, untimed, as
/// TorchSharp's Xᵀ and CSR W are).</item>
/// </list>
/// Also kept for comparison: the dense GEMM on both inputs, and on the spike input the dense-W event-driven synapse
/// (<see cref="SpikeSynapse.Compact(ReadOnlySpan{float}, int, int, Span{int}, Span{int})"/> of Xb, then
/// <see cref="SpikeSynapse.Forward(ReadOnlySpan{int}, ReadOnlySpan{int}, int, ReadOnlySpan{float}, int, ReadOnlySpan{float}, Span{float}, int)"/>
/// over Wᵀ [in, out]: the sparsity of the input, not of W, as TorchSharp's <c>xcsr_mm</c>). The compaction of Xb is
/// timed (it changes every step in a network); the transposes of W are not.
/// </remarks>
internal static class W4Sparse
{
    const int Out = 1024, In = 1024, Batch = 128;

    /// <summary>2·nnz(W)·128 with nnz(W) = 104,836, in GFLOP.</summary>
    const double WorkGflop = 2.0 * 104_836 * Batch / 1e9;

    public static List<Figure> Run(int threads, int reps, Dictionary<string, string> checks)
    {
        // W = V ⊙ M, both [out, in] row-major; V is drawn for all 1M elements.
        var maskStream = new SplitMix64(401);
        var values = SplitMix64.Normal(402, Out * In);
        var w = new float[Out * In];
        var mask = new bool[Out * In];
        int nnz = 0;
        for (int i = 0; i < w.Length; i++)
            if (maskStream.U() < 0.1f) { w[i] = values[i]; mask[i] = true; nnz++; }
        if (nnz != 104_836) throw new InvalidOperationException($"W4: nnz(W) = {nnz}, WORKLOADS.md says 104,836.");
        var wT = Transpose(w, Out, In);

        // The CSR synapse on W's mask; its values are W at each slot's connection.
        var rowStartW = new int[Out + 1];
        var columnsW = new List<int>(nnz);
        for (int o = 0; o < Out; o++)
        {
            for (int i = 0; i < In; i++)
                if (mask[o * In + i]) columnsW.Add(i);
            rowStartW[o + 1] = columnsW.Count;
        }
        var synapse = new CsrSynapse(new ParameterStore(), "w4", CsrPattern.FromCsr(Out, In, rowStartW, columnsW.ToArray()), 1, bias: false);
        var pattern = synapse.Pattern;
        for (int s = 0; s < pattern.Nnz; s++) synapse.Values.Span[s] = w[pattern.SlotRow[s] * In + pattern.SlotColumn[s]];
        // The same synapse with the event path forced (Auto takes the product at W4's 10 % input density).
        var eventSynapse = new CsrSynapse(new ParameterStore(), "w4e", pattern, 1, bias: false) { Path = SynapsePath.Events };
        synapse.Values.Span.CopyTo(eventSynapse.Values.Span);

        var xa = SplitMix64.Normal(403, Batch * In);
        var spikeStream = new SplitMix64(404);
        var xb = new float[Batch * In];
        for (int i = 0; i < xb.Length; i++) xb[i] = spikeStream.U() < 0.1f ? 1f : 0f;

        var figures = new List<Figure>();
        using var tw = torch.tensor(w, [Out, In]);
        using var twT = torch.tensor(wT, [In, Out]);
        using var wCoo = tw.to_sparse();
        var cu = torch.jit.compile("""
            def to_csr(w: Tensor):
                return w.to_sparse_csr()

            def xcsr_mm(x: Tensor, wt: Tensor):
                return torch.mm(x.to_sparse_csr(), wt)

            """);
        using var wCsr = cu.invoke<TTensor>("to_csr", tw);

        foreach (var (name, x, spikes, reference) in new[] { ("w4_sparse_dense_input", xa, false, 1_052_438.25), ("w4_sparse_spike_input", xb, true, 331_643.78) })
        {
            var xT = Transpose(x, Batch, In);
            using var tx = torch.tensor(x, [Batch, In]);
            using var txT = torch.tensor(xT, [In, Batch]);
            var y = new float[Out * Batch];
            var yT = new float[Batch * Out];
            var rowStart = new int[Batch + 1];
            var indices = new int[Batch * In];
            var bits = new ulong[Batch * SpikeSynapse.PackedWords(In)];
            SpikeSynapse.Pack(x, Batch, In, bits);
            // Feature-major bits [In, ceil(Batch/64)] and CSR-ordered values: the packed analogue of Xᵀ given.
            var bitsT = new ulong[In * SpikeSynapse.PackedWords(Batch)];
            Csr.TransposeBits(bits, Batch, In, bitsT);
            var rowValues = new float[pattern.Nnz];
            Csr.GatherRowValues(pattern, synapse.Values.Span, rowValues);

            void Dense() => Gemm.Sgemm(false, false, Out, Batch, In, 1f, w, In, xT, Batch, 0f, y, Batch, threads);
            void CsrStep() => synapse.Step(x, Batch, yT, threads);
            void CsrEvents() => eventSynapse.Step(x, Batch, yT, threads);
            void CsrPacked() => synapse.Step(bits, Batch, yT, threads);
            void CsrMultiply() => Csr.Multiply(synapse.Pattern, synapse.Values.Span, false, xT, Batch, default, y, threads);
            void CsrMultiplyPacked() => Csr.MultiplyPackedInput(synapse.Pattern, rowValues, true, bitsT, Batch, default, y, threads);
            void Events()
            {
                SpikeSynapse.Compact(x, Batch, In, rowStart, indices);
                SpikeSynapse.Forward(rowStart, indices, Batch, wT, Out, ReadOnlySpan<float>.Empty, yT, threads);
            }

            // Results agree before timing: sum|Y| of every variant against WORKLOADS.md's figure.
            string tag = $"{name} t={threads}";
            Dense();
            var sums = new List<string> { Check(tag, "neurocore sgemm", SumAbs(y), reference) };
            Array.Clear(y);
            CsrMultiply();
            sums.Add(Check(tag, "neurocore Csr.Multiply", SumAbs(y), reference));
            CsrStep();
            if (synapse.LastUsedEvents) throw new InvalidOperationException($"W4 {tag}: CsrSynapse.Step (Auto) took the event path; expected the product at this density.");
            sums.Add(Check(tag, "neurocore CsrSynapse.Step", SumAbs(yT), reference));
            if (spikes)
            {
                Array.Clear(yT);
                CsrEvents();
                sums.Add(Check(tag, "neurocore CsrSynapse.Step events", SumAbs(yT), reference));
                Array.Clear(yT);
                CsrPacked();
                sums.Add(Check(tag, "neurocore CsrSynapse.Step packed", SumAbs(yT), reference));
                Array.Clear(y);
                CsrMultiplyPacked();
                sums.Add(Check(tag, "neurocore Csr.MultiplyPackedInput", SumAbs(y), reference));
                Events();
                sums.Add(Check(tag, "neurocore events", SumAbs(yT), reference));
            }
            using (var r = torch.mm(tw, txT)) sums.Add(Check(tag, "torch dense_mm", SumAbs(r), reference));
            using (var r = torch.mm(wCsr, txT)) sums.Add(Check(tag, "torch csr_mm", SumAbs(r), reference));
            using (var r = torch.mm(wCoo, txT)) sums.Add(Check(tag, "torch coo_mm", SumAbs(r), reference));
            if (spikes)
                using (var r = cu.invoke<TTensor>("xcsr_mm", tx, twT)) sums.Add(Check(tag, "torch xcsr_mm", SumAbs(r), reference));
            checks[$"w4 {name} t={threads}"] = $"sum|Y| reference {reference:F2}; " + string.Join("; ", sums);

            var variants = new List<Variant>
            {
                new("torchsharp", "dense_mm", () => { using var r = torch.mm(tw, txT); }),
                new("neurocore", "sgemm", Dense),
                new("torchsharp", "csr_mm", () => { using var r = torch.mm(wCsr, txT); }),
                new("torchsharp", "coo_mm", () => { using var r = torch.mm(wCoo, txT); }),
                new("neurocore", "CsrSynapse.Step", CsrStep),
                new("neurocore", "Csr.Multiply (Xᵀ given)", CsrMultiply),
            };
            if (spikes)
            {
                variants.Add(new("neurocore", "CsrSynapse.Step packed (bits given)", CsrPacked));
                variants.Add(new("neurocore", "Csr.MultiplyPackedInput (bitsᵀ given)", CsrMultiplyPacked));
                variants.Add(new("neurocore", "CsrSynapse.Step events forced", CsrEvents));
            }
            if (spikes)
            {
                variants.Add(new("neurocore", "SpikeSynapse events", Events));
                variants.Add(new("torchsharp", "xcsr_mm", () => { using var r = cu.invoke<TTensor>("xcsr_mm", tx, twT); }));
            }
            figures.AddRange(Harness.Measure(name, threads, WorkGflop, "GFLOP", variants, reps, 0.2));
        }
        return figures;
    }

    static float[] Transpose(float[] a, int rows, int cols)
    {
        var t = new float[a.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c];
        return t;
    }

    static double SumAbs(ReadOnlySpan<float> s)
    {
        double sum = 0;
        foreach (float v in s) sum += Math.Abs(v);
        return sum;
    }

    static double SumAbs(TTensor t) => SumAbs(t.contiguous().data<float>().ToArray());

    static string Check(string tag, string who, double sum, double reference)
    {
        if (!(Math.Abs(sum - reference) <= 1e-5 * reference))
            throw new InvalidOperationException($"W4 {tag}: {who} gives sum|Y| = {sum:F2}, WORKLOADS.md says {reference:F2}.");
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{who} {sum:F2}");
    }
}
