using System.Globalization;

namespace NeuroCore.Kernels;

/// <summary>
/// The connection pattern of a sparse weight matrix W [rows, columns] (rows = outputs, columns = inputs) with a fixed
/// number of connections <see cref="Nnz"/>, kept in two compressed forms that the <see cref="Csr"/> kernels read:
/// by row (CSR: <see cref="RowStart"/>, <see cref="RowColumns"/>, <see cref="RowSlots"/>) and by column (CSC:
/// <see cref="ColumnStart"/>, <see cref="ColumnRows"/>, <see cref="ColumnSlots"/>), each sorted and duplicate-free.
/// <para>
/// <b>Slots.</b> The weight values live in a separate array of <see cref="Nnz"/> floats indexed by <i>slot</i>: slot s
/// is the connection (<see cref="SlotRow"/>[s], <see cref="SlotColumn"/>[s]), and both compressed forms point at the
/// slot of each entry. A slot keeps its index for as long as its connection exists, so the values array can be the
/// parameter an optimizer sees, with its per-element state (momentum, Adam moments) aligned to slots. Changing the
/// structure (<see cref="Reassign"/>) moves given slots to new positions and rebuilds both forms in O(nnz + rows +
/// columns) by counting sort; every other slot keeps its index, so a rewire resets optimizer state at exactly the
/// reassigned slots. A pattern built by <see cref="FromCsr"/> or <see cref="ErdosRenyi"/> starts with slot s = the s-th
/// entry in row-major order.
/// </para>
/// <para>Every constructor and mutator validates: indices in range, no duplicate connection, nnz ≥ 1; nothing is clipped.</para>
/// </summary>
public sealed class CsrPattern
{
    readonly int[] _slotRow, _slotColumn;
    readonly int[] _rowStart, _rowColumns, _rowSlots;
    readonly int[] _columnStart, _columnRows, _columnSlots;

    CsrPattern(int rows, int columns, int[] slotRow, int[] slotColumn)
    {
        Rows = rows;
        Columns = columns;
        _slotRow = slotRow;
        _slotColumn = slotColumn;
        _rowStart = new int[rows + 1];
        _rowColumns = new int[slotRow.Length];
        _rowSlots = new int[slotRow.Length];
        _columnStart = new int[columns + 1];
        _columnRows = new int[slotRow.Length];
        _columnSlots = new int[slotRow.Length];
        Rebuild("CsrPattern");
    }

    /// <summary>Rows of W (output features).</summary>
    public int Rows { get; }

    /// <summary>Columns of W (input features).</summary>
    public int Columns { get; }

    /// <summary>The number of connections (slots); fixed for the pattern's lifetime.</summary>
    public int Nnz => _slotRow.Length;

    /// <summary>nnz / (rows·columns), in (0, 1].</summary>
    public double Density => (double)Nnz / ((double)Rows * Columns);

    /// <summary>Times the structure changed (<see cref="Reassign"/>); 0 after construction.</summary>
    public int Version { get; private set; }

    /// <summary>The row of each slot [nnz].</summary>
    public ReadOnlySpan<int> SlotRow => _slotRow;

    /// <summary>The column of each slot [nnz].</summary>
    public ReadOnlySpan<int> SlotColumn => _slotColumn;

    /// <summary>CSR row offsets [rows + 1]: the entries of row o are RowStart[o] .. RowStart[o+1]−1.</summary>
    public ReadOnlySpan<int> RowStart => _rowStart;

    /// <summary>CSR column of each entry [nnz], increasing within a row.</summary>
    public ReadOnlySpan<int> RowColumns => _rowColumns;

    /// <summary>CSR slot of each entry [nnz] (index into the values).</summary>
    public ReadOnlySpan<int> RowSlots => _rowSlots;

    /// <summary>CSC column offsets [columns + 1]: the entries of column i are ColumnStart[i] .. ColumnStart[i+1]−1.</summary>
    public ReadOnlySpan<int> ColumnStart => _columnStart;

    /// <summary>CSC row of each entry [nnz], increasing within a column.</summary>
    public ReadOnlySpan<int> ColumnRows => _columnRows;

    /// <summary>CSC slot of each entry [nnz] (index into the values).</summary>
    public ReadOnlySpan<int> ColumnSlots => _columnSlots;

