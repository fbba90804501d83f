using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

// Register-blocked micro-kernels. Each keeps its MR×NR tile of C in registers for a whole KC block: per k step it
// loads NR/width vectors of the packed B panel, broadcasts MR values of the packed A panel (the JIT folds the
// broadcast into the FMA's memory operand) and issues MR·NR/width independent FMAs, enough to cover the FMA latency.
// The old C term is read from cIn with row stride ldcIn, which is C itself, or a bias row with stride 0 (the epilogue
// of the first K block adds the bias without C ever holding it).
public static unsafe partial class Gemm
{
    /// <summary>Rows of the 512-bit micro-tile: 8×32 uses 16 accumulators + 2 B vectors of the 32 zmm registers.</summary>
    const int Mr512 = 8;

    /// <summary>Rows of the 256-bit micro-tile: 6×16 uses 12 accumulators + 2 B vectors + 1 broadcast of the 16 ymm registers.</summary>
    const int Mr256 = 6;

    /// <summary>Rows of the scalar micro-tile.</summary>
    const int MrScalar = 4;

    /// <summary>Columns of the scalar micro-tile.</summary>
    const int NrScalar = 4;

    /// <summary>8×32 micro-kernel on Vector512: C[8×32] = alpha·Σ_p a[p·8 + i]·b[p·32 + j] + beta·C (C not read when beta is 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Kernel512(int kc, float* a, float* b, float* c, nint ldc, float* cIn, nint ldcIn, float alpha, float beta)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b + 0);
            Vector512<float> b1 = Vector512.Load(b + 16);
            Vector512<float> a0 = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(a0, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(a0, b1, c01);
            Vector512<float> a1 = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(a1, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(a1, b1, c11);
            Vector512<float> a2 = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(a2, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(a2, b1, c21);
            Vector512<float> a3 = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(a3, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(a3, b1, c31);
            Vector512<float> a4 = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(a4, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(a4, b1, c41);
            Vector512<float> a5 = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(a5, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(a5, b1, c51);
            Vector512<float> a6 = Vector512.Create(a[6]);
            c60 = Vector512.FusedMultiplyAdd(a6, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(a6, b1, c61);
            Vector512<float> a7 = Vector512.Create(a[7]);
            c70 = Vector512.FusedMultiplyAdd(a7, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(a7, b1, c71);
            a += 8;
            b += 32;
        }
        Vector512<float> va = Vector512.Create(alpha);
        if (beta == 0f)
        {
            Vector512.Store(va * c00, c + 0 * ldc + 0);
            Vector512.Store(va * c01, c + 0 * ldc + 16);
            Vector512.Store(va * c10, c + 1 * ldc + 0);
            Vector512.Store(va * c11, c + 1 * ldc + 16);
            Vector512.Store(va * c20, c + 2 * ldc + 0);
            Vector512.Store(va * c21, c + 2 * ldc + 16);
            Vector512.Store(va * c30, c + 3 * ldc + 0);
            Vector512.Store(va * c31, c + 3 * ldc + 16);
            Vector512.Store(va * c40, c + 4 * ldc + 0);
            Vector512.Store(va * c41, c + 4 * ldc + 16);
            Vector512.Store(va * c50, c + 5 * ldc + 0);
            Vector512.Store(va * c51, c + 5 * ldc + 16);
            Vector512.Store(va * c60, c + 6 * ldc + 0);
            Vector512.Store(va * c61, c + 6 * ldc + 16);
            Vector512.Store(va * c70, c + 7 * ldc + 0);
            Vector512.Store(va * c71, c + 7 * ldc + 16);
        }
        else
        {
            Vector512<float> vb = Vector512.Create(beta);
            Vector512.Store(Vector512.FusedMultiplyAdd(va, c00, vb * Vector512.Load(cIn + 0 * ldcIn + 0)), c + 0 * ldc + 0);
            Vector512.Store(Vector512.FusedMultiplyAdd(va, c01, vb * Vector512.Load(cIn + 0 * ldcIn + 16)), c + 0 * ldc + 16);
            Vector512.Store(Vector512.FusedMultiplyAdd(va, c10, vb * Vector512.Load(cIn + 1 * ldcIn + 0)), c + 1 * ldc + 0);
            Vector512.Store(Vector512.FusedMultiplyAdd(va, c11, vb * Vector512.Load(cIn + 1 * ldcIn + 16)), c + 1 * ldc + 16);
            Vector512.Store(Vector512.FusedMultiplyAdd(va, c20, vb * Vector512.Load(cIn + 2 * ldcIn + 0)), c + 2 * ldc + 0);
            Vector512.Store(Vector512.FusedMultiplyAdd(va, c21, vb * Vector512.Load(cIn + 2 * ldcIn + 16)), c + 2 * ldc + 16);
            Vector512.Store(Vector512.FusedMultiplyAdd(va, c30, vb * Vector512.Load(cIn + 3 * ldcIn + 0)), c + 3 * ldc + 0);
            Vector512.Store(Vector512.FusedMultiplyAdd(va, c31, vb * Vector512.Load(cIn + 3 * ldcIn + 16)), c + 3 * ldc + 16);
            Vector512.Store(Vector512.FusedMultiplyAdd(va, c40, vb * Vector512.Load(cIn + 4 * ldcIn + 0)), c + 4 * ldc + 0);
            Vector512.Store(Vector512.FusedMultiplyAdd(va, c41, vb * Vector512.Load(cIn + 4 * ldcIn + 16)), c + 4 * ldc + 16);
            Vector512.Store(Vector512.FusedMultiplyAdd(va, c50, vb * Vector512.Load(cIn + 5 * ldcIn + 0)), c + 5 * ldc + 0);
            Vector512.Store(Vector512.FusedMultiplyAdd(va, c51, vb * Vector512.Load(cIn + 5 * ldcIn + 16)), c + 5 * ldc + 16);
            Vector512.Store(Vector512.FusedMultiplyAdd(va, c60, vb * Vector512.Load(cIn + 6 * ldcIn + 0)), c + 6 * ldc + 0);
            Vector512.Store(Vector512.FusedMultiplyAdd(va, c61, vb * Vector512.Load(cIn + 6 * ldcIn + 16)), c + 6 * ldc + 16);
            Vector512.Store(Vector512.FusedMultiplyAdd(va, c70, vb * Vector512.Load(cIn + 7 * ldcIn + 0)), c + 7 * ldc + 0);
            Vector512.Store(Vector512.FusedMultiplyAdd(va, c71, vb * Vector512.Load(cIn + 7 * ldcIn + 16)), c + 7 * ldc + 16);
        }
    }

    /// <summary>6×16 micro-kernel on Vector256: C[6×16] = alpha·Σ_p a[p·6 + i]·b[p·16 + j] + beta·C (C not read when beta is 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Kernel256(int kc, float* a, float* b, float* c, nint ldc, float* cIn, nint ldcIn, float alpha, float beta)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Vector256.Load(b + 0);
            Vector256<float> b1 = Vector256.Load(b + 8);
            Vector256<float> a0 = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(a0, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(a0, b1, c01);
            Vector256<float> a1 = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(a1, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(a1, b1, c11);
            Vector256<float> a2 = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(a2, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(a2, b1, c21);
            Vector256<float> a3 = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(a3, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(a3, b1, c31);
            Vector256<float> a4 = Vector256.Create(a[4]);
            c40 = Vector256.FusedMultiplyAdd(a4, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(a4, b1, c41);
            Vector256<float> a5 = Vector256.Create(a[5]);
            c50 = Vector256.FusedMultiplyAdd(a5, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(a5, b1, c51);
            a += 6;
            b += 16;
        }
        Vector256<float> va = Vector256.Create(alpha);
        if (beta == 0f)
        {
            Vector256.Store(va * c00, c + 0 * ldc + 0);
            Vector256.Store(va * c01, c + 0 * ldc + 8);
            Vector256.Store(va * c10, c + 1 * ldc + 0);
            Vector256.Store(va * c11, c + 1 * ldc + 8);
            Vector256.Store(va * c20, c + 2 * ldc + 0);
            Vector256.Store(va * c21, c + 2 * ldc + 8);
            Vector256.Store(va * c30, c + 3 * ldc + 0);
            Vector256.Store(va * c31, c + 3 * ldc + 8);
            Vector256.Store(va * c40, c + 4 * ldc + 0);
            Vector256.Store(va * c41, c + 4 * ldc + 8);
            Vector256.Store(va * c50, c + 5 * ldc + 0);
            Vector256.Store(va * c51, c + 5 * ldc + 8);
        }
        else
        {
            Vector256<float> vb = Vector256.Create(beta);
            Vector256.Store(Vector256.FusedMultiplyAdd(va, c00, vb * Vector256.Load(cIn + 0 * ldcIn + 0)), c + 0 * ldc + 0);
            Vector256.Store(Vector256.FusedMultiplyAdd(va, c01, vb * Vector256.Load(cIn + 0 * ldcIn + 8)), c + 0 * ldc + 8);
            Vector256.Store(Vector256.FusedMultiplyAdd(va, c10, vb * Vector256.Load(cIn + 1 * ldcIn + 0)), c + 1 * ldc + 0);
            Vector256.Store(Vector256.FusedMultiplyAdd(va, c11, vb * Vector256.Load(cIn + 1 * ldcIn + 8)), c + 1 * ldc + 8);
            Vector256.Store(Vector256.FusedMultiplyAdd(va, c20, vb * Vector256.Load(cIn + 2 * ldcIn + 0)), c + 2 * ldc + 0);
            Vector256.Store(Vector256.FusedMultiplyAdd(va, c21, vb * Vector256.Load(cIn + 2 * ldcIn + 8)), c + 2 * ldc + 8);
            Vector256.Store(Vector256.FusedMultiplyAdd(va, c30, vb * Vector256.Load(cIn + 3 * ldcIn + 0)), c + 3 * ldc + 0);
            Vector256.Store(Vector256.FusedMultiplyAdd(va, c31, vb * Vector256.Load(cIn + 3 * ldcIn + 8)), c + 3 * ldc + 8);
            Vector256.Store(Vector256.FusedMultiplyAdd(va, c40, vb * Vector256.Load(cIn + 4 * ldcIn + 0)), c + 4 * ldc + 0);
            Vector256.Store(Vector256.FusedMultiplyAdd(va, c41, vb * Vector256.Load(cIn + 4 * ldcIn + 8)), c + 4 * ldc + 8);
            Vector256.Store(Vector256.FusedMultiplyAdd(va, c50, vb * Vector256.Load(cIn + 5 * ldcIn + 0)), c + 5 * ldc + 0);
            Vector256.Store(Vector256.FusedMultiplyAdd(va, c51, vb * Vector256.Load(cIn + 5 * ldcIn + 8)), c + 5 * ldc + 8);
        }
    }

    /// <summary>Scalar 4×4 micro-kernel, the fallback without SIMD: the same packed layout and update as the vector
    /// kernels, with the 16 sums in locals so the JIT keeps them in registers.</summary>
    static void KernelScalar(int kc, float* a, float* b, float* c, nint ldc, float* cIn, nint ldcIn, float alpha, float beta)
    {
        float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f, c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f, c20 = 0f, c21 = 0f, c22 = 0f, c23 = 0f, c30 = 0f, c31 = 0f, c32 = 0f, c33 = 0f;
        for (int p = 0; p < kc; p++, a += MrScalar, b += NrScalar)
        {
            float b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
            float a0 = a[0];
            c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
            float a1 = a[1];
            c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
            float a2 = a[2];
            c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
            float a3 = a[3];
            c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
        }
        UpdateRow(c + 0 * ldc, cIn + 0 * ldcIn, c00, c01, c02, c03, alpha, beta);
        UpdateRow(c + 1 * ldc, cIn + 1 * ldcIn, c10, c11, c12, c13, alpha, beta);
        UpdateRow(c + 2 * ldc, cIn + 2 * ldcIn, c20, c21, c22, c23, alpha, beta);
        UpdateRow(c + 3 * ldc, cIn + 3 * ldcIn, c30, c31, c32, c33, alpha, beta);
    }

    /// <summary>c[0..4) = alpha·s + beta·cIn[0..4), not reading cIn when beta is 0.</summary>
    static void UpdateRow(float* c, float* cIn, float s0, float s1, float s2, float s3, float alpha, float beta)
    {
        if (beta == 0f)
        {
            c[0] = alpha * s0; c[1] = alpha * s1; c[2] = alpha * s2; c[3] = alpha * s3;
        }
        else
        {
            c[0] = alpha * s0 + beta * cIn[0]; c[1] = alpha * s1 + beta * cIn[1];
            c[2] = alpha * s2 + beta * cIn[2]; c[3] = alpha * s3 + beta * cIn[3];
        }
    }
}
