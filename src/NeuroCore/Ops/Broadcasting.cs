using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace NeuroCore;

/// <summary>The elementwise binary ops that broadcast.</summary>
internal enum BinaryKind
{
    Add,
    Sub,
    Mul,
    Div,
}

/// <summary>
/// NumPy broadcasting for contiguous row-major tensors: shapes align on the right, a dimension of 1 stretches.
/// Adjacent axes that broadcast the same way are collapsed, so the common cases (same shape, bias over rows,
/// per-channel over <c>[B,C,H,W]</c>) run as a few long span calls into TensorPrimitives.
/// </summary>
internal static class Broadcasting
{
    /// <summary>The broadcast result shape of <paramref name="a"/> and <paramref name="b"/>, or an error naming <paramref name="op"/>.</summary>
    public static Shape ResultShape(string op, Shape a, Shape b)
    {
        if (a == b) return a;
        int rank = Math.Max(a.Rank, b.Rank);
        Span<int> dims = stackalloc int[Shape.MaxRank];
        for (int i = 0; i < rank; i++)
        {
            int ia = i - (rank - a.Rank), ib = i - (rank - b.Rank);
            int da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException(
                    $"{op}: shapes {a} and {b} cannot be broadcast together (dimension {i} of the result: {da} vs {db}; " +
                    "dimensions must match or be 1, aligned from the right). Reshape one operand or fix the producing layer.");
            dims[i] = da == 1 ? db : da;
        }
        return new Shape(dims[..rank]);
    }

    /// <summary>dst[outShape] = a[aShape] ∘ b[bShape] with broadcasting (outShape is their broadcast shape).</summary>
    public static void Binary(BinaryKind kind, ReadOnlySpan<float> a, Shape aShape, ReadOnlySpan<float> b, Shape bShape,
        Span<float> dst, Shape outShape)
    {
        if (aShape == bShape)
        {
            Full(kind, a, b, dst);
            return;
        }
        var layout = new Layout(outShape, aShape, bShape);
        int n = layout.Inner;
        if (n == 0) return;
        Span<int> index = stackalloc int[Shape.MaxRank];
        int outer = layout.Outer, oa = 0, ob = 0;
        for (int o = 0, od = 0; o < outer; o++, od += n)
        {
            var d = dst.Slice(od, n);
            switch (layout.InnerA, layout.InnerB)
            {
                case (1, 1): Full(kind, a.Slice(oa, n), b.Slice(ob, n), d); break;
                case (1, 0): RightScalar(kind, a.Slice(oa, n), b[ob], d); break;
                case (0, 1): LeftScalar(kind, a[oa], b.Slice(ob, n), d); break;
                default: d.Fill(Scalar(kind, a[oa], b[ob])); break;
            }
            layout.Advance(index, ref oa, ref ob);
        }
    }

    /// <summary>dst[dstShape] = the sum of src[srcShape] over the axes along which dstShape broadcasts to srcShape.</summary>
    public static void ReduceTo(ReadOnlySpan<float> src, Shape srcShape, Span<float> dst, Shape dstShape)
    {
        if (srcShape == dstShape)
        {
            src.CopyTo(dst);
            return;
        }
        dst.Clear();
        var layout = new Layout(srcShape, dstShape, dstShape);
        int n = layout.Inner;
        if (n == 0) return;
        Span<int> index = stackalloc int[Shape.MaxRank];
        int outer = layout.Outer, oa = 0, ob = 0;
        for (int o = 0, os = 0; o < outer; o++, os += n)
        {
            var s = src.Slice(os, n);
            if (layout.InnerA == 1)
            {
                var d = dst.Slice(oa, n);
                TensorPrimitives.Add(d, s, d);
            }
            else
            {
                dst[oa] += TensorPrimitives.Sum(s);
            }
            layout.Advance(index, ref oa, ref ob);
        }
    }

    static void Full(BinaryKind kind, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> d)
    {
        switch (kind)
        {
            case BinaryKind.Add: TensorPrimitives.Add(a, b, d); break;
            case BinaryKind.Sub: TensorPrimitives.Subtract(a, b, d); break;
            case BinaryKind.Mul: TensorPrimitives.Multiply(a, b, d); break;
            default: TensorPrimitives.Divide(a, b, d); break;
        }
    }

