using System.Buffers.Binary;
using System.Text;
using FsCheck;
using FsCheck.Xunit;
using Xunit;
using NeuroCore.Checkpoints;

namespace NeuroCore.Tests.Checkpoints;

public class SafetensorsTests
{
    static TensorRecord Record(string name, Shape shape, int seed)
    {
        var rng = new Random(seed);
        var data = new float[shape.Size];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() * 200 - 100);
        return new TensorRecord(name, shape, data);
    }

    static byte[] ValidFile(int seed = 1)
    {
        var tensors = new[]
        {
            Record("fc1.weight", new Shape(3, 4), seed),
            Record("fc1.bias", new Shape(3), seed + 1),
            Record("scalar", Shape.Scalar, seed + 2),
            Record("empty", new Shape(0, 5), seed + 3),
            Record("bn.running_var", new Shape(2, 1, 2), seed + 4),
        };
        using var ms = new MemoryStream();
        Safetensors.Write(ms, tensors, new Dictionary<string, string> { ["arch"] = "mlp", ["note"] = "ünïcode \"quoted\"" });
        return ms.ToArray();
    }

    static SafetensorsFile ReadBytes(byte[] bytes) => Safetensors.Read(new MemoryStream(bytes, writable: false), "test.safetensors");

    [Fact]
    public void Write_ThenRead_RoundTripsShapesValuesAndMetadata()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        var tensors = new[] { Record("a", new Shape(2, 3, 4), 7), Record("b", new Shape(5), 8), Record("c", Shape.Scalar, 9), Record("z", new Shape(0), 10) };
        Safetensors.Write(path, tensors, new Dictionary<string, string> { ["k"] = "v" });

        var file = Safetensors.Read(path);
        Assert.Equal(tensors.Length, file.Tensors.Count);
        foreach (var t in tensors)
        {
            Assert.True(file.TryGet(t.Name, out var r));
            Assert.Equal(t.Shape, r.Shape);
            Assert.Equal(t.Data.ToArray(), r.Data.ToArray());
        }
        Assert.Equal("v", file.Metadata["k"]);
        Assert.Equal(0, (new FileInfo(path).Length - 8 - BinaryPrimitives.ReadInt64LittleEndian(File.ReadAllBytes(path))) % 4);
        Assert.Single(Directory.GetFiles(dir.Path)); // no temp file left behind
    }

    [Fact]
    public void Read_HandMadeFile_MatchesIndependentEncoding()
    {
        // Built byte by byte, independently of the writer: header in a different key order, offsets not in header order.
        string json = "{\"b\":{\"shape\":[1],\"dtype\":\"F32\",\"data_offsets\":[8,12]}, \"__metadata__\":{\"x\":\"y\"},"
                    + "\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,8],\"shape\":[2]}}";
        byte[] header = Encoding.UTF8.GetBytes(json);
        var bytes = new List<byte>();
        bytes.AddRange(BitConverter.GetBytes((ulong)header.Length)); // this machine is little-endian (asserted below)
        bytes.AddRange(header);
        bytes.AddRange([0x00, 0x00, 0xC0, 0x3F]); // 1.5f
        bytes.AddRange([0x00, 0x00, 0x00, 0xC0]); // -2f
        bytes.AddRange([0x00, 0x00, 0x80, 0x7F]); // +inf
        Assert.True(BitConverter.IsLittleEndian);

        var file = ReadBytes([.. bytes]);
        Assert.True(file.TryGet("a", out var a));
        Assert.Equal(new float[] { 1.5f, -2f }, a.Data.ToArray());
        Assert.True(file.TryGet("b", out var b));
        Assert.Equal(new[] { float.PositiveInfinity }, b.Data.ToArray());
        Assert.Equal("y", file.Metadata["x"]);
        Assert.Equal(["a", "b"], file.Tensors.Select(t => t.Name)); // ordered by data offset
    }

    [Fact]
    public void Write_TinyFile_ProducesExactBytes()
    {
        using var ms = new MemoryStream();
        Safetensors.Write(ms, [new TensorRecord("w", new Shape(1, 2), (float[])[1f, 0.5f])]);
        const string json = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[0,8]}}"; // 56 bytes, already a multiple of 8
        var expected = new List<byte>();
        expected.AddRange(BitConverter.GetBytes((ulong)json.Length));
        expected.AddRange(Encoding.ASCII.GetBytes(json));
        expected.AddRange([0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0x3F]);
        Assert.Equal(expected.ToArray(), ms.ToArray());
    }

    [Theory]
    [InlineData("{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,8]}}", "expected \"F32\"")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", "non-negative")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", "expected 4 × 3 = 12 bytes")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", "expected 0")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", "lacks \"data_offsets\"")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[65536,65536],\"data_offsets\":[0,8]}}", "elements")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"a\":{}}", "appears twice")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}", "not valid JSON")]
    [InlineData("[1,2]                                                       ", "expected the header's opening")]
    public void Read_BadHeader_ThrowsFormatExceptionNamingTheProblem(string json, string expectedFragment)
    {
        byte[] header = Encoding.UTF8.GetBytes(json);
        byte[] bytes = [.. BitConverter.GetBytes((ulong)header.Length), .. header, .. new byte[8]];
        var ex = Assert.Throws<CheckpointFormatException>(() => ReadBytes(bytes));
        Assert.Contains(expectedFragment, ex.Message, StringComparison.Ordinal);
        Assert.Equal("test.safetensors", ex.FileName);
        Assert.InRange(ex.Offset, 0, bytes.Length);
    }

    [Fact]
    public void Read_HeaderLengthLargerThanFile_ThrowsAtOffsetZero()
    {
        byte[] bytes = ValidFile();
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, ulong.MaxValue);
        var ex = Assert.Throws<CheckpointFormatException>(() => ReadBytes(bytes));
        Assert.Equal(0, ex.Offset);
        Assert.Contains("exceeds", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_DataSectionLongerThanTensors_Throws()
    {
        byte[] bytes = [.. ValidFile(), 0, 0, 0, 0];
        var ex = Assert.Throws<CheckpointFormatException>(() => ReadBytes(bytes));
        Assert.Contains("match exactly", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Runs the reader and reports anything other than success or the typed format error.</summary>
    static bool OnlyFormatErrors(byte[] bytes)
    {
        try
        {
            var file = ReadBytes(bytes);
            // A mutation may leave a valid file; then its tensors must fit inside what was read.
            return file.Tensors.Sum(t => (long)t.Data.Length * 4) <= bytes.Length;
        }
        catch (CheckpointFormatException ex)
        {
            return ex.Offset >= 0 && ex.Offset <= bytes.Length;
        }
    }

    [Property(MaxTest = 1500)]
    public bool Read_RandomBytes_OnlyFormatErrors(int seed, byte lengthHint)
    {
        var rng = new Random(seed);
        var bytes = new byte[lengthHint + rng.Next(0, 64)];
        rng.NextBytes(bytes);
        if (bytes.Length >= 8 && rng.Next(2) == 0) // a plausible length so the JSON parser sees random bytes too
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)rng.Next(0, bytes.Length - 7));
        return OnlyFormatErrors(bytes);
    }

    static readonly string[] JsonEdits = ["{", "}", "[", "]", ",", ":", "\"", "-1", "1e999", "18446744073709551616", "null", "\"F32\"", "\\u0000", "\\", " ", "0", "99999999999"];

    [Property(MaxTest = 3000)]
    public bool Read_MutatedValidFile_OnlyFormatErrors(int seed)
    {
        var rng = new Random(seed);
        byte[] bytes = ValidFile(seed);
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        int mutations = 1 + rng.Next(3);
        for (int m = 0; m < mutations; m++)
        {
            switch (rng.Next(5))
            {
                case 0: // bit flip anywhere (header bytes most often)
                    int at = rng.Next(2) == 0 ? rng.Next(8, 8 + headerLength) : rng.Next(bytes.Length);
                    bytes[at] ^= (byte)(1 << rng.Next(8));
                    break;
                case 1: // truncation
                    bytes = bytes[..rng.Next(bytes.Length)];
                    break;
                case 2: // header-length lie
                    if (bytes.Length >= 8)
                        BinaryPrimitives.WriteUInt64LittleEndian(bytes, rng.Next(3) switch
                        {
                            0 => (ulong)rng.NextInt64(),
                            1 => (ulong)Math.Max(0, headerLength + rng.Next(-16, 17)),
                            _ => (ulong)rng.Next(0, 16),
                        });
                    break;
                case 3: // JSON edit: replace a span of the header with a token
                {
                    if (bytes.Length < 9) break;
                    int end = Math.Min(bytes.Length, 8 + headerLength);
                    if (end <= 8) break;
                    int start = rng.Next(8, end);
                    int remove = rng.Next(0, Math.Min(6, end - start) + 1);
                    byte[] token = Encoding.UTF8.GetBytes(JsonEdits[rng.Next(JsonEdits.Length)]);
                    bytes = [.. bytes[..start], .. token, .. bytes[(start + remove)..]];
                    break;
                }
                default: // random bytes appended or a random run overwritten
                    if (rng.Next(2) == 0) bytes = [.. bytes, .. new byte[rng.Next(1, 9)]];
                    else if (bytes.Length > 0)
                    {
                        int s = rng.Next(bytes.Length);
                        rng.NextBytes(bytes.AsSpan(s, Math.Min(bytes.Length - s, rng.Next(1, 12))));
                    }
                    break;
            }
        }
        return OnlyFormatErrors(bytes);
    }

    [Fact]
    public void Read_ValidFile_ReadsBack()
    {
        var file = ReadBytes(ValidFile());
        Assert.Equal(5, file.Tensors.Count);
        Assert.Equal("mlp", file.Metadata["arch"]);
        Assert.Equal("ünïcode \"quoted\"", file.Metadata["note"]);
    }

    [Fact]
    public void Write_DuplicateNames_ThrowsBeforeCreatingTheFile()
    {
        using var dir = new TempDirectory();
        string path = dir.File("x.safetensors");
        var r = new TensorRecord("a", new Shape(1), new float[] { 1 });
        var ex = Assert.Throws<ArgumentException>(() => Safetensors.Write(path, [r, r]));
        Assert.Contains("\"a\"", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void AtomicWrite_CrashMidWrite_LeavesOldFileIntactAndNoTemp()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        File.WriteAllText(path, "old contents");
        Assert.Throws<IOException>(() => AtomicFile.Write(path, 0, static (stream, _) =>
        {
            stream.Write(new byte[1000]);
            throw new IOException("simulated crash");
        }));
        Assert.Equal("old contents", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(dir.Path));
    }
}
