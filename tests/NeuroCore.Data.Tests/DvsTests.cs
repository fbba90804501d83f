using FsCheck;
using FsCheck.Xunit;

namespace NeuroCore.Data.Tests;

public sealed class DvsTests
{
    static readonly DvsEmulatorOptions Quiet = new() { NoiseRate = 0f, RefractorySubSteps = 0 };

    /// <summary>F frames of a sensor where every pixel follows <paramref name="intensity"/>(frame).</summary>
    static float[] Uniform(int frames, int pixels, Func<int, float> intensity)
    {
        var f = new float[frames * pixels];
        for (int j = 0; j < frames; j++) f.AsSpan(j * pixels, pixels).Fill(intensity(j));
        return f;
    }

    static List<DvsEvent> Run(DvsEmulator sensor, float[] frames, ulong stream = 1)
    {
        var events = new List<DvsEvent>();
        sensor.Emulate(frames, stream, events);
        return events;
    }

    [Property(MaxTest = 20)]
    public void StaticImage_NoNoise_GivesNoEvents(ulong seed)
    {
        var rng = new NeuroCore.Kernels.PhiloxGenerator(seed, 9);
        var image = new float[12 * 10];
        for (int i = 0; i < image.Length; i++) image[i] = rng.NextFloat();
        var frames = new float[7 * image.Length];
        for (int j = 0; j < 7; j++) image.CopyTo(frames, j * image.Length);
        var sensor = new DvsEmulator(12, 10, new DvsEmulatorOptions { NoiseRate = 0f }, seed);
        Assert.Empty(Run(sensor, frames));
    }

    [Theory]
    [InlineData(0.05f, 0.9f, 0)]
    [InlineData(0.9f, 0.05f, 0)]
    [InlineData(0.0f, 1.0f, 0)]
    [InlineData(0.2f, 0.6f, 1)]
    public void Ramp_GivesDeltaLogOverContrastEvents_PerPixel(float from, float to, int refractory)
    {
        const int frames = 21, pixels = 25;
        var sensor = new DvsEmulator(5, 5, Quiet with { RefractorySubSteps = refractory }, seed: 3);
        var f = Uniform(frames, pixels, j => from + ((to - from) * j / (frames - 1)));
        var events = Run(sensor, f);
        double dLog = Math.Log(to + 1e-3) - Math.Log(from + 1e-3);
        int expectedPolarity = Math.Sign(dLog);
        for (int p = 0; p < pixels; p++)
        {
            var mine = events.Where(e => (e.Y * 5) + e.X == p).ToList();
            double expected = Math.Abs(dLog) / sensor.Thresholds[p];
            // Every crossing is emitted and the leftover stays below one threshold: count = floor(|ΔL|/C) (± rounding).
            Assert.InRange(mine.Count, Math.Floor(expected) - 1, Math.Floor(expected) + (refractory == 0 ? 0 : 0));
            Assert.InRange(mine.Count, expected - 1.01, expected + 0.01);
            Assert.All(mine, e => Assert.Equal(expectedPolarity, e.Polarity));
        }
        // Mismatch is on: thresholds differ between pixels, so the counts are per pixel, not one number.
        Assert.True(sensor.Thresholds.ToArray().Distinct().Count() > 1);
    }

    [Fact]
    public void Ramp_WithoutMismatch_IsExactlyFloorOfDeltaLogOverC()
    {
        var sensor = new DvsEmulator(1, 1, Quiet with { ContrastMismatch = 0f }, seed: 1);
        var events = Run(sensor, Uniform(11, 1, j => 0.1f + (0.08f * j)));
        double dLog = Math.Log(0.9 + 1e-3) - Math.Log(0.1 + 1e-3);
        Assert.Equal((int)Math.Floor(dLog / 0.2), events.Count);
        Assert.Equal(0.2f, sensor.Thresholds[0]);
    }