    /// <summary>
    /// Loads a pattern from CSR arrays: <paramref name="rowStart"/> [rows + 1] with rowStart[0] = 0, non-decreasing,
    /// rowStart[rows] = nnz = <paramref name="columnIndices"/>.Length ≥ 1, and each row's columns in [0, columns),
    /// strictly increasing. Slot s is entry s.
    /// </summary>
    /// <param name="rows">Rows (outputs), ≥ 1.</param>
    /// <param name="columns">Columns (inputs), ≥ 1.</param>
    /// <param name="rowStart">Row offsets [rows + 1].</param>
    /// <param name="columnIndices">Column of each entry [nnz].</param>
    /// <returns>The validated pattern.</returns>
    /// <exception cref="ArgumentException">Any rule is broken; the message names the row and position and the fix.</exception>
    public static CsrPattern FromCsr(int rows, int columns, ReadOnlySpan<int> rowStart, ReadOnlySpan<int> columnIndices) =>
        FromCsr(rows, columns, rowStart, columnIndices, default);

    /// <summary>
    /// <see cref="FromCsr(int, int, ReadOnlySpan{int}, ReadOnlySpan{int})"/> with the slot of each entry given
    /// (<paramref name="slots"/> [nnz], a permutation of 0..nnz−1; empty for slot = entry), so a saved pattern comes back
    /// with the slot numbering its values were saved in.
    /// </summary>
    /// <param name="rows">Rows (outputs), ≥ 1.</param>
    /// <param name="columns">Columns (inputs), ≥ 1.</param>
    /// <param name="rowStart">Row offsets [rows + 1].</param>
    /// <param name="columnIndices">Column of each entry [nnz].</param>
    /// <param name="slots">Slot of each entry [nnz], or empty.</param>
    /// <returns>The validated pattern.</returns>
    /// <exception cref="ArgumentException">Any rule is broken; the message names the row and position and the fix.</exception>
    public static CsrPattern FromCsr(int rows, int columns, ReadOnlySpan<int> rowStart, ReadOnlySpan<int> columnIndices, ReadOnlySpan<int> slots)
    {
        const string Op = "CsrPattern.FromCsr";
        CheckShape(Op, rows, columns);
        if (rowStart.Length != rows + 1)
            Throw.Argument($"{Op}: rowStart holds {rowStart.Length} offsets but a [{rows}, {columns}] pattern needs rows + 1 = {rows + 1}.", nameof(rowStart));
        if (rowStart[0] != 0)
            Throw.Argument($"{Op}: rowStart[0] = {rowStart[0]}; it must be 0 (offsets count entries from the start of columnIndices).", nameof(rowStart));
        for (int r = 0; r < rows; r++)
            if (rowStart[r + 1] < rowStart[r])
                Throw.Argument($"{Op}: rowStart decreases at row {r} ({rowStart[r]} then {rowStart[r + 1]}); offsets must be non-decreasing.", nameof(rowStart));
        int nnz = rowStart[rows];
        if (nnz != columnIndices.Length)
            Throw.Argument($"{Op}: rowStart[{rows}] = {nnz} entries but columnIndices holds {columnIndices.Length}; they must agree.", nameof(columnIndices));
        CheckNnz(Op, rows, columns, nnz);
        var slotRow = new int[nnz];
        var slotColumn = new int[nnz];
        for (int r = 0; r < rows; r++)
        {
            for (int k = rowStart[r]; k < rowStart[r + 1]; k++)
            {
                int c = columnIndices[k];
                if ((uint)c >= (uint)columns)
                    Throw.Argument($"{Op}: row {r}, position {k - rowStart[r]} (entry {k}) has column {c}, outside [0, {columns}); fix the index or the column count.", nameof(columnIndices));
                if (k > rowStart[r] && c <= columnIndices[k - 1])
                    Throw.Argument(c == columnIndices[k - 1]
                        ? $"{Op}: row {r}, position {k - rowStart[r]} (entry {k}) repeats column {c}; each connection may appear once per row."
                        : $"{Op}: row {r}, position {k - rowStart[r]} (entry {k}) has column {c} after {columnIndices[k - 1]}; sort each row's columns increasingly.", nameof(columnIndices));
                slotRow[k] = r;
                slotColumn[k] = c;
            }
        }
        if (slots.IsEmpty) return new CsrPattern(rows, columns, slotRow, slotColumn);
        if (slots.Length != nnz)
            Throw.Argument($"{Op}: slots holds {slots.Length} entries but the pattern has nnz = {nnz}; pass one slot per entry or none.", nameof(slots));
        var permutedRow = new int[nnz];
        var permutedColumn = new int[nnz];
        var seen = new bool[nnz];
        for (int k = 0; k < nnz; k++)
        {
            int s = slots[k];
            if ((uint)s >= (uint)nnz || seen[s])
                Throw.Argument($"{Op}: entry {k} has slot {s}, which is {((uint)s >= (uint)nnz ? $"outside [0, {nnz})" : "already used")}; the slots must be a permutation of 0..nnz−1.", nameof(slots));
            seen[s] = true;
            permutedRow[s] = slotRow[k];
            permutedColumn[s] = slotColumn[k];
        }
        return new CsrPattern(rows, columns, permutedRow, permutedColumn);
    }

