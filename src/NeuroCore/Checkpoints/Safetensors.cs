using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace NeuroCore.Checkpoints;

/// <summary>
/// Reads and writes the safetensors format (float32 only): an 8-byte little-endian header length N, an N-byte
/// UTF-8 JSON header <c>{"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, "__metadata__":
/// {string: string}}</c> (padded with spaces to a multiple of 8), then the little-endian data, where offsets are
/// relative to the start of the data section and the tensors tile it exactly.
/// </summary>
/// <remarks>
/// The reader validates everything against the file size before it allocates tensor storage, and reports any
/// damage as a <see cref="CheckpointFormatException"/> naming the file, the byte offset and what was expected.
/// JSON goes through <see cref="Utf8JsonReader"/>/<see cref="Utf8JsonWriter"/>: no reflection.
/// </remarks>
public static class Safetensors
{
    /// <summary>The largest header the reader accepts (100 MiB); real headers are a few KiB.</summary>
    public const long MaxHeaderLength = 100L << 20;

    const string MetadataKey = "__metadata__";

    /// <summary>Writes <paramref name="tensors"/> and <paramref name="metadata"/> to <paramref name="path"/> atomically (temp file, flush, rename).</summary>
    public static void Write(string path, IReadOnlyList<TensorRecord> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        byte[] header = BuildHeader(tensors, metadata);
        AtomicFile.Write(path, (header, tensors), static (stream, s) => WriteBody(stream, s.header, s.tensors));
    }

