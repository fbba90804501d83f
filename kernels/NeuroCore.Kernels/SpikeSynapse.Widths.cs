using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

public static partial class SpikeSynapse
{
    /// <summary>
    /// One vector width as a type, so the row-accumulation loops are written once and specialised per width (the
    /// public <c>ISimdVector</c> interface is not available). Struct type arguments make every call static and inlined.
    /// </summary>
    internal interface IWidth<TVec> where TVec : struct
    {
        /// <summary>Floats per vector.</summary>
        static abstract nuint Count { get; }

        /// <summary>All zeros.</summary>
        static abstract TVec Zero { get; }

        /// <summary>Loads Count floats at source[offset].</summary>
        static abstract TVec Load(ref float source, nuint offset);

        /// <summary>Stores Count floats at destination[offset].</summary>
        static abstract void Store(TVec value, ref float destination, nuint offset);

        /// <summary>Lane-wise a + b.</summary>
        static abstract TVec Add(TVec a, TVec b);
    }

    /// <summary>Vector512 of float.</summary>
    internal readonly struct Width512 : IWidth<Vector512<float>>
    {
        public static nuint Count => (nuint)Vector512<float>.Count;
        public static Vector512<float> Zero => Vector512<float>.Zero;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Load(ref float source, nuint offset) => Vector512.LoadUnsafe(ref source, offset);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector512<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;
    }

    /// <summary>Vector256 of float.</summary>
    internal readonly struct Width256 : IWidth<Vector256<float>>
    {
        public static nuint Count => (nuint)Vector256<float>.Count;
        public static Vector256<float> Zero => Vector256<float>.Zero;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Load(ref float source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector256<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
    }

    /// <summary>Vector128 of float.</summary>
    internal readonly struct Width128 : IWidth<Vector128<float>>
    {
        public static nuint Count => (nuint)Vector128<float>.Count;
        public static Vector128<float> Zero => Vector128<float>.Zero;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Load(ref float source, nuint offset) => Vector128.LoadUnsafe(ref source, offset);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector128<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;
    }
}