    /// <summary>
    /// A pattern from a list of connections: slot s is (<paramref name="slotRows"/>[s], <paramref name="slotColumns"/>[s]),
    /// in any order, without duplicates.
    /// </summary>
    /// <param name="rows">Rows (outputs), ≥ 1.</param>
    /// <param name="columns">Columns (inputs), ≥ 1.</param>
    /// <param name="slotRows">The row of each slot.</param>
    /// <param name="slotColumns">The column of each slot (same length).</param>
    /// <returns>The validated pattern.</returns>
    /// <exception cref="ArgumentException">A length, an index or a duplicate is wrong; the message names the slot.</exception>
    public static CsrPattern FromSlots(int rows, int columns, ReadOnlySpan<int> slotRows, ReadOnlySpan<int> slotColumns)
    {
        const string Op = "CsrPattern.FromSlots";
        CheckShape(Op, rows, columns);
        if (slotRows.Length != slotColumns.Length)
            Throw.Argument($"{Op}: slotRows holds {slotRows.Length} entries and slotColumns {slotColumns.Length}; they must be the same length (one per connection).", nameof(slotColumns));
        CheckNnz(Op, rows, columns, slotRows.Length);
        for (int s = 0; s < slotRows.Length; s++)
            CheckPosition(Op, rows, columns, s, slotRows[s], slotColumns[s]);
        return new CsrPattern(rows, columns, slotRows.ToArray(), slotColumns.ToArray());
    }

    /// <summary>
    /// An Erdős–Rényi pattern with exactly <c>nnz = max(1, round(density·rows·columns))</c> connections, every set of
    /// that size equally likely (the G(n, M) form of the model: the fixed-capacity budget is exact rather than binomial).
    /// Drawn by selection sampling (Knuth's Algorithm S) over the row-major positions from a Philox stream of
    /// <paramref name="seed"/>, so the result is a pure function of (rows, columns, density, seed).
    /// </summary>
    /// <param name="rows">Rows (outputs), ≥ 1.</param>
    /// <param name="columns">Columns (inputs), ≥ 1.</param>
    /// <param name="density">Target density in (0, 1].</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The pattern; slot s is the s-th connection in row-major order.</returns>
    /// <exception cref="ArgumentException">A size is not positive or the density is outside (0, 1].</exception>
    public static CsrPattern ErdosRenyi(int rows, int columns, double density, ulong seed)
    {
        const string Op = "CsrPattern.ErdosRenyi";
        CheckShape(Op, rows, columns);
        if (!(density > 0 && density <= 1))
            Throw.OutOfRange(nameof(density), string.Create(CultureInfo.InvariantCulture,
                $"{Op}: density must be in (0, 1], got {density}; pass the fraction of connections kept (0.1 for 10 %)."));
        long total = (long)rows * columns;
        long want = Math.Max(1, (long)Math.Round(density * total, MidpointRounding.AwayFromZero));
        if (want > Array.MaxLength)
            Throw.Argument($"{Op}: {want} connections exceed the largest array; lower the density or the size.");
        var slotRow = new int[want];
        var slotColumn = new int[want];
        var rng = new PhiloxGenerator(seed, 0xC5A0_E2D0UL);
        long chosen = 0;
        for (long p = 0; p < total && chosen < want; p++)
        {
            // Keep position p with probability (still needed) / (positions left): exactly `want` are kept.
            double u = ((double)rng.NextUInt() * 4294967296.0 + rng.NextUInt()) * (1.0 / 18446744073709551616.0);
            if ((total - p) * u < want - chosen)
            {
                slotRow[chosen] = (int)(p / columns);
                slotColumn[chosen] = (int)(p % columns);
                chosen++;
            }
        }
        return new CsrPattern(rows, columns, slotRow, slotColumn);
    }

