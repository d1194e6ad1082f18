using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine;
using EbpfPs.Engine.Btf;
using EbpfPs.Engine.Inventory;

namespace EbpfPs.Commands;

/// <summary>
/// Completes Get-BpfBtfType -Name from the file (-LiteralPath, -Path), BTF object (-BtfId) or map (-Map) already
/// given, and from the running kernel's types when none is: those are what a program's BTF refers to.
/// </summary>
public sealed class BtfTypeNameCompleter : CompleterBase
{
    private bool _kernel;

    protected override bool Ordered => true;

    /// <summary>vmlinux has about 100,000 names: a menu of more than this helps nobody, so type more first.</summary>
    protected override int Limit => _kernel ? 200 : int.MaxValue;

    protected override IEnumerable<string> Candidates(IDictionary bound)
    {
        _kernel = false;
        string? path = BoundStrings(bound, "LiteralPath").Concat(BoundStrings(bound, "Path")).FirstOrDefault();
        if (path is not null)
            return BtfTypes.Names(System.IO.Path.GetFullPath(path, CurrentDirectory()), null)
                .OrderBy(n => n, StringComparer.Ordinal);
        if (!NativeRuntime.LibbpfPresent)
            return Array.Empty<string>();
        if (BoundStrings(bound, "BtfId") is [string id] && uint.TryParse(id, out uint btfId))
            return BtfTypeNames.OfKernelObject(btfId);
        if (bound.Contains("Map") && bound["Map"] is object map)
        {
            uint mapBtf = MapOnLine.Reference(map)?.Describe(BoundStrings(bound, "MapName").FirstOrDefault()).BtfId
                ?? 0;
            return mapBtf == 0 ? Array.Empty<string>() : BtfTypeNames.OfKernelObject(mapBtf);
        }
        _kernel = true;
        return BtfTypeNames.OfVmlinux();
    }

    protected override (string ListItem, string ToolTip) Describe(string candidate) =>
        (candidate, _kernel ? $"{candidate} (a type of the running kernel, vmlinux)" : candidate);
}

/// <summary>
/// Completes Receive-BpfEvent -TypeName: the record types the BTF of the event map the line names (and of the
/// programs that use it) holds, by the name the parameter takes.
/// </summary>
public sealed class EventTypeNameCompleter : CompleterBase
{
    protected override bool Ordered => true;

    protected override IEnumerable<string> Candidates(IDictionary bound)
    {
        if (!NativeRuntime.LibbpfPresent)
            return Array.Empty<string>();
        BpfMapInfo? map = MapOnLine.Describe(bound, Ast);
        return map is null ? Array.Empty<string>() : BtfTypeNames.EventRecords(map);
    }
}
