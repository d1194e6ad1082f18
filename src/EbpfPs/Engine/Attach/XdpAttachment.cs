using Newtonsoft.Json;
using Newtonsoft.Json.Converters;

namespace EbpfPs;

/// <summary>How an XDP program runs on an interface.</summary>
[JsonConverter(typeof(StringEnumConverter))]
public enum XdpMode
{
    /// <summary>Let the kernel choose: native when the driver supports it, generic otherwise.</summary>
    Auto,
    /// <summary>In the driver, before any skb exists.</summary>
    Native,
    /// <summary>After the kernel built the skb; works on any interface.</summary>
    Generic,
    /// <summary>On the NIC itself; needs a driver that offloads BPF.</summary>
    Offload,
}

/// <summary>An XDP program attached to an interface, as `ip -d link` shows it.</summary>
public sealed record XdpAttachment : IHookAttachment
{
    public string Interface { get; init; } = "";
    public int Ifindex { get; init; }
    /// <summary>The named network namespace, or null for the one this session runs in.</summary>
    public string? NetNamespace { get; init; }
    public XdpMode Mode { get; init; }
    public uint ProgramId { get; init; }
    public string ProgramName { get; init; } = "";
    public string ProgramTag { get; init; } = "";
    /// <summary>
    /// Where the program's maps are pinned: the -PinPath it was attached with (known to the command that attached
    /// it), or the private folder of a built-in program (removed when the program goes); null when neither.
    /// </summary>
    public string? PinPath { get; init; }
    /// <summary>The program that was there before, when -Force replaced one.</summary>
    public uint? ReplacedProgramId { get; init; }

    public override string ToString() => $"{Interface}: {ProgramName} ({Mode})";
}