    static void RightScalar(BinaryKind kind, ReadOnlySpan<float> a, float b, Span<float> d)
    {
        switch (kind)
        {
            case BinaryKind.Add: TensorPrimitives.Add(a, b, d); break;
            case BinaryKind.Sub: TensorPrimitives.Subtract(a, b, d); break;
            case BinaryKind.Mul: TensorPrimitives.Multiply(a, b, d); break;
            default: TensorPrimitives.Divide(a, b, d); break;
        }
    }

    static void LeftScalar(BinaryKind kind, float a, ReadOnlySpan<float> b, Span<float> d)
    {
        switch (kind)
        {
            case BinaryKind.Add: TensorPrimitives.Add(b, a, d); break;
            case BinaryKind.Sub: TensorPrimitives.Subtract(a, b, d); break;
            case BinaryKind.Mul: TensorPrimitives.Multiply(b, a, d); break;
            default: TensorPrimitives.Divide(a, b, d); break;
        }
    }

    static float Scalar(BinaryKind kind, float a, float b) => kind switch
    {
        BinaryKind.Add => a + b,
        BinaryKind.Sub => a - b,
        BinaryKind.Mul => a * b,
        _ => a / b,
    };

    /// <summary>
    /// The collapsed iteration space: output axes of size 1 dropped, adjacent axes merged when both operands
    /// are contiguous across them. The innermost axis has operand strides 0 (broadcast) or 1.
    /// </summary>
    ref struct Layout
    {
        Dims _dims, _strideA, _strideB;
        readonly int _rank;

        public Layout(Shape outShape, Shape aShape, Shape bShape)
        {
            int r = outShape.Rank;
            Span<int> sa = stackalloc int[Shape.MaxRank];
            Span<int> sb = stackalloc int[Shape.MaxRank];
            Strides(aShape, r, sa);
            Strides(bShape, r, sb);
            int k = 0;
            for (int i = 0; i < r; i++)
            {
                int d = outShape[i];
                if (d == 1) continue;
                if (k > 0 && _strideA[k - 1] == sa[i] * d && _strideB[k - 1] == sb[i] * d)
                {
                    _dims[k - 1] *= d;
                    _strideA[k - 1] = sa[i];
                    _strideB[k - 1] = sb[i];
                    continue;
                }
                _dims[k] = d;
                _strideA[k] = sa[i];
                _strideB[k] = sb[i];
                k++;
            }
            if (k == 0)
            {
                _dims[0] = outShape.Size; // 1, or 0 for an empty tensor
                _strideA[0] = 0;
                _strideB[0] = 0;
                k = 1;
            }
            _rank = k;
        }

        public readonly int Inner => _dims[_rank - 1];

        public readonly int InnerA => _strideA[_rank - 1];

        public readonly int InnerB => _strideB[_rank - 1];

        public readonly int Outer
        {
            get
            {
                int n = 1;
                for (int i = 0; i < _rank - 1; i++) n *= _dims[i];
                return n;
            }
        }

        /// <summary>Steps the outer multi-index (all axes but the last), updating both operand offsets.</summary>
        public readonly void Advance(Span<int> index, ref int oa, ref int ob)
        {
            for (int ax = _rank - 2; ax >= 0; ax--)
            {
                oa += _strideA[ax];
                ob += _strideB[ax];
                if (++index[ax] < _dims[ax]) return;
                oa -= _strideA[ax] * _dims[ax];
                ob -= _strideB[ax] * _dims[ax];
                index[ax] = 0;
            }
        }

        // Element strides of a contiguous tensor of shape s right-aligned into rank r; 0 where s broadcasts.
        static void Strides(Shape s, int r, Span<int> strides)
        {
            int stride = 1;
            for (int i = r - 1; i >= 0; i--)
            {
                int si = i - (r - s.Rank);
                int d = si >= 0 ? s[si] : 1;
                strides[i] = d == 1 ? 0 : stride;
                stride *= d;
            }
        }
    }

    [InlineArray(Shape.MaxRank)]
    struct Dims
    {
        int _element0;
    }
}
