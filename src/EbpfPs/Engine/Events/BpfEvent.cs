using System;

namespace EbpfPs;

/// <summary>One record a BPF program sent through a ring buffer or a perf event array.</summary>
public sealed class BpfEvent
{
    /// <summary>When the reader took the record out of the ring (local time).</summary>
    public DateTime Timestamp { get; init; }
    public string Map { get; init; } = "";
    public uint MapId { get; init; }
    /// <summary>The CPU whose perf ring held the record; null for ring buffers, which all CPUs share.</summary>
    public int? Cpu { get; init; }
    /// <summary>Bytes the program sent (perf records may carry padding after them).</summary>
    public int Size { get; init; }
    public byte[] Data { get; init; } = Array.Empty<byte>();
    /// <summary>The record decoded by the BTF type named with -TypeName; null without one.</summary>
    public object? Value { get; init; }

    public override string ToString() => $"{Map}: {Size} bytes";
}