    /// <summary>True when W has a connection at (<paramref name="row"/>, <paramref name="column"/>); O(log row length).</summary>
    /// <param name="row">The row, in [0, rows).</param>
    /// <param name="column">The column, in [0, columns).</param>
    /// <returns>Whether the connection exists.</returns>
    public bool Contains(int row, int column) => SlotAt(row, column) >= 0;

    /// <summary>The slot of the connection at (<paramref name="row"/>, <paramref name="column"/>), or −1 when absent.</summary>
    /// <param name="row">The row, in [0, rows).</param>
    /// <param name="column">The column, in [0, columns).</param>
    /// <returns>The slot or −1.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The position is outside the matrix.</exception>
    public int SlotAt(int row, int column)
    {
        if ((uint)row >= (uint)Rows || (uint)column >= (uint)Columns)
            Throw.OutOfRange(nameof(row), $"CsrPattern.SlotAt: ({row}, {column}) is outside the [{Rows}, {Columns}] matrix.");
        int k = Array.BinarySearch(_rowColumns, _rowStart[row], _rowStart[row + 1] - _rowStart[row], column);
        return k >= 0 ? _rowSlots[k] : -1;
    }

    /// <summary>
    /// Moves the given slots to new positions and rebuilds both compressed forms in O(nnz + rows + columns); every other
    /// slot keeps its index and position, so the caller resets the values and optimizer state at exactly
    /// <paramref name="slots"/>. The result is validated as a whole (no two slots on one position) before anything
    /// changes: on error the pattern is left as it was.
    /// </summary>
    /// <param name="slots">The slots to move, each in [0, nnz), no repeats.</param>
    /// <param name="rows">Their new rows.</param>
    /// <param name="columns">Their new columns.</param>
    /// <exception cref="ArgumentException">A length, an index, a repeated slot or a resulting duplicate connection is wrong; the message names it.</exception>
    public void Reassign(ReadOnlySpan<int> slots, ReadOnlySpan<int> rows, ReadOnlySpan<int> columns)
    {
        const string Op = "CsrPattern.Reassign";
        if (rows.Length != slots.Length || columns.Length != slots.Length)
            Throw.Argument($"{Op}: slots, rows and columns hold {slots.Length}, {rows.Length} and {columns.Length} entries; pass one row and column per slot.", nameof(slots));
        var seen = new HashSet<int>();
        for (int i = 0; i < slots.Length; i++)
        {
            if ((uint)slots[i] >= (uint)Nnz)
                Throw.Argument($"{Op}: slots[{i}] = {slots[i]} is outside [0, {Nnz}).", nameof(slots));
            if (!seen.Add(slots[i]))
                Throw.Argument($"{Op}: slot {slots[i]} appears twice (positions in slots); move each slot once.", nameof(slots));
            CheckPosition(Op, Rows, Columns, i, rows[i], columns[i]);
        }
        var oldRow = (int[])_slotRow.Clone();
        var oldColumn = (int[])_slotColumn.Clone();
        for (int i = 0; i < slots.Length; i++)
        {
            _slotRow[slots[i]] = rows[i];
            _slotColumn[slots[i]] = columns[i];
        }
        try
        {
            Rebuild(Op);
        }
        catch (ArgumentException)
        {
            oldRow.CopyTo(_slotRow, 0);
            oldColumn.CopyTo(_slotColumn, 0);
            Rebuild(Op);
            throw;
        }
        Version++;
    }

