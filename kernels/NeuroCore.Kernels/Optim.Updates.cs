using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuroCore.Kernels;

// The update structs behind Optim's public methods. Each states its formula once as scalar code and once per
// vector width with the very same operation order, so the driver's tail and body agree bitwise.
public static partial class Optim
{
    /// <summary>Plain SGD with L2 decay: p = p − lr·(g + wd·p).</summary>
    readonly struct SgdUpdate(float lr, float weightDecay) : IFusedUpdate
    {
        readonly float _negLr = -lr, _weightDecay = weightDecay;

        public static int StateCount => 0;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Invoke(ref float p, float g, ref float a, ref float b)
        {
            float d = g + _weightDecay * p;
            p += _negLr * d;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Invoke(ref Vector128<float> p, Vector128<float> g, ref Vector128<float> a, ref Vector128<float> b)
        {
            Vector128<float> d = g + Vector128.Create(_weightDecay) * p;
            p += Vector128.Create(_negLr) * d;
        }


        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Invoke(ref Vector256<float> p, Vector256<float> g, ref Vector256<float> a, ref Vector256<float> b)
        {
            Vector256<float> d = g + Vector256.Create(_weightDecay) * p;
            p += Vector256.Create(_negLr) * d;
        }


        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Invoke(ref Vector512<float> p, Vector512<float> g, ref Vector512<float> a, ref Vector512<float> b)
        {
            Vector512<float> d = g + Vector512.Create(_weightDecay) * p;
            p += Vector512.Create(_negLr) * d;
        }
    }

    /// <summary>SGD with momentum (see <see cref="SgdMomentum"/>); state a = the momentum buffer.</summary>
    readonly struct SgdMomentumUpdate(float lr, float momentum, float dampening, float weightDecay, bool nesterov, bool firstStep)
        : IFusedUpdate
    {
        readonly float _negLr = -lr, _momentum = momentum, _oneMinusDampening = 1f - dampening, _weightDecay = weightDecay;
        readonly bool _nesterov = nesterov, _firstStep = firstStep;

        public static int StateCount => 1;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Invoke(ref float p, float g, ref float a, ref float b)
        {
            float d = g + _weightDecay * p;
            float buf = _firstStep ? d : a * _momentum + _oneMinusDampening * d;
            a = buf;
            d = _nesterov ? d + _momentum * buf : buf;
            p += _negLr * d;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Invoke(ref Vector128<float> p, Vector128<float> g, ref Vector128<float> a, ref Vector128<float> b)
        {
            Vector128<float> d = g + Vector128.Create(_weightDecay) * p;
            Vector128<float> buf = _firstStep ? d : a * Vector128.Create(_momentum) + Vector128.Create(_oneMinusDampening) * d;
            a = buf;
            d = _nesterov ? d + Vector128.Create(_momentum) * buf : buf;
            p += Vector128.Create(_negLr) * d;
        }


        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Invoke(ref Vector256<float> p, Vector256<float> g, ref Vector256<float> a, ref Vector256<float> b)
        {
            Vector256<float> d = g + Vector256.Create(_weightDecay) * p;
            Vector256<float> buf = _firstStep ? d : a * Vector256.Create(_momentum) + Vector256.Create(_oneMinusDampening) * d;
            a = buf;
            d = _nesterov ? d + Vector256.Create(_momentum) * buf : buf;
            p += Vector256.Create(_negLr) * d;
        }


        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Invoke(ref Vector512<float> p, Vector512<float> g, ref Vector512<float> a, ref Vector512<float> b)
        {
            Vector512<float> d = g + Vector512.Create(_weightDecay) * p;
            Vector512<float> buf = _firstStep ? d : a * Vector512.Create(_momentum) + Vector512.Create(_oneMinusDampening) * d;
            a = buf;
            d = _nesterov ? d + Vector512.Create(_momentum) * buf : buf;
            p += Vector512.Create(_negLr) * d;
        }
    }

    /// <summary>Adam / AdamW (see <see cref="Adam"/>, <see cref="AdamW"/>); states a = m, b = v.</summary>
    readonly struct AdamUpdate : IFusedUpdate
    {
        readonly float _w1, _oneMinusW1, _beta2, _oneMinusBeta2, _eps, _weightDecay, _decay, _bc2Sqrt, _negStepSize;
        readonly bool _decoupled, _lerpLow;

        public AdamUpdate(float lr, float beta1, float beta2, float eps, float weightDecay, int step, bool decoupled)
        {
            // PyTorch computes the step scalars in double (Python floats) and rounds them once.
            double bc1 = 1.0 - Math.Pow(beta1, step);
            double bc2 = 1.0 - Math.Pow(beta2, step);
            _negStepSize = (float)(-(lr / bc1));
            _bc2Sqrt = (float)Math.Sqrt(bc2);
            _w1 = 1f - beta1;
            _oneMinusW1 = 1f - _w1;
            _lerpLow = _w1 < 0.5f; // torch.lerp switches formula at weight 0.5 for accuracy
            _beta2 = beta2;
            _oneMinusBeta2 = 1f - beta2;
            _eps = eps;
            _decoupled = decoupled;
            _weightDecay = decoupled ? 0f : weightDecay;
            _decay = (float)(1.0 - (double)lr * weightDecay);
        }

        public static int StateCount => 2;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Invoke(ref float p, float g, ref float a, ref float b)
        {
            float d = g;
            if (_decoupled) p *= _decay;
            else d = g + _weightDecay * p;
            a = _lerpLow ? a + _w1 * (d - a) : d - (d - a) * _oneMinusW1;
            b = b * _beta2 + _oneMinusBeta2 * d * d;
            float denom = MathF.Sqrt(b) / _bc2Sqrt + _eps;
            p += _negStepSize * (a / denom);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Invoke(ref Vector128<float> p, Vector128<float> g, ref Vector128<float> a, ref Vector128<float> b)
        {
            Vector128<float> d = g;
            if (_decoupled) p *= Vector128.Create(_decay);
            else d = g + Vector128.Create(_weightDecay) * p;
            a = _lerpLow ? a + Vector128.Create(_w1) * (d - a) : d - (d - a) * Vector128.Create(_oneMinusW1);
            b = b * Vector128.Create(_beta2) + Vector128.Create(_oneMinusBeta2) * d * d;
            Vector128<float> denom = Vector128.Sqrt(b) / Vector128.Create(_bc2Sqrt) + Vector128.Create(_eps);
            p += Vector128.Create(_negStepSize) * (a / denom);
        }


        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Invoke(ref Vector256<float> p, Vector256<float> g, ref Vector256<float> a, ref Vector256<float> b)
        {
            Vector256<float> d = g;
            if (_decoupled) p *= Vector256.Create(_decay);
            else d = g + Vector256.Create(_weightDecay) * p;
            a = _lerpLow ? a + Vector256.Create(_w1) * (d - a) : d - (d - a) * Vector256.Create(_oneMinusW1);
            b = b * Vector256.Create(_beta2) + Vector256.Create(_oneMinusBeta2) * d * d;
            Vector256<float> denom = Vector256.Sqrt(b) / Vector256.Create(_bc2Sqrt) + Vector256.Create(_eps);
            p += Vector256.Create(_negStepSize) * (a / denom);
        }


        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Invoke(ref Vector512<float> p, Vector512<float> g, ref Vector512<float> a, ref Vector512<float> b)
        {
            Vector512<float> d = g;
            if (_decoupled) p *= Vector512.Create(_decay);
            else d = g + Vector512.Create(_weightDecay) * p;
            a = _lerpLow ? a + Vector512.Create(_w1) * (d - a) : d - (d - a) * Vector512.Create(_oneMinusW1);
            b = b * Vector512.Create(_beta2) + Vector512.Create(_oneMinusBeta2) * d * d;
            Vector512<float> denom = Vector512.Sqrt(b) / Vector512.Create(_bc2Sqrt) + Vector512.Create(_eps);
            p += Vector512.Create(_negStepSize) * (a / denom);
        }
    }
}