    [Fact]
    public void Polarity_FlipsWithTheRamp()
    {
        const int half = 10;
        var sensor = new DvsEmulator(3, 3, Quiet, seed: 5);
        var frames = Uniform((2 * half) + 1, 9, j => j <= half ? 0.05f + (0.09f * j) : 0.95f - (0.09f * (j - half)));
        var events = Run(sensor, frames);
        int turn = half * sensor.Options.SubSteps;
        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.Equal(e.T <= turn ? 1 : -1, e.Polarity));
        int on = events.Count(e => e.Polarity > 0), off = events.Count(e => e.Polarity < 0);
        Assert.InRange(off, on - 9, on + 9); // the same |Δ ln I| each way, ±1 per pixel
    }

    [Fact]
    public void Refractory_NoTwoSignalEventsOfAPixelWithinThePeriod()
    {
        var sensor = new DvsEmulator(4, 4, new DvsEmulatorOptions { NoiseRate = 0f, RefractorySubSteps = 2, SubSteps = 2 }, seed: 2);
        var frames = Uniform(9, 16, j => j % 2 == 0 ? 0.1f : 0.9f);
        var events = Run(sensor, frames);
        foreach (var pixel in events.GroupBy(e => (e.X, e.Y)))
        {
            var ticks = pixel.Select(e => e.T).Distinct().Order().ToArray();
            for (int i = 1; i < ticks.Length; i++) Assert.True(ticks[i] - ticks[i - 1] > 2, $"ticks {ticks[i - 1]} and {ticks[i]}");
        }
        // The same input without the refractory period gives more events.
        Assert.True(Run(new DvsEmulator(4, 4, Quiet with { SubSteps = 2 }, 2), frames).Count > events.Count);
    }

    [Fact]
    public void Noise_HasTheConfiguredRate_AndIsSeeded()
    {
        const int side = 34, frames = 31;
        var sensor = new DvsEmulator(side, side, new DvsEmulatorOptions { NoiseRate = 0.01f }, seed: 7);
        var f = Uniform(frames, side * side, _ => 0.5f);
        var events = Run(sensor, f, stream: 11);
        double expected = 0.01 * (frames - 1) * side * side; // 346.8
        Assert.InRange(events.Count, expected - (5 * Math.Sqrt(expected)), expected + (5 * Math.Sqrt(expected)));
        Assert.InRange(events.Count(e => e.Polarity > 0), events.Count * 0.35, events.Count * 0.65);
        Assert.Equal(events, Run(sensor, f, stream: 11));
        Assert.NotEqual(events, Run(sensor, f, stream: 12));
        Assert.True(events.Zip(events.Skip(1)).All(p => p.First.T <= p.Second.T), "events in time order");
    }

    [Fact]
    public void Emulate_BadInput_Throws()
    {
        var sensor = new DvsEmulator(2, 2, Quiet, 1);
        Assert.Throws<ArgumentException>(() => sensor.Emulate(new float[7], 1, []));
        Assert.Throws<ArgumentException>(() => sensor.Emulate(new float[] { 0, 0, 0, 1.5f, 0, 0, 0, 0 }, 1, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => sensor.Emulate(new float[8], 0, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DvsEmulator(2, 2, new DvsEmulatorOptions { Contrast = 0f }, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DvsEmulator(2, 2, new DvsEmulatorOptions { SubSteps = 0 }, 1));
    }

    [Fact]
    public void Saccades_FollowTheTriangle_AndIntegerShiftsAreExactTranslations()
    {
        Assert.Equal((0f, -3f), Saccades.Shift(0, 10, 3));
        Assert.Equal((3f, 3f), Saccades.Shift(10, 10, 3));
        Assert.Equal((-3f, 3f), Saccades.Shift(20, 10, 3));
        Assert.Equal((0f, -3f), Saccades.Shift(30, 10, 3));
        Assert.Equal((1.5f, 0f), Saccades.Shift(5, 10, 3));
        Assert.Equal(34, Saccades.CanvasSize(28, 28, 3));

        var image = new float[4 * 4];
        for (int i = 0; i < image.Length; i++) image[i] = (i + 1) / 16f;
        const int canvas = 10, fps = 2;
        var frames = new float[Saccades.FrameCount(fps) * canvas * canvas];
        Saccades.Render(image, 4, 4, 3, fps, canvas, frames);
        // Frame 0: shift (0, −3), so image pixel (r, c) lands on canvas (r + 3 − 3, c + 3).
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 4; c++)
                Assert.Equal(image[(r * 4) + c], frames[(r * canvas) + c + 3], 6);
        Assert.Equal(image.Sum(), frames.AsSpan(0, canvas * canvas).ToArray().Sum(), 4);
        // Frame 1 is half-way to (3, 3): shift (1.5, 0) is a bilinear blend; the mass is kept inside the canvas.
        Assert.Equal(image.Sum(), frames.AsSpan(canvas * canvas, canvas * canvas).ToArray().Sum(), 4);
    }

    [Fact]
    public void Bin_CountsOrClips_IntoTimeBinsAndPolarities()
    {
        DvsEvent[] events = [new(1, 0, 1, 1), new(1, 0, 2, 1), new(0, 1, 12, -1), new(0, 1, 7, 1)];
        var counts = new float[3 * 2 * 2 * 2];
        DvsFrames.Bin(events, ticks: 12, steps: 3, height: 2, width: 2, clipAtOne: false, counts);
        Assert.Equal(2f, counts[(0 * 8) + (0 * 4) + 1]);           // bin 0, ON, (y 0, x 1)
        Assert.Equal(1f, counts[(2 * 8) + (1 * 4) + 2]);           // tick 12 → bin 2, OFF, (y 1, x 0)
        Assert.Equal(1f, counts[(1 * 8) + (0 * 4) + 2]);           // tick 7 → bin (6·3)/12 = 1
        Assert.Equal(4f, counts.Sum());
        var clipped = new float[counts.Length];
        DvsFrames.Bin(events, 12, 3, 2, 2, clipAtOne: true, clipped);
        Assert.Equal(1f, clipped[1]);
        Assert.Equal(3f, clipped.Sum());
        Assert.Throws<ArgumentException>(() => DvsFrames.Bin([new(2, 0, 1, 1)], 12, 3, 2, 2, false, counts));
        Assert.Throws<ArgumentException>(() => DvsFrames.Bin([new(0, 0, 13, 1)], 12, 3, 2, 2, false, counts));
        Assert.Throws<ArgumentException>(() => DvsFrames.Bin(events, 12, 3, 2, 2, false, new float[5]));
    }

    static DatasetSplit SmallShapes(int train = 24, int test = 8) =>
        new(BuiltinShapes.Generate(train, 21), BuiltinShapes.Generate(test, 22));

    [Fact]
    public void Dataset_IsBinaryFramesWithEvents_AndDeterministic_AndThreadIndependent()
    {
        var images = SmallShapes();
        var a = DvsFashionMnist.FromImages(images, cacheDir: null, threads: 1);
        var b = DvsFashionMnist.FromImages(images, cacheDir: null, threads: 2);
        Assert.Equal((8 * 2 * 32, 32), (a.Train.Height, a.Train.Width));
        Assert.Equal(a.Train.Pixels, b.Train.Pixels);
        Assert.Equal(a.Test.Pixels, b.Test.Pixels);
        Assert.Equal(images.Train.Labels, a.Train.Labels);
        Assert.All(a.Train.Pixels, v => Assert.True(v is 0f or 1f));
        // Every sample moves, so every sample has events, and in both polarities.
        int plane = 32 * 32;
        for (int i = 0; i < a.Train.Count; i++)
        {
            var s = a.Train.Image(i);
            float on = 0, off = 0;
            for (int t = 0; t < 8; t++)
            {
                on += s.Slice(((t * 2) + 0) * plane, plane).ToArray().Sum();
                off += s.Slice(((t * 2) + 1) * plane, plane).ToArray().Sum();
            }
            Assert.True(on > 20 && off > 20, $"sample {i}: {on} ON, {off} OFF");
        }
        // Train and test draw other noise streams.
        var same = DvsFashionMnist.FromImages(new DatasetSplit(images.Train, images.Train), null);
        Assert.NotEqual(same.Train.Pixels, same.Test.Pixels);
    }

    sealed class Notes : IProgress<DvsBuildProgress>
    {
        public List<DvsBuildProgress> Seen { get; } = [];

        public void Report(DvsBuildProgress value) => Seen.Add(value);
    }

    [Fact]
    public void Cache_RoundTrips_ServesPrefixes_RebuildsWhenStale_AndRefusesCorruptFiles()
    {
        string dir = Path.Combine(Path.GetTempPath(), "nc-dvs-" + Guid.NewGuid().ToString("N"));
        try
        {
            var images = SmallShapes(16, 4);
            var notes = new Notes();
            var built = DvsFashionMnist.FromImages(images, dir, progress: notes);
            Assert.Contains(notes.Seen, n => n.Done == 16 && n.Total == 16 && n.Split == "train");
            string trainPath = Path.Combine(dir, "dvs-fmnist-train.bin");
            Assert.True(File.Exists(trainPath));

            notes.Seen.Clear();
            var again = DvsFashionMnist.FromImages(images, dir, progress: notes);
            Assert.Equal(built.Train.Pixels, again.Train.Pixels);
            Assert.Contains(notes.Seen, n => n.Note?.StartsWith("read 16 of 16", StringComparison.Ordinal) == true);

            // A smaller limit reads the prefix of the cache.
            var prefix = DvsFashionMnist.FromImages(new DatasetSplit(images.Train.Subset(5), images.Test), dir);
            Assert.Equal(built.Train.Pixels.AsSpan(0, 5 * built.Train.ImageSize).ToArray(), prefix.Train.Pixels);

            // Other settings: rebuilt (and says why), never misread.
            notes.Seen.Clear();
            var other = DvsFashionMnist.FromImages(images, dir, new DvsDatasetOptions { Steps = 4 }, progress: notes);
            Assert.Equal(4 * 2 * 32, other.Train.Height);
            Assert.Contains(notes.Seen, n => n.Note?.Contains("other settings", StringComparison.Ordinal) == true);

            // Other images: rebuilt.
            notes.Seen.Clear();
            var otherImages = new DatasetSplit(BuiltinShapes.Generate(16, 99), images.Test);
            DvsFashionMnist.FromImages(otherImages, dir, new DvsDatasetOptions { Steps = 4 }, progress: notes);
            Assert.Contains(notes.Seen, n => n.Note?.Contains("another image", StringComparison.Ordinal) == true);

            // A flipped bit, a truncation or a foreign file: a clear error naming the file.
            byte[] good = File.ReadAllBytes(trainPath);
            var flipped = (byte[])good.Clone();
            flipped[good.Length / 2] ^= 0x10;
            File.WriteAllBytes(trainPath, flipped);
            var e = Assert.Throws<DvsCacheException>(() => DvsFashionMnist.FromImages(otherImages, dir, new DvsDatasetOptions { Steps = 4 }));
            Assert.Contains("checksum", e.Message, StringComparison.Ordinal);
            Assert.Contains(trainPath, e.Message, StringComparison.Ordinal);
            File.WriteAllBytes(trainPath, good.AsSpan(0, good.Length - 100).ToArray());
            Assert.Throws<DvsCacheException>(() => DvsFashionMnist.FromImages(otherImages, dir, new DvsDatasetOptions { Steps = 4 }));
            File.WriteAllBytes(trainPath, "hello world, not a cache"u8.ToArray());
            e = Assert.Throws<DvsCacheException>(() => DvsFashionMnist.FromImages(otherImages, dir, new DvsDatasetOptions { Steps = 4 }));
            Assert.Contains("magic", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
