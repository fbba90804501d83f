using NeuroCore.Checkpoints;
using NeuroCore.Nn;
using NeuroCore.Tests.Checkpoints;
using Xunit;

namespace NeuroCore.Tests.Nn;

/// <summary>
/// Optimizers against values computed by hand from PyTorch's update rules (torch.optim.SGD/Adam/AdamW), one parameter
/// p₀ = 1 with gradients 0.5, −1, 0.25 and lr = 0.1; applied to a 37-element parameter so vector bodies and tails agree.
/// </summary>
public class OptimizerTests
{
    static readonly float[] Gradients = [0.5f, -1f, 0.25f];

    static float[] Run(Func<ParameterStore, IOptimizer> create)
    {
        var store = new ParameterStore();
        var p = store.Add("p", new Shape(37));
        p.Span.Fill(1f);
        var opt = create(store);
        var trajectory = new float[Gradients.Length];
        for (int t = 0; t < Gradients.Length; t++)
        {
            store.Grads.Fill(Gradients[t]);
            opt.Step();
            Assert.All(p.ToArray(), v => Assert.Equal(p.Span[0], v));
            trajectory[t] = p.Span[0];
        }
        Assert.Equal(Gradients.Length, opt.StepCount);
        return trajectory;
    }

    static void Near(double[] expected, float[] actual)
    {
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) < 2e-6, $"step {i + 1}: expected {expected[i]}, got {actual[i]}");
    }

    static long MinorFaults()
    {
        string stat = File.ReadAllText("/proc/self/stat");
        return long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[7], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public void Adam_FirstStep_TakesNoFirstTouchPageFaults()
    {
        // Adam's moments are 2 × 16 MiB here: untouched, the first Step would fault once per 4 KiB page (~8000 times).
        if (!OperatingSystem.IsLinux()) return;
        var store = new ParameterStore();
        store.Add("p", new Shape(4 << 20));
        store.Grads.Fill(0.5f);
        store.Values.Fill(1f);
        var opt = new Adam(store);
        long before = MinorFaults();
        opt.Step();
        long faults = MinorFaults() - before;
        Assert.True(faults < 1000, $"Adam's first Step took {faults} minor page faults; its state should be touched at construction.");
        Assert.Equal(1f - 1e-3f, store.Values[0], 5);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Adam_TwoThreads_BitwiseEqualToOne_AndThreadsIsValidated(bool decoupled)
    {
        // 200,003 parameters: past the threaded update's threshold, several blocks and a scalar tail.
        float[] Train(int threads)
        {
            var store = new ParameterStore();
            var p = store.Add("p", new Shape(200_003));
            var rng = new Random(5);
            for (int i = 0; i < p.Span.Length; i++) p.Span[i] = (float)rng.NextDouble();
            using Adam opt = decoupled ? new AdamW(store, 0.01f) { Threads = threads } : new Adam(store, 0.01f, weightDecay: 1e-3f) { Threads = threads };
            Assert.Equal(threads, opt.Threads);
            for (int t = 0; t < 3; t++)
            {
                for (int i = 0; i < store.Grads.Length; i++) store.Grads[i] = (float)rng.NextDouble() - 0.5f;
                opt.Step();
            }
            return p.ToArray();
        }
        Assert.Equal(Train(1), Train(2));
        var store = new ParameterStore();
        store.Add("p", new Shape(3));
        using var adam = decoupled ? new AdamW(store) : new Adam(store);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => adam.Threads = 0);
        Assert.Contains(decoupled ? "AdamW.Threads" : "Adam.Threads", e.Message);
    }

    [Fact]
    public void Adam_Disposed_RefusesToStep_AndANewOneStartsFromZeroMoments()
    {
        var store = new ParameterStore();
        var p = store.Add("p", new Shape(1000));
        p.Span.Fill(1f);
        store.Grads.Fill(0.5f);
        var first = new Adam(store);
        first.Step();
        first.Dispose();
        first.Dispose(); // idempotent
        Assert.Throws<ObjectDisposedException>(first.Step);
        Assert.Throws<ObjectDisposedException>(() => first.SaveState());
        p.Span.Fill(1f);
        using var second = new Adam(store); // may get the first one's pooled buffers: they must start at zero
        second.Step();
        Assert.All(p.ToArray(), v => Assert.Equal(1f - 1e-3f, v, 5));
        var state = second.SaveState();
        Assert.Equal(1000, state.Buffers["exp_avg"].Length);
    }

    [Fact]
    public void Sgd_MomentumDampeningWeightDecay_MatchesHandComputedPyTorch()
    {
        // μ = 0.9, τ = 0.1, λ = 0.01.  Step 1: d = 0.5 + 0.01 = 0.51, buf = d (first step: no dampening), p = 1 − 0.051 = 0.949.
        // Step 2: d = −1 + 0.00949 = −0.99051, buf = 0.9·0.51 + 0.9·d = −0.432459, p = 0.949 + 0.0432459 = 0.9922459.
        // Step 3: d = 0.25 + 0.009922459, buf = 0.9·buf + 0.9·d, p = 1.00777419.
        Near([0.949, 0.9922459, 1.00777419], Run(s => new Sgd(s, 0.1f, momentum: 0.9f, dampening: 0.1f, weightDecay: 0.01f)));
    }

    [Fact]
    public void Sgd_Nesterov_MatchesHandComputedPyTorch()
    {
        // Step 1: d = 0.51, buf = 0.51, d ← d + 0.9·buf = 0.969, p = 1 − 0.0969 = 0.9031.
        // Step 2: d = −1 + 0.009031, buf = 0.9·0.51 + d = −0.531969, d ← d − 0.4787721 = −1.4697411, p = 1.05007411.
        Near([0.9031, 1.05007411, 1.04366846], Run(s => new Sgd(s, 0.1f, momentum: 0.9f, weightDecay: 0.01f, nesterov: true)));
    }

    [Fact]
    public void Sgd_Plain_IsGradientStep()
    {
        Near([0.95, 1.05, 1.025], Run(s => new Sgd(s, 0.1f)));
    }

    [Fact]
    public void Adam_L2Decay_MatchesHandComputedPyTorch()
    {
        // λ = 0.1 added to g. Step 1: d = 0.6, m = 0.06, v = 0.00036, m̂ = 0.6, v̂ = 0.36, p = 1 − 0.1·0.6/0.6 = 0.9.
        // Step 2: d = −1 + 0.09 = −0.91, m = 0.054 − 0.091 = −0.037, v = 0.00035964 + 0.0008281, m̂ = −0.037/0.19,
        // v̂ = 0.00118774/0.001999, p = 0.9 + 0.1·0.194737/0.770822 = 0.92526352.
        Near([0.9, 0.92526352, 0.92473057], Run(s => new Adam(s, 0.1f, weightDecay: 0.1f)));
    }

    [Fact]
    public void AdamW_DecoupledDecay_MatchesHandComputedPyTorch()
    {
        // λ = 0.1 applied to p first: step 1 p = 1·(1 − 0.01) = 0.99, then the Adam step of −0.1 (m̂/√v̂ = 1): 0.89.
        Near([0.89, 0.91771035, 0.92220232], Run(s => new AdamW(s, 0.1f, weightDecay: 0.1f)));
    }

    [Fact]
    public void Optimizer_StoreGrewAfterCreation_ThrowsWithFix()
    {
        var store = new ParameterStore();
        store.Add("a", new Shape(3));
        var opt = new Adam(store);
        store.Add("b", new Shape(2));
        var ex = Assert.Throws<InvalidOperationException>(opt.Step);
        Assert.Contains("create the optimizer after", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sgd_NesterovWithoutMomentum_Throws() =>
        Assert.Throws<ArgumentException>(() => new Sgd(new ParameterStore(), 0.1f, nesterov: true));

    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    [InlineData("adamw")]
    public void Checkpoint_ResumeMidRun_GivesBitwiseSameWeights(string kind)
    {
        static IOptimizer Make(string kind, ParameterStore s) => kind switch
        {
            "sgd" => new Sgd(s, 0.05f, momentum: 0.9f, weightDecay: 1e-3f),
            "adam" => new Adam(s, 0.01f, weightDecay: 1e-3f),
            _ => new AdamW(s, 0.01f),
        };
        static ParameterStore Store()
        {
            var s = new ParameterStore();
            s.Add("w", new Shape(5, 3));
            s.Add("b", new Shape(5));
            for (int i = 0; i < s.Count; i++) s.Values[i] = MathF.Sin(i);
            return s;
        }
        static void Step(ParameterStore s, IOptimizer o, int t)
        {
            for (int i = 0; i < s.Count; i++) s.Grads[i] = MathF.Cos((i * 0.7f) + t) + (0.1f * s.Values[i]);
            o.Step();
        }

        var straight = Store();
        var o1 = Make(kind, straight);
        for (int t = 0; t < 5; t++) Step(straight, o1, t);

        using var dir = new TempDirectory();
        string path = dir.File("resume.safetensors");
        var first = Store();
        var o2 = Make(kind, first);
        for (int t = 0; t < 3; t++) Step(first, o2, t);
        o2.LearningRate *= 0.5f; // the learning rate travels with the state too
        Checkpoint.Save(path, first, o2);

        var resumed = Store();
        var o3 = Make(kind, resumed);
        Checkpoint.Load(path, resumed, o3);
        Assert.Equal(3, o3.StepCount);
        Assert.Equal(o2.LearningRate, o3.LearningRate);
        o3.LearningRate = o1.LearningRate;
        for (int t = 3; t < 5; t++) Step(resumed, o3, t);
        Assert.Equal(straight.Values.ToArray(), resumed.Values.ToArray());
    }

    [Fact]
    public void LoadState_WrongKind_Throws()
    {
        var s = new ParameterStore();
        s.Add("w", new Shape(2));
        var state = new Sgd(s, 0.1f, momentum: 0.9f).SaveState();
        var ex = Assert.Throws<InvalidOperationException>(() => new Adam(s).LoadState(state));
        Assert.Contains("'sgd'", ex.Message, StringComparison.Ordinal);
    }
}
