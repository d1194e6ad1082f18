using System;
using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Attach;
using EbpfPs.Engine.Network;

namespace EbpfPs.Engine.State;

/// <summary>
/// What a plan sees of the kernel's hooks, read once per namespace: its interfaces, the XDP program of each (one
/// link dump) and the TC programs of the interfaces the state's TC entries name (one listing), so planning n
/// interfaces costs n lookups and not n listings of the whole namespace. Planning changes nothing, and Set holds
/// the namespace's state lock from planning to its last step, so one view serves the whole plan.
/// </summary>
internal sealed class StateView
{
    private readonly BpfStateDocument _document;
    private readonly Dictionary<string, Dictionary<string, NetInterface>> _interfaces = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<int, XdpAttachment>> _xdp = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ILookup<(int, TcDirection), TcAttachment>> _tc = new(StringComparer.Ordinal);

    internal StateView(BpfStateDocument document) => _document = document;

    // Null (this session's namespace) cannot be a dictionary key, and no named namespace is called "".
    private static string KeyOf(string? netns) => netns ?? "";

    /// <summary>The namespace's interface of that name, or null.</summary>
    internal NetInterface? Named(string? netns, string name)
    {
        if (!_interfaces.TryGetValue(KeyOf(netns), out Dictionary<string, NetInterface>? byName))
            _interfaces[KeyOf(netns)] = byName = NetInterfaces.List(netns).GroupBy(i => i.Name, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        return byName.GetValueOrDefault(name);
    }

    /// <summary>The XDP program on the interface, or null.</summary>
    internal XdpAttachment? Xdp(string? netns, NetInterface on)
    {
        if (!_xdp.TryGetValue(KeyOf(netns), out Dictionary<int, XdpAttachment>? byIndex))
        {
            HashSet<string> named = NamedBy(netns, xdp: true);
            // Only the named interfaces are described: the dump is one either way, program lookups are not.
            _xdp[KeyOf(netns)] = byIndex = Attachments.ListXdp(netns, all => all.Where(i => named.Contains(i.Name)))
                .GroupBy(a => a.Ifindex).ToDictionary(g => g.Key, g => g.First());
        }
        return byIndex.GetValueOrDefault(on.Index);
    }

    /// <summary>The BPF programs on the interface's TC hook in one direction, in the order the listing gives.</summary>
    internal IReadOnlyList<TcAttachment> Tc(string? netns, NetInterface on, TcDirection direction)
    {
        if (!_tc.TryGetValue(KeyOf(netns), out ILookup<(int, TcDirection), TcAttachment>? byHook))
        {
            HashSet<string> named = NamedBy(netns, xdp: false);
            var directions = _document.Programs.Where(p => !p.IsXdp && p.NetNamespace == netns)
                .Select(p => ((TcHookPoint)p.Point).Direction).Distinct().ToList();
            // One direction asked when the state names one: the listing costs a request per hook it asks.
            TcDirection? only = directions.Count == 1 ? directions[0] : null;
            _tc[KeyOf(netns)] = byHook = Attachments.ListTc(netns, all => all.Where(i => named.Contains(i.Name)),
                only).ToLookup(a => (a.Ifindex, a.Direction));
        }
        return byHook[(on.Index, direction)].ToList();
    }

    /// <summary>The interface names the state's XDP (or TC) entries give in the namespace.</summary>
    private HashSet<string> NamedBy(string? netns, bool xdp) =>
        _document.Programs.Where(p => p.IsXdp == xdp && p.NetNamespace == netns)
            .SelectMany(p => p.Interfaces.Select(i => i.Name)).ToHashSet(StringComparer.Ordinal);
}
