namespace EbpfPs;

/// <summary>A BPF link the kernel holds (what ties a program to its hook), as `bpftool link show` lists it.</summary>
public sealed class BpfLinkInfo
{
    public uint Id { get; init; }
    /// <summary>The link type as bpftool names it: xdp, tcx, netns, cgroup, tracing, ...</summary>
    public string Type { get; init; } = "";
    public int TypeId { get; init; }
    public uint ProgramId { get; init; }
    public string ProgramName { get; init; } = "";
    /// <summary>
    /// The attach type as bpftool names it (tcx_ingress, xdp, flow_dissector, ...), when the link has one.
    /// </summary>
    public string? AttachType { get; init; }
    /// <summary>
    /// xdp, tcx and netkit links: the interface's index in its namespace (0 once the device is gone).
    /// </summary>
    public int? Ifindex { get; init; }
    /// <summary>The interface's name, when the namespace that holds it is known.</summary>
    public string? Interface { get; init; }
    /// <summary>
    /// The named network namespace of the target; null for the one this session runs in, and also when it
    /// could not be told (then NetNamespaceInode is null as well).
    /// </summary>
    public string? NetNamespace { get; init; }
    /// <summary>The target namespace's inode (as net:[N] and bpftool's netns_ino name it), when known.</summary>
    public ulong? NetNamespaceInode { get; init; }
    /// <summary>What other link types attach to: "cgroup 1234", "btf object 1 type 5678", "map 42", ...</summary>
    public string? Target { get; init; }

    public override string ToString() => $"{Id}: {Type} {ProgramName}";
}