    /// <summary>Writes W [rows, columns] row-major: values[slot] at each connection, 0 elsewhere.</summary>
    /// <param name="values">The values by slot [nnz].</param>
    /// <param name="dense">Destination [rows·columns], overwritten.</param>
    /// <exception cref="ArgumentException">A span is too short.</exception>
    public void ToDense(ReadOnlySpan<float> values, Span<float> dense)
    {
        if (values.Length < Nnz || dense.Length < (long)Rows * Columns)
            Throw.Argument($"CsrPattern.ToDense: values holds {values.Length} (needs nnz = {Nnz}) and dense {dense.Length} (needs [{Rows}, {Columns}] = {(long)Rows * Columns}).", nameof(dense));
        dense[..(Rows * Columns)].Clear();
        for (int s = 0; s < Nnz; s++) dense[_slotRow[s] * Columns + _slotColumn[s]] = values[s];
    }

    /// <summary>Rebuilds CSR and CSC from the slot positions by two stable counting sorts each; throws on a duplicate connection.</summary>
    void Rebuild(string op)
    {
        int nnz = Nnz;
        // CSC first: bucket slots by column, rows increasing inside (stable by row: walk slots in row order).
        // Row order of slots: counting sort by row into a temporary.
        var byRow = new int[nnz];
        CountingSort(_slotRow, Rows, order: null, byRow, _rowStart);
        // Stable by column over the row-ordered slots: CSC sorted by (column, row).
        CountingSort(_slotColumn, Columns, byRow, _columnSlots, _columnStart);
        for (int k = 0; k < nnz; k++) _columnRows[k] = _slotRow[_columnSlots[k]];
        // Stable by row over the column-ordered slots: CSR sorted by (row, column).
        CountingSort(_slotRow, Rows, _columnSlots, _rowSlots, _rowStart);
        for (int k = 0; k < nnz; k++) _rowColumns[k] = _slotColumn[_rowSlots[k]];
        for (int r = 0; r < Rows; r++)
            for (int k = _rowStart[r] + 1; k < _rowStart[r + 1]; k++)
                if (_rowColumns[k] == _rowColumns[k - 1])
                    Throw.Argument($"{op}: slots {_rowSlots[k - 1]} and {_rowSlots[k]} are both the connection ({r}, {_rowColumns[k]}); each connection may appear once.");
    }

    /// <summary>
    /// Stable counting sort of the slots listed in <paramref name="order"/> (all slots 0..nnz−1 when null) by
    /// key[slot] in [0, buckets): writes the sorted slots to <paramref name="sorted"/> and the bucket offsets [buckets + 1].
    /// </summary>
    static void CountingSort(int[] key, int buckets, int[]? order, int[] sorted, int[] start)
    {
        int nnz = key.Length;
        Array.Clear(start);
        for (int s = 0; s < nnz; s++) start[key[s] + 1]++;
        for (int b = 0; b < buckets; b++) start[b + 1] += start[b];
        // start[b] is now the first position of bucket b; fill using a running cursor per bucket.
        var cursor = new int[buckets];
        Array.Copy(start, cursor, buckets);
        for (int i = 0; i < nnz; i++)
        {
            int s = order is null ? i : order[i];
            sorted[cursor[key[s]]++] = s;
        }
    }

    static void CheckShape(string op, int rows, int columns)
    {
        if (rows < 1 || columns < 1)
            Throw.Argument($"{op}: the matrix must have at least one row and column, got [{rows}, {columns}].");
    }

    static void CheckNnz(string op, int rows, int columns, long nnz)
    {
        if (nnz < 1)
            Throw.Argument($"{op}: the pattern has no connection (density 0); a sparse layer needs density in (0, 1], so give at least one entry.");
        if (nnz > (long)rows * columns)
            Throw.Argument($"{op}: {nnz} connections exceed the {(long)rows * columns} positions of a [{rows}, {columns}] matrix (density > 1).");
    }

    static void CheckPosition(string op, int rows, int columns, int slot, int row, int column)
    {
        if ((uint)row >= (uint)rows || (uint)column >= (uint)columns)
            Throw.Argument($"{op}: entry {slot} is at ({row}, {column}), outside the [{rows}, {columns}] matrix; fix the index or the shape.");
    }
}
