using NeuroCore.Kernels;

namespace NeuroCore.Snn;

/// <summary>
/// A kernel call that is generic over the surrogate: <see cref="SurrogateDispatch.Run{TCall}"/> builds the
/// <see cref="ISurrogate"/> struct a <see cref="SurrogateSpec"/> names and hands it to <see cref="Invoke{TSurrogate}"/>.
/// Implemented by ref structs that carry the kernel's spans, so one switch serves every kernel.
/// </summary>
internal interface ISurrogateCall
{
    /// <summary>Runs the kernel with the concrete surrogate.</summary>
    void Invoke<TSurrogate>(in TSurrogate sg) where TSurrogate : struct, ISurrogate;
}

/// <summary>
/// Maps a <see cref="SurrogateSpec"/> (a runtime value) to the kernels' closed generic instantiations
/// (<c>Lif.ScanBackward&lt;FastSigmoidSurrogate&gt;</c>, ...): one <c>switch</c>, no reflection, AOT-safe.
/// </summary>
internal static class SurrogateDispatch
{
    /// <summary>Calls <paramref name="call"/> with the surrogate struct <paramref name="spec"/> describes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The kind is not a <see cref="SurrogateKind"/> member, or the parameter is not finite and positive.</exception>
    public static void Run<TCall>(SurrogateSpec spec, ref TCall call) where TCall : ISurrogateCall, allows ref struct
    {
        float k = spec.Parameter;
        switch (spec.Kind)
        {
            case SurrogateKind.FastSigmoid: call.Invoke(new FastSigmoidSurrogate(k)); break;
            case SurrogateKind.ATan: call.Invoke(new ATanSurrogate(k)); break;
            case SurrogateKind.Sigmoid: call.Invoke(new SigmoidSurrogate(k)); break;
            case SurrogateKind.Triangle: call.Invoke(new TriangleSurrogate(k)); break;
            case SurrogateKind.Rectangular: call.Invoke(new RectangularSurrogate(k)); break;
            case SurrogateKind.Gaussian: call.Invoke(new GaussianSurrogate(k)); break;
            default: throw UnknownKind(spec);
        }
    }

    /// <summary>Throws when <paramref name="spec"/> cannot be dispatched, naming <paramref name="layer"/>.</summary>
    public static void Validate(SurrogateSpec spec, string layer, string paramName)
    {
        if (!Enum.IsDefined(spec.Kind))
            throw new ArgumentException($"{layer}: unknown surrogate kind {(int)spec.Kind}; use one of {string.Join(", ", SurrogateSpec.Names)}.", paramName);
        if (!float.IsFinite(spec.Parameter) || spec.Parameter <= 0)
            throw new ArgumentException($"{layer}: surrogate parameter {spec.Parameter} of '{spec.Name}' must be finite and > 0 (e.g. {SurrogateSpec.Default(spec.Kind)}).", paramName);
    }

    /// <summary><c>grad[i] = g(x[i])</c> for the surrogate <paramref name="spec"/> names.</summary>
    public static void Map(SurrogateSpec spec, ReadOnlySpan<float> x, Span<float> grad)
    {
        var call = new MapCall(x, grad);
        Run(spec, ref call);
    }

    static ArgumentOutOfRangeException UnknownKind(SurrogateSpec spec) =>
        new(nameof(spec), spec.Kind, $"Unknown surrogate kind; use one of {string.Join(", ", SurrogateSpec.Names)}.");

    readonly ref struct MapCall(ReadOnlySpan<float> x, Span<float> grad) : ISurrogateCall
    {
        readonly ReadOnlySpan<float> _x = x;
        readonly Span<float> _grad = grad;

        public void Invoke<TSurrogate>(in TSurrogate sg) where TSurrogate : struct, ISurrogate => Surrogate.Map(sg, _x, _grad);
    }
}
