using System.Buffers.Binary;
using NeuroCore.Kernels;

namespace NeuroCore.Snn;

public sealed partial class CsrSynapse
{
    /// <summary>The first 8 bytes of a pattern file.</summary>
    static ReadOnlySpan<byte> Magic => "NCCSR1\0\0"u8;

    /// <summary>
    /// Writes <paramref name="pattern"/> as a pattern file: the 8-byte magic "NCCSR1\0\0", then little-endian int32
    /// rows, columns, nnz, the CSR row offsets [rows + 1], the column indices [nnz] (sorted per row) and the slot of
    /// each entry [nnz], so a loaded pattern numbers its slots as the saved one did and the values saved with the
    /// model's parameters ("{name}.values", by slot) line up again after a rewire.
    /// </summary>
    /// <param name="pattern">The pattern.</param>
    /// <param name="path">The file to write (replaced).</param>
    public static void SavePattern(CsrPattern pattern, string path)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = new byte[8 + 12 + 4 * (pattern.Rows + 1 + 2 * pattern.Nnz)];
        Magic.CopyTo(bytes);
        var s = bytes.AsSpan(8);
        BinaryPrimitives.WriteInt32LittleEndian(s, pattern.Rows);
        BinaryPrimitives.WriteInt32LittleEndian(s[4..], pattern.Columns);
        BinaryPrimitives.WriteInt32LittleEndian(s[8..], pattern.Nnz);
        int at = 12;
        foreach (int v in pattern.RowStart) { BinaryPrimitives.WriteInt32LittleEndian(s[at..], v); at += 4; }
        foreach (int v in pattern.RowColumns) { BinaryPrimitives.WriteInt32LittleEndian(s[at..], v); at += 4; }
        foreach (int v in pattern.RowSlots) { BinaryPrimitives.WriteInt32LittleEndian(s[at..], v); at += 4; }
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>
    /// Reads a pattern file written by <see cref="SavePattern"/> and validates it (<see cref="CsrPattern.FromCsr"/>:
    /// indices in range, sorted and unique per row, density in (0, 1]); nothing is clipped or repaired.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <returns>The pattern.</returns>
    /// <exception cref="InvalidDataException">The file is not a pattern file, or is truncated; the message names the file.</exception>
    /// <exception cref="ArgumentException">The arrays break a rule; the message names the row and position.</exception>
    public static CsrPattern LoadPattern(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 20 || !bytes.AsSpan(0, 8).SequenceEqual(Magic))
            throw new InvalidDataException($"CsrSynapse.LoadPattern: '{path}' is not a CSR pattern file (it must start with \"NCCSR1\"); write one with CsrSynapse.SavePattern.");
        var s = bytes.AsSpan(8);
        int rows = BinaryPrimitives.ReadInt32LittleEndian(s), cols = BinaryPrimitives.ReadInt32LittleEndian(s[4..]), nnz = BinaryPrimitives.ReadInt32LittleEndian(s[8..]);
        long expected = 12 + 4L * ((long)rows + 1 + 2L * nnz);
        if (rows < 1 || cols < 1 || nnz < 0 || s.Length != expected)
            throw new InvalidDataException($"CsrSynapse.LoadPattern: '{path}' declares [{rows}, {cols}] with nnz = {nnz}, which needs {8 + expected} bytes, but the file has {bytes.Length}; it is truncated or not a pattern file.");
        var rowStart = new int[rows + 1];
        var columns = new int[nnz];
        var slots = new int[nnz];
        int at = 12;
        for (int i = 0; i < rowStart.Length; i++, at += 4) rowStart[i] = BinaryPrimitives.ReadInt32LittleEndian(s[at..]);
        for (int i = 0; i < nnz; i++, at += 4) columns[i] = BinaryPrimitives.ReadInt32LittleEndian(s[at..]);
        for (int i = 0; i < nnz; i++, at += 4) slots[i] = BinaryPrimitives.ReadInt32LittleEndian(s[at..]);
        return CsrPattern.FromCsr(rows, cols, rowStart, columns, slots);
    }
}
