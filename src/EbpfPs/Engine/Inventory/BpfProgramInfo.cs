using System;

namespace EbpfPs;

/// <summary>A program the kernel holds, as `bpftool prog show` describes it.</summary>
public sealed class BpfProgramInfo
{
    public uint Id { get; init; }
    /// <summary>
    /// The program's full name, from its BTF function info as bpftool shows it (router_firewall_func); the kernel's
    /// own name when the program has no BTF.
    /// </summary>
    public string Name { get; init; } = "";
    /// <summary>The name the kernel keeps: the first 15 characters (what ip and tc print).</summary>
    public string KernelName { get; init; } = "";
    public string Type { get; init; } = "";
    public int TypeId { get; init; }
    /// <summary>The program's tag: hex of the SHA of its instructions, as bpftool prints it.</summary>
    public string Tag { get; init; } = "";
    public DateTime LoadedAt { get; init; }
    public uint Uid { get; init; }
    public uint[] MapIds { get; init; } = Array.Empty<uint>();
    public uint BtfId { get; init; }
    public bool GplCompatible { get; init; }
    public bool Jited => JitedSize > 0;
    public uint JitedSize { get; init; }
    public uint XlatedSize { get; init; }
    public long MemlockBytes { get; init; }
    public uint VerifiedInstructions { get; init; }
    /// <summary>Runs counted while kernel statistics were on (Enable-BpfStatistics); 0 otherwise.</summary>
    public ulong RunCount { get; init; }
    public ulong RunTimeNs { get; init; }
    public double? NsPerRun => RunCount == 0 ? null : (double)RunTimeNs / RunCount;
    public ulong RecursionMisses { get; init; }

    public override string ToString() => $"{Id}: {Type} {Name}";
}
