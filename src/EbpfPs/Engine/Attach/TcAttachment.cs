using Newtonsoft.Json;
using Newtonsoft.Json.Converters;

namespace EbpfPs;

[JsonConverter(typeof(StringEnumConverter))]
public enum TcDirection
{
    Ingress,
    Egress,
}

/// <summary>How a TC program is hooked in.</summary>
[JsonConverter(typeof(StringEnumConverter))]
public enum TcMode
{
    /// <summary>A cls_bpf filter on the clsact qdisc, as `tc filter add ... bpf da` makes.</summary>
    Filter,
    /// <summary>A tcx bpf_link (kernel 6.6+), no qdisc; pinned under the module's bpffs folder.</summary>
    Tcx,
}

/// <summary>A BPF program on an interface's TC hook.</summary>
public sealed record TcAttachment : IHookAttachment
{
    public string Interface { get; init; } = "";
    public int Ifindex { get; init; }
    public string? NetNamespace { get; init; }
    public TcDirection Direction { get; init; }
    public TcMode Mode { get; init; }
    /// <summary>Filter priority (tc's "pref"); 0 for tcx.</summary>
    public uint Priority { get; init; }
    /// <summary>Filter handle; 0 for tcx.</summary>
    public uint Handle { get; init; }
    public bool DirectAction { get; init; }
    public uint ProgramId { get; init; }
    public string ProgramName { get; init; } = "";
    public string ProgramTag { get; init; } = "";
    public uint LinkId { get; init; }
    /// <summary>Where the tcx link is pinned so it outlives the process.</summary>
    public string? PinnedPath { get; init; }
    /// <summary>
    /// Where the program's maps are pinned: the -PinPath it was attached with (known to the command that attached
    /// it), or the private folder of a built-in program (removed when the program goes); null when neither.
    /// </summary>
    public string? PinPath { get; init; }
    /// <summary>The program that ran there before, when -Force replaced an older build in place.</summary>
    public uint? ReplacedProgramId { get; init; }
    /// <summary>True when this attach created the clsact qdisc (it is removed with the last of our filters).</summary>
    public bool CreatedQdisc { get; init; }

    public override string ToString() => $"{Interface} {Direction}: {ProgramName} ({Mode})";
}

/// <summary>Where a TC attachment sits; makes the attachment records so every path fills them alike.</summary>
internal readonly record struct TcTarget(NetInterface On, TcDirection Direction)
{
    internal TcAttachment Filter(uint priority, uint handle, bool directAction, uint programId, string programName,
        string programTag, bool createdQdisc) => new()
    {
        Interface = On.Name, Ifindex = On.Index, NetNamespace = On.NetNamespace, Direction = Direction,
        Mode = TcMode.Filter, Priority = priority, Handle = handle, DirectAction = directAction,
        ProgramId = programId, ProgramName = programName, ProgramTag = programTag, CreatedQdisc = createdQdisc,
    };

    internal TcAttachment Tcx(uint programId, string programName, string programTag, uint linkId, string pinnedPath) =>
        new()
    {
        Interface = On.Name, Ifindex = On.Index, NetNamespace = On.NetNamespace, Direction = Direction,
        Mode = TcMode.Tcx, ProgramId = programId, ProgramName = programName, ProgramTag = programTag, LinkId = linkId,
        DirectAction = true, PinnedPath = pinnedPath,
    };
}
