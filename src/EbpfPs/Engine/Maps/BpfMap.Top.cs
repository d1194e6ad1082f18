using System;
using System.Collections.Generic;

namespace EbpfPs.Engine.Maps;

/// <summary>
/// Top-N reads: every batch is ranked in its raw bytes by one field and only the winners are decoded, so a
/// top-10 of a million flows costs the syscalls and one comparison per entry, not a million objects.
/// </summary>
public sealed partial class BpfMap
{
    internal int Cpus => _cpus;
    internal int Stride => _stride;
    internal int EntryValueSize => ValueBufferSize;

    /// <summary>What -SortBy can name for this map (for tab completion): value fields, then Key.fields.</summary>
    public IEnumerable<string> SortFieldNames() => MapSortField.Names(Info);

    /// <summary>The field a -SortBy text names, checked against the map's BTF.</summary>
    public MapSortField SortField(string name) => MapSortField.Resolve(Info, name);

    /// <summary>
    /// The count entries that rank first by field (largest first, or smallest with ascending; ties by the key's
    /// bytes), decoded as a whole read decodes them.
    /// </summary>
    public IReadOnlyList<BpfMapEntry> ReadTop(MapSortField field, int count, bool ascending, bool raw = false,
        bool perCpu = false)
    {
        RequireReadableValues();
        var top = new TopSelection(count, (int)Info.KeySize, ValueBufferSize, ascending,
            (int)Math.Min(Info.MaxEntries, 4096));
        foreach (BpfMapBatch b in ReadBatches(copy: false))
            for (int i = 0; i < b.Count; i++)
            {
                ReadOnlySpan<byte> k = b.Keys.AsSpan(i * b.KeySize, b.KeySize);
                ReadOnlySpan<byte> v = b.Values.AsSpan(i * b.ValueSize, b.ValueSize);
                top.Offer(field.Read(k, v, _cpus, _stride), k, v);
            }
        var entries = new List<BpfMapEntry>(top.Count);
        foreach (var (_, key, value) in top.Winners())
            entries.Add(Entry(key, 0, value, 0, raw, perCpu));
        return entries;
    }

    /// <summary>One entry decoded from copies of its bytes (decoding a per-CPU value sums into its buffer).</summary>
    internal BpfMapEntry DecodeCopy(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) =>
        Entry(key.ToArray(), 0, value.ToArray(), 0, false, false);
}
