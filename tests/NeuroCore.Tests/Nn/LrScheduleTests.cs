using NeuroCore.Nn;
using Xunit;

namespace NeuroCore.Tests.Nn;

/// <summary>Schedules against PyTorch's closed forms, computed by hand.</summary>
public class LrScheduleTests
{
    static Sgd Optimizer(float lr)
    {
        var s = new ParameterStore();
        s.Add("w", new Shape(1));
        return new Sgd(s, lr);
    }

    [Fact]
    public void CosineLr_MatchesCosineAnnealingLR()
    {
        var opt = Optimizer(0.1f);
        var sched = new CosineLr(opt, totalSteps: 10, minLearningRate: 0.001f);
        // η_t = 0.001 + 0.099·(1 + cos(πt/10))/2: t = 0 → 0.1, t = 3 → 0.001 + 0.099·0.79389263 = 0.07959537, t = 5 → 0.0505, t = 10 → 0.001.
        Assert.Equal(0.1f, opt.LearningRate, 6);
        for (int t = 1; t <= 3; t++) sched.Step();
        Assert.Equal(0.07959537f, opt.LearningRate, 6);
        sched.Step();
        sched.Step();
        Assert.Equal(0.0505f, opt.LearningRate, 6);
        Assert.Equal(0.001f, sched.LearningRateAt(10), 6);
        // Past T the cosine goes back up, as PyTorch's closed form does: t = 15 mirrors t = 5.
        Assert.Equal(0.0505f, sched.LearningRateAt(15), 6);
    }

    [Fact]
    public void CosineLr_WithWarmup_MatchesSequentialLinearThenCosine()
    {
        var opt = Optimizer(0.1f);
        var sched = new CosineLr(opt, totalSteps: 12, minLearningRate: 0.001f, warmupSteps: 2, warmupStartFactor: 1f / 3f);
        // LinearLR: 0.1·(1/3 + (2/3)·t/2) → t = 0: 0.0333333, t = 1: 0.0666667; then cosine over 10 steps from t = 2.
        Assert.Equal(0.0333333f, sched.LearningRateAt(0), 6);
        Assert.Equal(0.0666667f, sched.LearningRateAt(1), 6);
        Assert.Equal(0.1f, sched.LearningRateAt(2), 6);
        Assert.Equal(0.0505f, sched.LearningRateAt(7), 6);
        Assert.Equal(0.001f, sched.LearningRateAt(12), 6);
        sched.StepCount = 7; // resume
        Assert.Equal(0.0505f, opt.LearningRate, 6);
    }

    [Fact]
    public void StepLr_MatchesStepLR()
    {
        var opt = Optimizer(0.1f);
        var sched = new StepLr(opt, stepSize: 3, gamma: 0.5f);
        var seen = new List<float> { opt.LearningRate };
        for (int i = 0; i < 6; i++)
        {
            sched.Step();
            seen.Add(opt.LearningRate);
        }
        Assert.Equal([0.1f, 0.1f, 0.1f, 0.05f, 0.05f, 0.05f, 0.025f], seen.Select(v => MathF.Round(v, 6)));
    }

    [Fact]
    public void CosineLr_TotalNotAboveWarmup_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineLr(Optimizer(0.1f), totalSteps: 3, warmupSteps: 3));
}
