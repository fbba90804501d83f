using System.Buffers.Binary;
using System.Text;

namespace NeuroCore.Data;

/// <summary>
/// Turns a static image set into an event-camera set (saccades → <see cref="DvsEmulator"/> → binary frames) and
/// caches the result on disk.
/// </summary>
/// <remarks>
/// Sample i is the image moved by <see cref="Saccades"/>, seen by one fixed sensor (seed
/// <see cref="DvsDatasetOptions.Seed"/>) with noise from Philox stream <c>streamBase + i</c>, binned to
/// [T, 2, S, S] and clipped at 1. It is stored in a <see cref="LabeledImageSet"/> of height T·2·S and width S
/// (row t·2·S + c·S + y is time bin t, polarity c (0 ON, 1 OFF), row y). Sample i depends only on the settings,
/// the image and i, so a set of the first n images is a prefix of a larger one.
/// <para>
/// Cache file (little-endian): magic <c>NCDVSSET</c>, version, every setting, the count, the labels, one FNV-1a hash per
/// source image and label, the frames one bit per value, and an FNV-1a checksum
/// of everything before it. A file of another version, other settings, another source or fewer samples is rebuilt
/// (the progress says why); a file that is not a cache, is truncated or fails its checksum throws
/// <see cref="DvsCacheException"/>: nothing is silently misread.
/// </para>
/// </remarks>
public static class DvsDataset
{
    /// <summary>The cache format version; a file of another version is rebuilt.</summary>
    public const int CacheVersion = 1;

    static ReadOnlySpan<byte> Magic => "NCDVSSET"u8;

