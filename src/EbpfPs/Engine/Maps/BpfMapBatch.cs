using System;

namespace EbpfPs;

/// <summary>
/// What one BPF_MAP_LOOKUP_BATCH call returned, in the kernel's layout: Count keys of KeySize bytes
/// back to back, and Count values of ValueSize bytes (for per-CPU maps ValueSize is
/// round_up(value_size, 8) times the possible CPUs, CPU 0 first). Emitting a batch instead of each
/// entry is what lets a script read a million entries at the speed of the syscall.
/// </summary>
public sealed class BpfMapBatch
{
    internal BpfMapBatch(uint mapId, string map, int count, int keySize, int valueSize, int cpus, byte[] keys,
        byte[] values)
    {
        MapId = mapId;
        Map = map;
        Count = count;
        KeySize = keySize;
        ValueSize = valueSize;
        Cpus = cpus;
        Keys = keys;
        Values = values;
    }

    public uint MapId { get; }
    public string Map { get; }
    public int Count { get; }
    public int KeySize { get; }
    /// <summary>Bytes per entry in Values: the value size, or for per-CPU maps the 8-aligned size times Cpus.</summary>
    public int ValueSize { get; }
    /// <summary>Values per entry: the possible CPUs for per-CPU maps, otherwise 1.</summary>
    public int Cpus { get; }
    public byte[] Keys { get; }
    public byte[] Values { get; }

    /// <summary>A copy of entry i's key.</summary>
    public byte[] GetKey(int i) => Slice(Keys, i, KeySize);

    /// <summary>A copy of entry i's value (every CPU's, for per-CPU maps).</summary>
    public byte[] GetValue(int i) => Slice(Values, i, ValueSize);

    private byte[] Slice(byte[] buffer, int i, int size) =>
        (uint)i < (uint)Count ? buffer.AsSpan(i * size, size).ToArray()
            : throw new ArgumentOutOfRangeException(nameof(i), $"The batch has {Count} entries.");

    public override string ToString() => $"{Map}: {Count} entries";
}
