using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuroCore.Kernels;

public static unsafe partial class Csr
{
    /// <summary>
    /// The 512-bit path of <see cref="MultiplyPackedInput(CsrPattern, ReadOnlySpan{float}, bool, ReadOnlySpan{ulong}, int, ReadOnlySpan{float}, Span{float}, int)"/>
    /// for whole 128-sample blocks. Per group of 4 connections of a row, the 16 subset sums of their weights,
    /// T[m] = ((a₀ + a₁) + a₂) + a₃ with a_q = bit q of m ? w_q : +0, fill one vector (4 broadcasts, 4 ANDs with constant
    /// lane masks, 3 adds); lane l of accumulator v then adds T[index], the index being the 4 inputs' bits of sample
    /// 16v + l (vpermps). The indices come from the spread bits: per input and block, 16 dwords (one 64-byte line), dword l
    /// holding in nibble p the bit of sample 16·v(p) + l copied into all 4 bits of the nibble (v(p) = 2p for p &lt; 4,
    /// 2(p − 4) + 1 after). Three bit-selects of the 4 inputs' lines (masks 0x1…, 0x3…, 0x7…) leave in nibble p of every
    /// dword the 4-bit index of vector v(p), and vpermps reads the low 4 bits of each dword, so vector v(p) needs one
    /// shift by 4p. Per group × 128 samples: 3 selects, 7 shifts, 8 permutes and 8 adds (and the table's 11), against
    /// 8 × 4 × 3 = 96 vector operations for a test (AND, compare into a mask) and a masked add per connection. Same
    /// additions in the same order as the narrower widths and the twin, so bitwise equal to them.
    /// </summary>
    static class SubsetTables
    {
        /// <summary>uints of spread bits per input and 128-sample block (one 64-byte line).</summary>
        public const int LineUInts = 16;

        /// <summary>Whether this path runs: Vector512 is accelerated (AVX-512F).</summary>
        public static bool IsSupported => Vector512.IsHardwareAccelerated && Avx512F.IsSupported;

        // The calling thread's spread bits, 64-byte aligned inside a pinned array, grown on first use of a size.
        [ThreadStatic] static uint[]? t_spread;