    /// <summary>
    /// Converts <paramref name="source"/> (no cache). <paramref name="streamBase"/> is the noise stream of sample 0
    /// (use 1 for training and 1 + 2³² for test sets).
    /// </summary>
    public static LabeledImageSet Convert(LabeledImageSet source, DvsDatasetOptions options, ulong streamBase, string name,
        int threads = 1, IProgress<DvsBuildProgress>? progress = null, string split = "train")
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        byte[] bits = Build(source, options, streamBase, threads, progress, split);
        return ToSet(name, source, options, bits, source.Count);
    }

    /// <summary>
    /// Loads the converted <paramref name="source"/> from <paramref name="cachePath"/> when the cache matches (same
    /// version, settings, source and at least as many samples; a larger cache gives its prefix), or converts it and
    /// writes the cache (to a temporary file, then renamed).
    /// </summary>
    /// <exception cref="DvsCacheException">The file is not a DVS cache, is truncated or fails its checksum.</exception>
    public static LabeledImageSet LoadOrBuild(LabeledImageSet source, DvsDatasetOptions options, ulong streamBase, string name,
        string cachePath, int threads = 1, IProgress<DvsBuildProgress>? progress = null, string split = "train")
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(cachePath);
        options.Validate();
        int canvas = options.CanvasFor(source.Height, source.Width);
        byte[] header = Header(source, options, streamBase, canvas);
        int sampleBytes = SampleBytes(options, canvas);
        if (File.Exists(cachePath))
        {
            var (bits, count, stale) = TryRead(cachePath, header, sampleBytes, source);
            if (stale is null)
            {
                progress?.Report(new DvsBuildProgress(split, source.Count, source.Count, $"read {source.Count} of {count} cached samples from {cachePath}"));
                return ToSet(name, source, options, bits!, source.Count);
            }
            progress?.Report(new DvsBuildProgress(split, 0, source.Count, $"rebuilding {cachePath}: {stale}"));
        }
        byte[] built = Build(source, options, streamBase, threads, progress, split);
        Write(cachePath, header, source, built);
        return ToSet(name, source, options, built, source.Count);
    }

    static int SampleValues(DvsDatasetOptions options, int canvas) => options.Steps * 2 * canvas * canvas;

    static int SampleBytes(DvsDatasetOptions options, int canvas) => (SampleValues(options, canvas) + 7) / 8;

    static byte[] Build(LabeledImageSet source, DvsDatasetOptions options, ulong streamBase, int threads, IProgress<DvsBuildProgress>? progress, string split)
    {
        int canvas = options.CanvasFor(source.Height, source.Width);
        var sensor = new DvsEmulator(canvas, canvas, options.Emulator, options.Seed);
        int frames = Saccades.FrameCount(options.FramesPerSaccade);
        int ticks = sensor.Ticks(frames);
        int values = SampleValues(options, canvas), bytes = SampleBytes(options, canvas);
        var bits = new byte[(long)source.Count * bytes];
        int done = 0;
        progress?.Report(new DvsBuildProgress(split, 0, source.Count, null));
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) };
        Parallel.For(0, source.Count, parallel,
            () => (Frames: new float[frames * canvas * canvas], Binned: new float[values], Events: new List<DvsEvent>()),
            (i, _, scratch) =>
            {
                Saccades.Render(source.Image(i), source.Height, source.Width, options.Amplitude, options.FramesPerSaccade, canvas, scratch.Frames);
                scratch.Events.Clear();
                sensor.Emulate(scratch.Frames, streamBase + (ulong)i, scratch.Events);
                DvsFrames.Bin(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(scratch.Events), ticks, options.Steps, canvas, canvas, clipAtOne: true, scratch.Binned);
                var dst = bits.AsSpan((int)((long)i * bytes), bytes);
                for (int v = 0; v < values; v++)
                    if (scratch.Binned[v] != 0f) dst[v >> 3] |= (byte)(1 << (v & 7));
                int now = Interlocked.Increment(ref done);
                if (progress is not null && (now % 500 == 0 || now == source.Count))
                    progress.Report(new DvsBuildProgress(split, now, source.Count, null));
                return scratch;
            },
            _ => { });
        return bits;
    }

    static LabeledImageSet ToSet(string name, LabeledImageSet source, DvsDatasetOptions options, byte[] bits, int count)
    {
        int canvas = options.CanvasFor(source.Height, source.Width);
        int values = SampleValues(options, canvas), bytes = SampleBytes(options, canvas);
        var pixels = new float[(long)count * values];
        for (int i = 0; i < count; i++)
        {
            var src = bits.AsSpan((int)((long)i * bytes), bytes);
            var dst = pixels.AsSpan((int)((long)i * values), values);
            for (int v = 0; v < values; v++) dst[v] = (src[v >> 3] >> (v & 7)) & 1;
        }
        return new LabeledImageSet(name, options.Steps * 2 * canvas, canvas, source.Classes, pixels,
            source.Labels.AsSpan(0, count).ToArray(), source.ClassNames);
    }

    /// <summary>The header up to (not including) the count: magic, version, settings, source shape.</summary>
    static byte[] Header(LabeledImageSet source, DvsDatasetOptions options, ulong streamBase, int canvas)
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(CacheVersion);
        w.Write(options.Steps);
        w.Write(options.Amplitude);
        w.Write(options.FramesPerSaccade);
        w.Write(canvas);
        w.Write(options.Seed);
        w.Write(streamBase);
        var e = options.Emulator;
        w.Write(e.Contrast);
        w.Write(e.ContrastMismatch);
        w.Write(e.MinContrast);
        w.Write(e.SubSteps);
        w.Write(e.RefractorySubSteps);
        w.Write(e.NoiseRate);
        w.Write(source.Height);
        w.Write(source.Width);
        w.Write(source.Classes);
        w.Flush();
        return ms.ToArray();
    }

    /// <summary>Reads a cache: (bits, count, null) when usable, (null, 0, reason) when stale; throws when malformed.</summary>
    static (byte[]? Bits, int Count, string? Stale) TryRead(string path, byte[] header, int sampleBytes, LabeledImageSet source)
    {
        byte[] file = File.ReadAllBytes(path);
        if (file.Length < Magic.Length || !file.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new DvsCacheException(path, "it does not start with the DVS cache magic 'NCDVSSET' (not a cache file).");
        if (file.Length < Magic.Length + 4)
            throw new DvsCacheException(path, $"it is truncated at byte {file.Length} inside the header.");
        int version = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(Magic.Length));
        if (version != CacheVersion)
            return (null, 0, $"it has format version {version}, this build writes {CacheVersion}");
        int fixedLength = header.Length + 4;
        if (file.Length < fixedLength + 8)
            throw new DvsCacheException(path, $"it is truncated at byte {file.Length} inside the header ({fixedLength + 8} bytes at least).");
        ulong checksum = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(file.Length - 8));
        if (Fnv(file.AsSpan(0, file.Length - 8)) != checksum)
            throw new DvsCacheException(path, "its checksum does not match its contents (the file is corrupt or truncated).");
        if (!file.AsSpan(0, header.Length).SequenceEqual(header))
            return (null, 0, "it was built with other settings (T, saccades, canvas, sensor seed, noise streams or emulator)");
        int count = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(header.Length));
        if (count < 0 || (long)fixedLength + ((long)count * (1 + 8 + sampleBytes)) + 8 != file.Length)
            throw new DvsCacheException(path, $"it declares {count} samples of {sampleBytes} bytes but holds {file.Length} bytes.");
        if (count < source.Count)
            return (null, 0, $"it holds {count} samples and {source.Count} are asked for");
        var labels = file.AsSpan(fixedLength, count);
        for (int i = 0; i < count; i++)
            if (labels[i] >= source.Classes)
                throw new DvsCacheException(path, $"label {i} is {labels[i]}, not below the class count {source.Classes}.");
        var hashes = file.AsSpan(fixedLength + count, count * 8);
        for (int i = 0; i < source.Count; i++)
        {
            if (BinaryPrimitives.ReadUInt64LittleEndian(hashes[(i * 8)..]) != SampleHash(source, i))
                return (null, 0, $"its sample {i} was built from another image");
        }
        var bits = file.AsSpan(fixedLength + (count * 9), source.Count * sampleBytes).ToArray();
        return (bits, count, null);
    }

    static void Write(string path, byte[] header, LabeledImageSet source, byte[] bits)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        string temp = path + ".tmp";
        int n = source.Count;
        var all = new byte[header.Length + 4 + (n * 9) + bits.Length + 8];
        header.CopyTo(all, 0);
        int at = header.Length;
        BinaryPrimitives.WriteInt32LittleEndian(all.AsSpan(at), n);
        at += 4;
        source.Labels.CopyTo(all, at);
        at += n;
        for (int i = 0; i < n; i++, at += 8) BinaryPrimitives.WriteUInt64LittleEndian(all.AsSpan(at), SampleHash(source, i));
        bits.CopyTo(all, at);
        at += bits.Length;
        BinaryPrimitives.WriteUInt64LittleEndian(all.AsSpan(at), Fnv(all.AsSpan(0, at)));
        File.WriteAllBytes(temp, all);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>FNV-1a over image <paramref name="index"/>'s pixel bits and its label.</summary>
    static ulong SampleHash(LabeledImageSet source, int index)
    {
        ulong h = Fnv(System.Runtime.InteropServices.MemoryMarshal.AsBytes(source.Image(index)));
        return Fnv([source.Labels[index]], h);
    }

    static ulong Fnv(ReadOnlySpan<byte> data, ulong h = 14695981039346656037UL)
    {
        foreach (byte b in data) h = (h ^ b) * 1099511628211UL;
        return h;
    }
}
