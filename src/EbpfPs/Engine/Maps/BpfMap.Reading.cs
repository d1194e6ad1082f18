using System;
using System.Collections.Generic;
using EbpfPs.Native;

namespace EbpfPs.Engine.Maps;

/// <summary>Whole-map reads: BPF_MAP_LOOKUP_BATCH, or key by key for map types without batch support.</summary>
public sealed partial class BpfMap
{
    private const int MaxBatchEntries = 4096;
    // Bounds one batch's buffers for maps with large (or many-CPU) values.
    private const int MaxBatchBytes = 4 << 20;
    // Read ahead in small chunks: a chunk the pipeline has not reached yet survives a gen0 collection,
    // and promoting whole 4096-entry batches of records cost more than the second thread saved.
    private const int ChunkEntries = 256;
    private const int ReadAheadDepth = 8;

    private int BatchCapacity =>
        (int)Math.Min(Math.Max(Info.MaxEntries, 1), Math.Clamp(MaxBatchBytes / ((int)Info.KeySize + ValueBufferSize), 16, MaxBatchEntries));

    /// <summary>Every entry, decoded; raw gives each key and value as bytes in the kernel's layout.</summary>
    public IEnumerable<BpfMapEntry> ReadAll(bool raw = false, bool perCpu = false)
    {
        foreach (BpfMapEntry[] chunk in ReadChunks(raw, perCpu))
            foreach (BpfMapEntry e in chunk)
                yield return e;
    }

    /// <summary>
    /// Every entry, decoded, a few hundred at a time. Maps larger than one batch are read and decoded on a
    /// second thread while the caller works through the batch before.
    /// </summary>
    public IEnumerable<BpfMapEntry[]> ReadChunks(bool raw = false, bool perCpu = false) =>
        Info.MaxEntries <= BatchCapacity
            ? Decode(raw, perCpu)
            : ReadAhead.Of(Decode(raw, perCpu), ReadAheadDepth, $"EbpfPs map {Info.Id} reader");

    /// <summary>Every entry as the kernel's bytes, one object per batch, nothing decoded or copied per entry.</summary>
    public IEnumerable<BpfMapBatch> ReadBatches() => ReadBatches(copy: true);

    private IEnumerable<BpfMapEntry[]> Decode(bool raw, bool perCpu)
    {
        foreach (BpfMapBatch b in ReadBatches(copy: false))
            for (int first = 0; first < b.Count; first += ChunkEntries)
            {
                var entries = new BpfMapEntry[Math.Min(ChunkEntries, b.Count - first)];
                // Decoding reads straight from the reused batch buffers; only raw entries copy their bytes out.
                for (int j = 0, i = first; j < entries.Length; j++, i++)
                    entries[j] = raw
                        ? Entry(b.GetKey(i), 0, b.GetValue(i), 0, true, perCpu)
                        : Entry(b.Keys, i * b.KeySize, b.Values, i * b.ValueSize, false, perCpu);
                yield return entries;
            }
    }

    /// <summary>
    /// The map in batches. With copy, every batch has buffers of its own, trimmed to its entries;
    /// without, the buffers are reused, so a batch is only valid until the next one is asked for.
    /// </summary>
    internal IEnumerable<BpfMapBatch> ReadBatches(bool copy)
    {
        int keySize = (int)Info.KeySize, valueSize = ValueBufferSize, capacity = BatchCapacity;
        byte[] keys = new byte[keySize * capacity], values = new byte[valueSize * capacity];
        byte[] inBatch = new byte[Math.Max(keySize, 8)], outBatch = new byte[Math.Max(keySize, 8)];
        bool first = true;
        while (true)
        {
            uint count = (uint)capacity;
            int rc;
            unsafe
            {
                fixed (byte* k = keys, v = values, ib = inBatch, ob = outBatch)
                    rc = Libbpf.MapLookupBatch(Fd, first ? null : ib, ob, k, v, ref count);
            }
            if (rc == -LinuxErrno.ENOSPC && count == 0 && capacity < Info.MaxEntries)
            {
                // One hash bucket holds more entries than the batch has room for: retry with more room.
                capacity = (int)Math.Min(capacity * 2L, Info.MaxEntries);
                keys = new byte[keySize * capacity];
                values = new byte[valueSize * capacity];
                continue;
            }
            if (first && rc is -LinuxErrno.EINVAL or -LinuxErrno.EOPNOTSUPP or -LinuxErrno.ENOTSUP_LIBBPF)
            {
                foreach (BpfMapBatch b in ReadKeyByKey(capacity, copy))
                    yield return b;
                yield break;
            }
            if (rc < 0 && rc != -LinuxErrno.ENOENT)
                throw BpfException.FromErrno(-rc, "read entries of map", Info.Name);
            if (count > 0)
                yield return Batch((int)count, keys, values, copy);
            if (rc == -LinuxErrno.ENOENT)
                yield break;
            (inBatch, outBatch) = (outBatch, inBatch);
            first = false;
            if (copy)
            {
                keys = new byte[keySize * capacity];
                values = new byte[valueSize * capacity];
            }
        }
    }

    private IEnumerable<BpfMapBatch> ReadKeyByKey(int capacity, bool copy)
    {
        int keySize = (int)Info.KeySize, valueSize = ValueBufferSize;
        byte[] keys = new byte[keySize * capacity], values = new byte[valueSize * capacity];
        byte[]? previous = null;
        int count = 0;
        while (true)
        {
            byte[] next = new byte[keySize];
            int rc;
            unsafe
            {
                fixed (byte* p = previous, n = next)
                    rc = Libbpf.bpf_map_get_next_key(Fd, previous is null ? null : p, n);
            }
            if (rc == -LinuxErrno.ENOENT)
                break;
            Libbpf.Check(rc, "walk the keys of map", Info.Name);
            // A key deleted between get_next_key and the lookup is simply not part of this read.
            if (MapCells.TryLookup(Fd, next, values.AsSpan(count * valueSize, valueSize), Info.Name))
            {
                next.CopyTo(keys, count * keySize);
                if (++count == capacity)
                {
                    yield return Batch(count, keys, values, copy);
                    count = 0;
                    if (copy)
                    {
                        keys = new byte[keySize * capacity];
                        values = new byte[valueSize * capacity];
                    }
                }
            }
            previous = next;
        }
        if (count > 0)
            yield return Batch(count, keys, values, copy);
    }

    private BpfMapBatch Batch(int count, byte[] keys, byte[] values, bool copy)
    {
        int keySize = (int)Info.KeySize, valueSize = ValueBufferSize;
        if (copy && count * keySize != keys.Length)
        {
            Array.Resize(ref keys, count * keySize);
            Array.Resize(ref values, count * valueSize);
        }
        return new BpfMapBatch(Info.Id, Info.Name, count, keySize, valueSize, _cpus, keys, values);
    }
}
