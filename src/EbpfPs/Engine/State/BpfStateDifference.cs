using Newtonsoft.Json;
using Newtonsoft.Json.Converters;

namespace EbpfPs;

/// <summary>What a difference is about.</summary>
[JsonConverter(typeof(StringEnumConverter))]
public enum BpfStateItemKind
{
    Program,
    Map,
    MapEntry,
}

/// <summary>What Set-BpfState does about a difference.</summary>
[JsonConverter(typeof(StringEnumConverter))]
public enum BpfStateAction
{
    /// <summary>The hook has no such program: attach it.</summary>
    Attach,
    /// <summary>XDP: another program, or the right one in another mode: swap it.</summary>
    Replace,
    /// <summary>The map is not pinned at the path: pin the one the state's program uses.</summary>
    Pin,
    /// <summary>The key is missing or has another value: write the value.</summary>
    SetEntry,
    /// <summary>
    /// TC: the program runs more than once on the hook (two runs at once, or a filter added by hand): keep the one
    /// that runs first, remove the others.
    /// </summary>
    RemoveDuplicate,
}

/// <summary>
/// One way the kernel differs from a desired-state file (Test-BpfState), or one change Set-BpfState made
/// (Applied). Flat text and numbers, so it reads the same after remoting.
/// </summary>
public sealed record BpfStateDifference
{
    public BpfStateItemKind Kind { get; init; }
    /// <summary>The state entry: a program entry's Name, or a map's path or Program/Map.</summary>
    public string Item { get; init; } = "";
    public string? NetNamespace { get; init; }
    /// <summary>The interface, pinned path or map key the difference is at.</summary>
    public string Target { get; init; } = "";
    public BpfHook? Hook { get; init; }
    public string Expected { get; init; } = "";
    public string Actual { get; init; } = "";
    public BpfStateAction Action { get; init; }
    /// <summary>Where the state file asks for it: file, line and key.</summary>
    public string Source { get; init; } = "";
    /// <summary>True in Set-BpfState's output: the change was made.</summary>
    public bool Applied { get; init; }

    public override string ToString() => $"{Action} {Target}: {Actual} -> {Expected}";
}
