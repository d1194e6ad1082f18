using System;
using System.Collections.Generic;
using EbpfPs.Engine.Errors;
using EbpfPs.Interop;

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

    /// <summary>BPF_MAP_LOOKUP_BATCH calls made so far by this handle's reads (what -Verbose reports).</summary>
    public int BatchCalls { get; private set; }

    private int BatchCapacity =>
        (int)Math.Min(Math.Max(Info.MaxEntries, 1), Math.Clamp(MaxBatchBytes / ((int)Info.KeySize + ValueBufferSize),
            16, MaxBatchEntries));

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
    public IEnumerable<BpfMapEntry[]> ReadChunks(bool raw = false, bool perCpu = false)
    {
        RequireKeys();
        RequireReadableValues();
        return Info.MaxEntries <= BatchCapacity
            ? Decode(raw, perCpu)
            : ReadAhead.Of(Decode(raw, perCpu), ReadAheadDepth, $"EbpfPs map {Info.Id} reader");
    }

    /// <summary>Every entry as the kernel's bytes, one object per batch, nothing decoded or copied per entry.</summary>
    public IEnumerable<BpfMapBatch> ReadBatches()
    {
        RequireKeys();
        RequireReadableValues();
        return ReadBatches(copy: true);
    }

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
            Errno rc = Libbpf.MapLookupBatch(Fd, first, inBatch, outBatch, keys, values, ref count).Errno;
            BatchCalls++;
            if (rc == Errno.ENOSPC && count == 0 && capacity < Info.MaxEntries)
            {
                // One hash bucket holds more entries than the batch has room for: retry with more room.
                capacity = (int)Math.Min(capacity * 2L, Info.MaxEntries);
                keys = new byte[keySize * capacity];
                values = new byte[valueSize * capacity];
                continue;
            }
            // Map types without batch support (arrays of maps, some older kernels) are read key by key.
            if (first && rc is Errno.EINVAL or Errno.EOPNOTSUPP or Errno.ENOTSUPP)
            {
                foreach (BpfMapBatch b in ReadKeyByKey(capacity, copy))
                    yield return b;
                yield break;
            }
            if (rc is not (Errno.None or Errno.ENOENT))
                throw BpfException.FromErrno((int)rc, "read entries of map", Info.Name);
            if (count > 0)
                yield return Batch((int)count, keys, values, copy);
            if (rc == Errno.ENOENT)
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
            Result walked = Libbpf.MapNextKey(Fd, previous, next);
            if (walked.Errno == Errno.ENOENT)
                break;
            walked.OrThrow("walk the keys of map", Info.Name);
            // A key deleted between get_next_key and the lookup is simply not part of this read.
            if (TryLookup(next, values.AsSpan(count * valueSize, valueSize)))
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
