using System;

namespace EbpfPs;

/// <summary>A map the kernel holds, as `bpftool map show` describes it, plus its BTF type names.</summary>
public sealed record BpfMapInfo
{
    public uint Id { get; init; }
    public string Name { get; init; } = "";
    public string Type { get; init; } = "";
    public int TypeId { get; init; }
    public uint KeySize { get; init; }
    public uint ValueSize { get; init; }
    public uint MaxEntries { get; init; }
    public uint Flags { get; init; }
    public uint BtfId { get; init; }
    public uint BtfKeyTypeId { get; init; }
    public uint BtfValueTypeId { get; init; }
    /// <summary>The key's C type from BTF (e.g. "struct ip_pair"), or null when the map has no BTF.</summary>
    public string? KeyType { get; init; }
    public string? ValueType { get; init; }
    public long MemlockBytes { get; init; }
    /// <summary>
    /// Where the map is pinned: the path it was opened from, or (from Get-BpfMap) its first pin found on bpffs.
    /// </summary>
    public string? PinnedPath { get; init; }

    public override string ToString() => $"{Id}: {Type} {Name}";
}