    /// <summary>Writes the file to <paramref name="stream"/> (no atomicity; for in-memory use and tests).</summary>
    public static void Write(Stream stream, IReadOnlyList<TensorRecord> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensors);
        WriteBody(stream, BuildHeader(tensors, metadata), tensors);
    }

    /// <summary>Reads and validates the safetensors file at <paramref name="path"/>.</summary>
    /// <exception cref="CheckpointFormatException">The file is not a valid float32 safetensors file.</exception>
    public static SafetensorsFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Read(stream, Path.GetFileName(path));
    }

    /// <summary>Reads and validates a safetensors file from a seekable <paramref name="stream"/>; <paramref name="fileName"/> names it in errors.</summary>
    /// <exception cref="CheckpointFormatException">The bytes are not a valid float32 safetensors file.</exception>
    public static SafetensorsFile Read(Stream stream, string fileName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek) throw new ArgumentException("Safetensors.Read needs a seekable stream (its length bounds every check).", nameof(stream));
        long fileLength = stream.Length - stream.Position;
        if (fileLength < 8)
            throw new CheckpointFormatException(fileName, 0, $"expected an 8-byte header length, but the file has only {fileLength} bytes.");
        Span<byte> lengthBytes = stackalloc byte[8];
        ReadExactly(stream, lengthBytes, fileName, 0);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > (ulong)(fileLength - 8))
            throw new CheckpointFormatException(fileName, 0, $"header length {headerLength} exceeds the {fileLength - 8} bytes that follow it; expected a length that fits in the file.");
        if (headerLength > MaxHeaderLength)
            throw new CheckpointFormatException(fileName, 0, $"header length {headerLength} exceeds the {MaxHeaderLength}-byte limit; expected a small JSON header.");
        if (headerLength < 2)
            throw new CheckpointFormatException(fileName, 0, $"header length {headerLength} is too small; expected at least a JSON object '{{}}'.");

        byte[] header = new byte[(int)headerLength];
        ReadExactly(stream, header, fileName, 8);
        long dataLength = fileLength - 8 - (long)headerLength;
        var (entries, metadata) = ParseHeader(header, fileName);
        Validate(entries, dataLength, 8 + (long)headerLength, fileName);

        // Everything checks out against the file size: now allocate exactly the data section.
        var tensors = new List<TensorRecord>(entries.Count);
        long dataStart = 8 + (long)headerLength;
        foreach (var e in entries)
        {
            float[] values = e.Count == 0 ? [] : new float[e.Count];
            ReadExactly(stream, MemoryMarshal.AsBytes(values.AsSpan()), fileName, dataStart + e.Begin);
            if (!BitConverter.IsLittleEndian) ReverseEndianness(values);
            tensors.Add(new TensorRecord(e.Name, new Shape(e.Dims), values));
        }
        return new SafetensorsFile(tensors, metadata);
    }

    sealed class Entry(string name, long tokenOffset)
    {
        public string Name { get; } = name;
        public long TokenOffset { get; } = tokenOffset;
        public string? Dtype { get; set; }
        public int[]? Dims { get; set; }
        public long Begin { get; set; } = -1;
        public long End { get; set; } = -1;
        public int Count { get; set; }
    }

    static (List<Entry> Entries, Dictionary<string, string> Metadata) ParseHeader(byte[] header, string fileName)
    {
        var entries = new List<Entry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(header, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 8 });
        try
        {
            Read(ref reader, fileName);
            Expect(ref reader, fileName, JsonTokenType.StartObject, "the header's opening '{'");
            while (NextProperty(ref reader, fileName, "a tensor name or \"__metadata__\"", out string key, out long keyOffset))
            {
                if (!names.Add(key))
                    throw new CheckpointFormatException(fileName, keyOffset, $"the key \"{key}\" appears twice; expected unique tensor names.");
                if (key == MetadataKey) ParseMetadata(ref reader, fileName, metadata);
                else entries.Add(ParseEntry(ref reader, fileName, key, keyOffset));
            }
            if (reader.Read())
                throw new CheckpointFormatException(fileName, 8 + reader.TokenStartIndex, "unexpected content after the header object; expected only space padding.");
        }
        catch (JsonException ex)
        {
            throw new CheckpointFormatException(fileName, 8 + AbsoluteOffset(header, ex.LineNumber ?? 0, ex.BytePositionInLine ?? 0),
                $"the header is not valid JSON ({ex.Message}); expected a JSON object.", ex);
        }
        catch (InvalidOperationException ex)
        {
            // Utf8JsonReader.GetString reports invalid UTF-8 in a string this way.
            throw new CheckpointFormatException(fileName, 8 + reader.TokenStartIndex, $"invalid string in the header ({ex.Message}); expected UTF-8 text.", ex);
        }
        return (entries, metadata);
    }

    static void ParseMetadata(ref Utf8JsonReader reader, string fileName, Dictionary<string, string> metadata)
    {
        Read(ref reader, fileName);
        Expect(ref reader, fileName, JsonTokenType.StartObject, "an object of string values for \"__metadata__\"");
        while (NextProperty(ref reader, fileName, "a metadata key", out string key, out long keyOffset))
        {
            Read(ref reader, fileName);
            Expect(ref reader, fileName, JsonTokenType.String, $"a string value for metadata key \"{key}\"");
            if (!metadata.TryAdd(key, reader.GetString()!))
                throw new CheckpointFormatException(fileName, keyOffset, $"metadata key \"{key}\" appears twice; expected unique keys.");
        }
    }

    static Entry ParseEntry(ref Utf8JsonReader reader, string fileName, string name, long keyOffset)
    {
        var entry = new Entry(name, keyOffset);
        Read(ref reader, fileName);
        Expect(ref reader, fileName, JsonTokenType.StartObject, $"an object {{dtype, shape, data_offsets}} for tensor \"{name}\"");
        while (NextProperty(ref reader, fileName, "\"dtype\", \"shape\" or \"data_offsets\"", out string field, out long fieldOffset))
        {
            if (field == "dtype" && entry.Dtype is null)
            {
                Read(ref reader, fileName);
                Expect(ref reader, fileName, JsonTokenType.String, $"a dtype string for tensor \"{name}\"");
                entry.Dtype = reader.GetString()!;
                if (entry.Dtype != "F32")
                    throw new CheckpointFormatException(fileName, 8 + reader.TokenStartIndex, $"tensor \"{name}\" has dtype \"{entry.Dtype}\"; expected \"F32\" (NeuroCore stores float32 only).");
            }
            else if (field == "shape" && entry.Dims is null)
            {
                entry.Dims = Array.ConvertAll(ReadIntArray(ref reader, fileName, name, "shape", Shape.MaxRank, int.MaxValue), static d => (int)d);
            }
            else if (field == "data_offsets" && entry.Begin < 0)
            {
                long at = 8 + reader.TokenStartIndex;
                long[] offsets = ReadIntArray(ref reader, fileName, name, "data_offsets", 2, long.MaxValue / 2);
                if (offsets.Length != 2)
                    throw new CheckpointFormatException(fileName, at, $"tensor \"{name}\" has {offsets.Length} data_offsets; expected exactly [begin, end].");
                entry.Begin = offsets[0];
                entry.End = offsets[1];
            }
            else
            {
                throw new CheckpointFormatException(fileName, fieldOffset,
                    $"unexpected or repeated field \"{field}\" in tensor \"{name}\"; expected each of \"dtype\", \"shape\", \"data_offsets\" once.");
            }
        }
        if (entry.Dtype is null || entry.Dims is null || entry.Begin < 0)
            throw new CheckpointFormatException(fileName, keyOffset, $"tensor \"{name}\" lacks {(entry.Dtype is null ? "\"dtype\"" : entry.Dims is null ? "\"shape\"" : "\"data_offsets\"")}; expected dtype, shape and data_offsets.");
        return entry;
    }

    static long[] ReadIntArray(ref Utf8JsonReader reader, string fileName, string name, string field, int maxCount, long maxValue)
    {
        Read(ref reader, fileName);
        Expect(ref reader, fileName, JsonTokenType.StartArray, $"an array for \"{field}\" of tensor \"{name}\"");
        Span<long> buffer = stackalloc long[Shape.MaxRank];
        int count = 0;
        while (true)
        {
            Read(ref reader, fileName);
            if (reader.TokenType == JsonTokenType.EndArray) return buffer[..count].ToArray();
            long at = 8 + reader.TokenStartIndex;
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long v) || v < 0)
                throw new CheckpointFormatException(fileName, at, $"\"{field}\" of tensor \"{name}\" holds a {Describe(reader.TokenType)}; expected non-negative integers.");
            if (v > maxValue)
                throw new CheckpointFormatException(fileName, at, $"\"{field}\" of tensor \"{name}\" holds {v}; expected at most {maxValue}.");
            if (count == maxCount)
                throw new CheckpointFormatException(fileName, at, $"\"{field}\" of tensor \"{name}\" has more than {maxCount} entries; expected at most {maxCount}.");
            buffer[count++] = v;
        }
    }

    static void Validate(List<Entry> entries, long dataLength, long dataStart, string fileName)
    {
        foreach (var e in entries)
        {
            long product = 1;
            foreach (int d in e.Dims!)
            {
                product *= d;
                if (product > int.MaxValue)
                    throw new CheckpointFormatException(fileName, e.TokenOffset, $"tensor \"{e.Name}\" shape [{string.Join(", ", e.Dims)}] has more than {int.MaxValue} elements; expected a shape that fits.");
            }
            if (e.End < e.Begin || e.End - e.Begin != 4 * product)
                throw new CheckpointFormatException(fileName, e.TokenOffset,
                    $"tensor \"{e.Name}\" data_offsets [{e.Begin}, {e.End}] span {e.End - e.Begin} bytes; expected 4 × {product} = {4 * product} bytes for shape [{string.Join(", ", e.Dims)}].");
            e.Count = (int)product;
        }
        entries.Sort(static (a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long position = 0;
        foreach (var e in entries)
        {
            if (e.Begin != position)
                throw new CheckpointFormatException(fileName, e.TokenOffset,
                    $"tensor \"{e.Name}\" starts at data offset {e.Begin}; expected {position} (tensors must tile the data section in order, without gaps or overlaps).");
            position = e.End;
        }
        if (position != dataLength)
            throw new CheckpointFormatException(fileName, dataStart + position,
                $"the tensors cover {position} bytes of data, but the data section has {dataLength}; expected them to match exactly.");
    }

    /// <summary>Reads the next property name of the current object; false at its end.</summary>
    static bool NextProperty(ref Utf8JsonReader reader, string fileName, string what, out string key, out long keyOffset)
    {
        Read(ref reader, fileName);
        key = "";
        keyOffset = 8 + reader.TokenStartIndex;
        if (reader.TokenType == JsonTokenType.EndObject) return false;
        Expect(ref reader, fileName, JsonTokenType.PropertyName, what);
        key = reader.GetString()!;
        return true;
    }

    static void Read(ref Utf8JsonReader reader, string fileName)
    {
        if (!reader.Read())
            throw new CheckpointFormatException(fileName, 8 + reader.BytesConsumed, "the header ends early; expected more JSON.");
    }

    static void Expect(ref Utf8JsonReader reader, string fileName, JsonTokenType expected, string what)
    {
        if (reader.TokenType != expected)
            throw new CheckpointFormatException(fileName, 8 + reader.TokenStartIndex, $"found a {Describe(reader.TokenType)}; expected {what}.");
    }

    static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "'{'",
        JsonTokenType.EndObject => "'}'",
        JsonTokenType.StartArray => "'['",
        JsonTokenType.EndArray => "']'",
        JsonTokenType.PropertyName => "property name",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    static long AbsoluteOffset(byte[] header, long lineNumber, long bytePositionInLine)
    {
        long offset = 0;
        for (long line = 0; line < lineNumber && offset < header.Length; offset++)
            if (header[offset] == (byte)'\n') line++;
        return Math.Min(offset + bytePositionInLine, header.Length);
    }

    static void ReadExactly(Stream stream, Span<byte> destination, string fileName, long offset)
    {
        try { stream.ReadExactly(destination); }
        catch (EndOfStreamException ex)
        {
            throw new CheckpointFormatException(fileName, offset, $"the file ends early; expected {destination.Length} more bytes.", ex);
        }
    }

    static byte[] BuildHeader(IReadOnlyList<TensorRecord> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + 96 * tensors.Count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                writer.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata) writer.WriteString(key, value);
                writer.WriteEndObject();
            }
            long offset = 0;
            foreach (var t in tensors)
            {
                if (string.IsNullOrEmpty(t.Name) || t.Name == MetadataKey || !names.Add(t.Name))
                    throw new ArgumentException($"Safetensors.Write: tensor name \"{t.Name}\" is empty, reserved or repeated; names must be unique.", nameof(tensors));
                if (t.Data.Length != t.Shape.Size)
                    throw new ArgumentException($"Safetensors.Write: tensor \"{t.Name}\" has {t.Data.Length} values for shape {t.Shape} ({t.Shape.Size} elements).", nameof(tensors));
                writer.WriteStartObject(t.Name);
                writer.WriteString("dtype", "F32");
                writer.WriteStartArray("shape");
                foreach (int d in t.Shape.Dims) writer.WriteNumberValue(d);
                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                offset += 4L * t.Shape.Size;
                writer.WriteNumberValue(offset);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        // Pad with spaces to a multiple of 8 so the data section is aligned, as the reference implementation does.
        int padded = (buffer.WrittenCount + 7) & ~7;
        byte[] header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
        return header;
    }

    static void WriteBody(Stream stream, byte[] header, IReadOnlyList<TensorRecord> tensors)
    {
        Span<byte> lengthBytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(lengthBytes, (ulong)header.Length);
        stream.Write(lengthBytes);
        stream.Write(header);
        foreach (var t in tensors)
        {
            if (BitConverter.IsLittleEndian)
            {
                stream.Write(MemoryMarshal.AsBytes(t.Data.Span));
                continue;
            }
            float[] swapped = t.Data.ToArray();
            ReverseEndianness(swapped);
            stream.Write(MemoryMarshal.AsBytes(swapped.AsSpan()));
        }
    }

    static void ReverseEndianness(float[] values)
    {
        var ints = MemoryMarshal.Cast<float, int>(values.AsSpan());
        BinaryPrimitives.ReverseEndianness(ints, ints);
    }
}