        /// <summary>
        /// Spreads the feature-major bits of <paramref name="blocks"/> whole 128-sample blocks (input i's words at
        /// bits[i·stride + 4·block ..], 4 uints per block) into the calling thread's buffer, block-major:
        /// line (block·inF + i). Returns the buffer's first line (64-byte aligned); valid until this thread's next call.
        /// </summary>
        public static uint* Spread(uint* bits, int inF, int stride, int blocks)
        {
            long needed = (long)blocks * inF * LineUInts + LineUInts;
            if (t_spread is null || t_spread.Length < needed)
                t_spread = GC.AllocateUninitializedArray<uint>(checked((int)needed), pinned: true);
            // Pinned: the address is stable, so it can outlive this frame while the call's chunks read it.
            uint* line = (uint*)Unsafe.AsPointer(ref t_spread[0]);
            line = (uint*)(((nuint)line + 63) & ~(nuint)63);
            var lane = Vector512.Create(0u, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
            // Rotating word h (samples 32h..32h+31) right by l − 4h moves bit l (sample 32h + l, vector 2h) to bit 4h
            // and bit 16 + l (vector 2h + 1) to bit 16 + 4h: nibbles h and h + 4.
            Vector512<uint> r0 = lane, r1 = (lane - Vector512.Create(4u)) & Vector512.Create(31u);
            Vector512<uint> r2 = (lane - Vector512.Create(8u)) & Vector512.Create(31u), r3 = (lane - Vector512.Create(12u)) & Vector512.Create(31u);
            var keep = Vector512.Create(0x00010001u);
            for (int blk = 0; blk < blocks; blk++)
                for (int i = 0; i < inF; i++)
                {
                    uint* w = bits + (nint)i * stride + 4 * blk;
                    Vector512<uint> a = Avx512F.RotateRightVariable(Vector512.Create(w[0]), r0) & keep;
                    a |= Avx512F.RotateRightVariable(Vector512.Create(w[1]), r1) & (keep << 4);
                    a |= Avx512F.RotateRightVariable(Vector512.Create(w[2]), r2) & (keep << 8);
                    a |= Avx512F.RotateRightVariable(Vector512.Create(w[3]), r3) & (keep << 12);
                    // Each bit into all 4 bits of its nibble: a·15.
                    ((a << 4) - a).Store(line + ((nint)blk * inF + i) * LineUInts);
                }
            return line;
        }

        /// <summary>
        /// One output row over one whole 128-sample block: y[0..127] = bias + Σ over the row's groups of 4 connections of
        /// the group's subset sum picked per sample; <paramref name="spread"/> is the block's first line.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Row<TValues>(in TValues values, int* index, int k0, int k1, float bias, uint* spread, ref float y) where TValues : struct, IRowValues
        {
            // Lane m of cq is all ones where bit q of m is set: the AND keeps w_q there and gives +0 elsewhere.
            var c0 = Vector512.Create(0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1).AsSingle();
            var c1 = Vector512.Create(0, 0, -1, -1, 0, 0, -1, -1, 0, 0, -1, -1, 0, 0, -1, -1).AsSingle();
            var c2 = Vector512.Create(0, 0, 0, 0, -1, -1, -1, -1, 0, 0, 0, 0, -1, -1, -1, -1).AsSingle();
            var c3 = Vector512.Create(0, 0, 0, 0, 0, 0, 0, 0, -1, -1, -1, -1, -1, -1, -1, -1).AsSingle();
            // Bit-select masks: bit q of each nibble from input q.
            var m1 = Vector512.Create(0x11111111u);
            var m2 = Vector512.Create(0x33333333u);
            var m3 = Vector512.Create(0x77777777u);
            var bv = Vector512.Create(bias);
            Vector512<float> a0 = bv, a1 = bv, a2 = bv, a3 = bv, a4 = bv, a5 = bv, a6 = bv, a7 = bv;
            for (int k = k0; k < k1; k += 4)
            {
                // The weights are broadcast straight from memory in each branch (vbroadcastss with a memory operand, no
                // separate load and register broadcast).
                Vector512<float> t;
                uint* x0 = spread + (nuint)(uint)index[k] * LineUInts, x1, x2, x3;
                if (k + 4 <= k1)
                {
                    t = (((Vector512.Create(values[k]) & c0) + (Vector512.Create(values[k + 1]) & c1)) + (Vector512.Create(values[k + 2]) & c2))
                        + (Vector512.Create(values[k + 3]) & c3);
                    x1 = spread + (nuint)(uint)index[k + 1] * LineUInts;
                    x2 = spread + (nuint)(uint)index[k + 2] * LineUInts;
                    x3 = spread + (nuint)(uint)index[k + 3] * LineUInts;
                }
                else
                {
                    // A short last group: the missing members weigh +0 and read the first member's line.
                    float w1 = k + 1 < k1 ? values[k + 1] : 0f, w2 = k + 2 < k1 ? values[k + 2] : 0f;
                    t = (((Vector512.Create(values[k]) & c0) + (Vector512.Create(w1) & c1)) + (Vector512.Create(w2) & c2)) + (Vector512<float>.Zero & c3);
                    x1 = k + 1 < k1 ? spread + (nuint)(uint)index[k + 1] * LineUInts : x0;
                    x2 = k + 2 < k1 ? spread + (nuint)(uint)index[k + 2] * LineUInts : x0;
                    x3 = x0;
                }
                Vector512<uint> x = Vector512.ConditionalSelect(m1, Vector512.Load(x0), Vector512.Load(x1));
                x = Vector512.ConditionalSelect(m2, x, Vector512.Load(x2));
                x = Vector512.ConditionalSelect(m3, x, Vector512.Load(x3));
                a0 += Avx512F.PermuteVar16x32(t, x.AsInt32());
                a2 += Avx512F.PermuteVar16x32(t, (x >> 4).AsInt32());
                a4 += Avx512F.PermuteVar16x32(t, (x >> 8).AsInt32());
                a6 += Avx512F.PermuteVar16x32(t, (x >> 12).AsInt32());
                a1 += Avx512F.PermuteVar16x32(t, (x >> 16).AsInt32());
                a3 += Avx512F.PermuteVar16x32(t, (x >> 20).AsInt32());
                a5 += Avx512F.PermuteVar16x32(t, (x >> 24).AsInt32());
                a7 += Avx512F.PermuteVar16x32(t, (x >> 28).AsInt32());
            }
            LaneBlocks.Store8<Lanes512, Vector512<float>>(a0, a1, a2, a3, a4, a5, a6, a7, ref y, 0);
        }
    }
}
