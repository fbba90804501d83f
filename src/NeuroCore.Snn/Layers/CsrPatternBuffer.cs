using NeuroCore.Kernels;

namespace NeuroCore.Snn;

/// <summary>
/// Mirrors a <see cref="CsrPattern"/> in a store buffer "{name}.pattern" [nnz, 2] (row and column of every slot, as
/// exact small integers), so the model's checkpoint carries the pattern: a rewired layer saved and loaded again has its
/// values ("{name}.values", by slot) on the same connections. <see cref="Capture"/> after every rewire; after a
/// checkpoint is loaded into the store, <see cref="Restore"/> moves the pattern to the saved connections.
/// </summary>
/// <remarks>
/// Restoring moves every slot to its saved position with <see cref="CsrPattern.Reassign"/>, which sorts each row by
/// column as any rewire does, so the restored pattern computes bitwise as the saved one did. The buffer is validated
/// first (integers, in range, no connection twice); a corrupt buffer leaves the pattern as it was.
/// </remarks>
public sealed class CsrPatternBuffer
{
    /// <summary>The largest row or column count a float holds exactly (2²⁴).</summary>
    public const int MaxDimension = 1 << 24;

    /// <summary>Adds "{name}.pattern" [nnz, 2] to <paramref name="store"/> and writes <paramref name="pattern"/> into it.</summary>
    /// <param name="store">The model's store.</param>
    /// <param name="name">The layer name.</param>
    /// <param name="pattern">The layer's pattern (kept by reference).</param>
    /// <exception cref="ArgumentException">The pattern has more than <see cref="MaxDimension"/> rows or columns.</exception>
    public CsrPatternBuffer(ParameterStore store, string name, CsrPattern pattern)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(pattern);
        if (pattern.Rows > MaxDimension || pattern.Columns > MaxDimension)
            throw new ArgumentException($"CsrPatternBuffer '{name}': the [{pattern.Rows}, {pattern.Columns}] pattern has a dimension above 2^24, which a float buffer cannot hold exactly; save it with CsrSynapse.SavePattern instead.", nameof(pattern));
        Name = name;
        Pattern = pattern;
        Buffer = store.AddBuffer(name + ".pattern", new Shape(pattern.Nnz, 2));
        Capture();
    }

    /// <summary>The layer name.</summary>
    public string Name { get; }

    /// <summary>The mirrored pattern.</summary>
    public CsrPattern Pattern { get; }

    /// <summary>The buffer [nnz, 2]: row s holds (row, column) of slot s.</summary>
    public Tensor Buffer { get; }

    /// <summary>Writes the pattern's slot positions into the buffer.</summary>
    public void Capture()
    {
        var b = Buffer.Span;
        var rows = Pattern.SlotRow;
        var columns = Pattern.SlotColumn;
        for (int s = 0; s < rows.Length; s++)
        {
            b[2 * s] = rows[s];
            b[(2 * s) + 1] = columns[s];
        }
    }

    /// <summary>True when the buffer holds exactly the pattern's current slot positions.</summary>
    public bool Matches()
    {
        var b = Buffer.Span;
        var rows = Pattern.SlotRow;
        var columns = Pattern.SlotColumn;
        for (int s = 0; s < rows.Length; s++)
            if (b[2 * s] != rows[s] || b[(2 * s) + 1] != columns[s]) return false;
        return true;
    }

    /// <summary>Moves the pattern's slots to the positions held by the buffer (after a checkpoint was loaded into it).</summary>
    /// <exception cref="InvalidDataException">The buffer holds a non-integer or out-of-range position, or one connection twice;
    /// the message names the layer and the slot. The pattern is left as it was.</exception>
    public void Restore()
    {
        if (Matches()) return;
        var b = Buffer.Span;
        int nnz = Pattern.Nnz;
        var slots = new int[nnz];
        var rows = new int[nnz];
        var columns = new int[nnz];
        for (int s = 0; s < nnz; s++)
        {
            float r = b[2 * s], c = b[(2 * s) + 1];
            if (!(r >= 0 && r < Pattern.Rows && c >= 0 && c < Pattern.Columns) || r != MathF.Floor(r) || c != MathF.Floor(c))
                throw new InvalidDataException(
                    $"'{Buffer.Name}': slot {s} is at ({r}, {c}), not a connection of the [{Pattern.Rows}, {Pattern.Columns}] pattern; the checkpoint's pattern is corrupt (resume from an earlier checkpoint or start afresh).");
            slots[s] = s;
            rows[s] = (int)r;
            columns[s] = (int)c;
        }
        try
        {
            Pattern.Reassign(slots, rows, columns);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"'{Buffer.Name}': {e.Message} The checkpoint's pattern is corrupt (resume from an earlier checkpoint or start afresh).", e);
        }
    }
}
