using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using EbpfPs.Engine;
using EbpfPs.Engine.Inventory;

namespace EbpfPs.Commands;

/// <summary>
/// Completes an id of something loaded in the kernel, lowest first, each shown with its name and type. The word
/// typed may be the start of the id or of the name: `-Id count&lt;Tab&gt;` offers the ids of count_* programs,
/// as nobody remembers an id but everybody remembers what they loaded.
/// </summary>
public abstract class KernelIdCompleter : CompleterBase
{
    private Dictionary<string, (string Name, string What)> _known = new(StringComparer.Ordinal);

    protected override bool Ordered => true;

    /// <summary>What is loaded: its id, its name and a word on what it is (its type).</summary>
    protected abstract IEnumerable<(uint Id, string Name, string What)> Loaded();

    protected sealed override IEnumerable<string> Candidates(IDictionary bound)
    {
        if (!NativeRuntime.LibbpfPresent)
            return Array.Empty<string>();
        _known = Loaded().OrderBy(l => l.Id).ToDictionary(l => l.Id.ToString(CultureInfo.InvariantCulture),
            l => (l.Name, l.What), StringComparer.Ordinal);
        return _known.Keys;
    }

    protected override bool Matches(WildcardPattern typed, string candidate) =>
        typed.IsMatch(candidate) || _known.TryGetValue(candidate, out var k) && typed.IsMatch(k.Name);

    protected override (string ListItem, string ToolTip) Describe(string candidate)
    {
        if (!_known.TryGetValue(candidate, out var k))
            return (candidate, candidate);
        string name = k.Name.Length > 0 ? k.Name : "(no name)";
        return ($"{candidate} {name}", $"{name} ({k.What}, id {candidate})");
    }
}

/// <summary>Completes ids of programs loaded in the kernel.</summary>
public sealed class KernelProgramIdCompleter : KernelIdCompleter
{
    protected override IEnumerable<(uint Id, string Name, string What)> Loaded() =>
        KernelInventory.Programs().Select(p => (p.Id, p.Name, p.Type));
}

/// <summary>Completes ids of maps loaded in the kernel.</summary>
public sealed class KernelMapIdCompleter : KernelIdCompleter
{
    protected override IEnumerable<(uint Id, string Name, string What)> Loaded() =>
        KernelInventory.Maps().Select(m => (m.Id, m.Name, m.Type));
}

/// <summary>Completes ids of links, named after the program each one holds.</summary>
public sealed class KernelLinkIdCompleter : KernelIdCompleter
{
    protected override IEnumerable<(uint Id, string Name, string What)> Loaded() =>
        LinkInventory.Links().Select(l => (l.Id, l.ProgramName, l.Type + " link"));
}

/// <summary>
/// Completes ids of BTF objects that loaded programs and maps carry, each named after one of them.
/// </summary>
public sealed class KernelBtfIdCompleter : KernelIdCompleter
{
    protected override IEnumerable<(uint Id, string Name, string What)> Loaded() =>
        KernelInventory.Programs().Where(p => p.BtfId != 0).Select(p => (p.BtfId, p.Name, "BTF of a program"))
            .Concat(KernelInventory.Maps().Where(m => m.BtfId != 0).Select(m => (m.BtfId, m.Name, "BTF of a map")))
            .GroupBy(b => b.Item1).Select(g => g.First());
}
